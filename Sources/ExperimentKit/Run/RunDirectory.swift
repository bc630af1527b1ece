import Foundation

/// The layout of one run's directory, `<root>/<name>/<run-id>/`, kept inside the runs root.
public struct RunDirectory: Sendable, Equatable {
    /// The runs root (`--runs-dir`, `$EXP_RUNS_DIR`, or `runs`), resolved to a real path.
    public let root: URL
    /// `<root>/<name>/<run-id>`.
    public let url: URL

    /// The run directory of `name`/`runID` under `root`, created (with its parents) if needed.
    ///
    /// Every path component is checked with `lstat`: a `..`, `/` or empty component, or an existing symlink between
    /// the root and the run directory, is rejected instead of followed, so no run writes outside the root.
    /// - Throws: `RunError.outsideRunsRoot` or `RunError.writeFailed`.
    public static func create(root: URL, name: String, runID: String) throws -> RunDirectory {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: nil,
                                                orThrow: root)
        let realRoot = URL(fileURLWithPath: realPath(root.path) ?? root.standardizedFileURL.path)
        var url = realRoot
        let components = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init) + [runID]
        for component in components {
            guard isPlainComponent(component) else {
                throw RunError.outsideRunsRoot(path: root.path + "/" + name + "/" + runID, root: realRoot.path)
            }
            url.appendPathComponent(component)
            try makeRealDirectory(url, root: realRoot)
        }
        guard let real = realPath(url.path), real.hasPrefix(realRoot.path + "/") else {
            throw RunError.outsideRunsRoot(path: url.path, root: realRoot.path)
        }
        return RunDirectory(root: realRoot, url: url)
    }

    /// The existing run directory at `url` (for `exp show`/`predict`), without creating anything.
    public init(existing url: URL) {
        self.root = url.deletingLastPathComponent().deletingLastPathComponent()
        self.url = url
    }

    private init(root: URL, url: URL) {
        self.root = root
        self.url = url
    }

    /// `spec.yaml`: the resolved spec.
    public var spec: URL { url.appendingPathComponent("spec.yaml") }
    /// `run.json`: identity, status, timings and provenance.
    public var record: URL { url.appendingPathComponent("run.json") }
    /// `history.jsonl`: one line per epoch.
    public var history: URL { url.appendingPathComponent("history.jsonl") }
    /// `metrics.json`: final test metrics.
    public var metrics: URL { url.appendingPathComponent("metrics.json") }
    /// `log.txt`: the plain progress log.
    public var log: URL { url.appendingPathComponent("log.txt") }
    /// `checkpoints/`.
    public var checkpoints: URL { url.appendingPathComponent("checkpoints") }
    /// `checkpoints/best.safetensors` or `checkpoints/last.safetensors`.
    public func checkpoint(_ kind: CheckpointKind) -> URL {
        checkpoints.appendingPathComponent("\(kind.rawValue).safetensors")
    }
    /// `eval/`: one folder per corpus the run was evaluated on (`exp evaluate`, a spec's `evaluate:` list).
    public var evaluations: URL { url.appendingPathComponent("eval") }

    /// `eval/<corpus>/`, created (without following symlinks) if needed.
    /// - Throws: `RunError.outsideRunsRoot` for a name that is not one plain path component or a symlinked
    ///   folder; `RunError.writeFailed`.
    public func evaluation(_ corpus: String) throws -> URL {
        guard Self.isPlainComponent(corpus) else {
            throw RunError.outsideRunsRoot(path: evaluations.path + "/" + corpus, root: root.path)
        }
        let folder = evaluations.appendingPathComponent(corpus)
        try Self.makeRealDirectory(evaluations, root: root)
        try Self.makeRealDirectory(folder, root: root)
        return folder
    }

    /// `.claim/`: exists while a process owns the run.
    public var claim: URL { url.appendingPathComponent(".claim") }

    /// Creates `checkpoints/` (refusing a symlink) and removes temporary files a killed writer left behind.
    /// - Throws: `RunError.outsideRunsRoot` or `RunError.writeFailed`.
    public func prepare() throws {
        try Self.makeRealDirectory(checkpoints, root: root)
        AtomicFile.removeStaleTemporaries(in: url)
        AtomicFile.removeStaleTemporaries(in: checkpoints)
    }

    /// Whether `component` is a single, non-special path component.
    static func isPlainComponent(_ component: String) -> Bool {
        !component.isEmpty && component != "." && component != ".." && !component.contains("/")
            && !component.contains("\0")
    }

    /// Creates `url` as a directory, or accepts an existing real directory; a symlink or file is an error.
    static func makeRealDirectory(_ url: URL, root: URL) throws {
        if mkdir(url.path, 0o755) == 0 { return }
        let code = errno
        var info = stat()
        guard code == EEXIST, lstat(url.path, &info) == 0 else {
            throw AtomicFile.failure(url, code)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw RunError.outsideRunsRoot(path: url.path, root: root.path)
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension FileManager {
    /// `createDirectory` with the failure mapped to `RunError.writeFailed` naming `path`.
    func createDirectory(at url: URL, withIntermediateDirectories: Bool, attributes: [FileAttributeKey: Any]?,
                         orThrow path: URL) throws {
        do {
            try createDirectory(at: url, withIntermediateDirectories: withIntermediateDirectories,
                                attributes: attributes)
        } catch {
            throw RunError.writeFailed(path: path.path, reason: error.localizedDescription)
        }
    }
}
