import Foundation

/// The `exp compare` entry point: discover, load, filter, sort, group, render.
public enum Comparison {
    /// The loaded runs under `paths`, with one note per run that could only be read in part.
    /// - Throws: `CompareError.noRuns` for a path without runs.
    public static func load(_ paths: [URL]) throws -> (runs: [RunRow], notes: [String]) {
        let runs = RunDiscovery.load(try RunDiscovery.find(paths))
        let notes = runs.compactMap { run in run.note.map { "note: \(run.directory.path): \($0)" } }
        return (runs, notes)
    }

    /// The comparison of the runs under `paths` as text in `format`, and notes for stderr.
    /// - Throws: `CompareError`.
    public static func render(_ paths: [URL], options: CompareOptions, format: CompareFormat) throws
        -> (text: String, notes: [String]) {
        let (runs, notes) = try load(paths)
        return (try CompareTable(runs: runs, options: options).render(format), notes)
    }
}
