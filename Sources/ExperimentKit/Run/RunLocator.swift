import Foundation

/// Finds a run directory from what a user types after `exp show` or `exp predict --run`: a path the user gives is
/// taken as it is, and a name never leads out of the runs root.
public enum RunLocator {
    /// `reference` as a path to a run directory (holding `run.json`), as `<name>/<run-id>` under `runsRoot`, or as an
    /// experiment name under `runsRoot` (its run whose `run.json` changed last).
    ///
    /// A path to a run directory (absolute, or relative to the working directory) is used wherever it lies, as any
    /// tool opens the file it is given. A name looked up under the runs root must stay inside it: one with `..` that
    /// climbs out, or a symlink under the root that leads out of it, is refused, not followed (pass `--runs-dir` to
    /// look under another root).
    /// - Throws: `RunError.outsideRunsRoot` for a reference leading out of the root, `RunError.readFailed` naming
    ///   what was looked for when nothing matches.
    public static func locate(_ reference: String, runsRoot: URL) throws -> URL {
        guard !reference.isEmpty, !reference.contains("\0") else {
            throw RunError.readFailed(path: reference.isEmpty ? "''" : reference.replacingOccurrences(of: "\0", with: "\\0"),
                                      reason: "a run reference must be a non-empty path or name without NUL characters")
        }
        let realRoot = RunDirectory.realPath(runsRoot.path) ?? runsRoot.standardizedFileURL.path
        let manager = FileManager.default
        let path = URL(fileURLWithPath: reference)
        if manager.fileExists(atPath: path.appendingPathComponent("run.json").path),
           let real = RunDirectory.realPath(path.standardizedFileURL.path) {
            return URL(fileURLWithPath: real)
        }
        let named = runsRoot.appendingPathComponent(reference)
        if manager.fileExists(atPath: named.appendingPathComponent("run.json").path) {
            return try confined(named, root: realRoot, reference: reference)
        }
        let experiment = try confined(runsRoot.appendingPathComponent(reference), root: realRoot, reference: reference,
                                      mustExist: false)
        let names = (try? manager.contentsOfDirectory(atPath: experiment.path)) ?? []
        let runs = names.compactMap { name -> (URL, Date)? in
            let directory = experiment.appendingPathComponent(name)
            guard !isSymlink(directory), !isSymlink(directory.appendingPathComponent("run.json")),
                  let attributes = try? manager.attributesOfItem(atPath: directory.appendingPathComponent("run.json").path),
                  let modified = attributes[.modificationDate] as? Date else { return nil }
            return (directory, modified)
        }
        guard let latest = runs.max(by: { $0.1 < $1.1 }) else {
            throw RunError.readFailed(path: reference, reason: "no run directory, <name>/<run-id> or experiment name "
                + "with runs under \(runsRoot.path)")
        }
        return latest.0
    }

    /// `candidate` with symlinks resolved, if that real path lies inside `root` (itself a real path).
    private static func confined(_ candidate: URL, root: String, reference: String, mustExist: Bool = true) throws -> URL {
        let lexical = candidate.standardizedFileURL.path
        guard let real = RunDirectory.realPath(lexical) else {
            if mustExist { throw RunError.readFailed(path: reference, reason: "no such run directory") }
            // Nothing exists to follow, so the lexical path decides.
            guard lexical.hasPrefix(root + "/") else { throw RunError.outsideRunsRoot(path: lexical, root: root) }
            return URL(fileURLWithPath: lexical)
        }
        // `run.json` is checked too: a symlinked record would be read from wherever it points.
        guard real.hasPrefix(root + "/"), !isSymlink(URL(fileURLWithPath: real).appendingPathComponent("run.json")) else {
            throw RunError.outsideRunsRoot(path: lexical, root: root)
        }
        return URL(fileURLWithPath: real)
    }

    private static func isSymlink(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }
}
