import Foundation

/// Finds a run directory from what a user types after `exp show` or `exp predict --run`.
public enum RunLocator {
    /// `reference` as a run directory (holding `run.json`), as `<name>/<run-id>` under `runsRoot`, or as an
    /// experiment name under `runsRoot` (its run whose `run.json` changed last).
    /// - Throws: `RunError.readFailed` naming what was looked for.
    public static func locate(_ reference: String, runsRoot: URL) throws -> URL {
        let manager = FileManager.default
        for candidate in [URL(fileURLWithPath: reference), runsRoot.appendingPathComponent(reference)] {
            if manager.fileExists(atPath: candidate.appendingPathComponent("run.json").path) { return candidate }
        }
        let experiment = runsRoot.appendingPathComponent(reference)
        let names = (try? manager.contentsOfDirectory(atPath: experiment.path)) ?? []
        let runs = names.compactMap { name -> (URL, Date)? in
            let record = experiment.appendingPathComponent(name).appendingPathComponent("run.json")
            guard let attributes = try? manager.attributesOfItem(atPath: record.path),
                  let modified = attributes[.modificationDate] as? Date else { return nil }
            return (experiment.appendingPathComponent(name), modified)
        }
        guard let latest = runs.max(by: { $0.1 < $1.1 }) else {
            throw RunError.readFailed(path: reference, reason: "no run directory, <name>/<run-id> or experiment name "
                + "with runs under \(runsRoot.path)")
        }
        return latest.0
    }
}
