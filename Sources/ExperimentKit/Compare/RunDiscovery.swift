import Foundation

/// Finds run directories under the paths given to `exp compare`: a runs root, `runs/<name>`, or run directories.
public enum RunDiscovery {
    /// Files whose presence makes a directory a run directory (even when `run.json` is still missing).
    static let markers = ["run.json", "spec.yaml", "history.jsonl", "metrics.json"]

    /// The run directories at or below each path (depth ≤ 4), sorted by path, without duplicates.
    /// - Throws: `CompareError.noRuns` when a path does not exist or holds no run.
    public static func find(_ paths: [URL]) throws -> [URL] {
        var found: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory), isDirectory.boolValue
            else { throw CompareError.noRuns(path.path) }
            let before = found.count
            collect(path.standardizedFileURL, depth: 0, into: &found)
            if found.count == before { throw CompareError.noRuns(path.path) }
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0.path).inserted }.sorted { $0.path < $1.path }
    }

    /// Loads every run, in parallel: rows come back in the order of `directories`.
    public static func load(_ directories: [URL]) -> [RunRow] {
        let rows = RowBuffer(count: directories.count)
        DispatchQueue.concurrentPerform(iterations: directories.count) { index in
            rows.set(index, RunRow.load(directories[index]))
        }
        return rows.values.compactMap { $0 }
    }

    private static func collect(_ directory: URL, depth: Int, into found: inout [URL]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        if names.contains(where: markers.contains) {
            found.append(directory)
            return
        }
        guard depth < 4 else { return }
        for name in names.sorted() where !name.hasPrefix(".") {
            let child = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: child.path, isDirectory: &isDirectory), isDirectory.boolValue {
                collect(child, depth: depth + 1, into: &found)
            }
        }
    }
}

/// Slots filled from `concurrentPerform` workers, each index written once under a lock.
private final class RowBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [RunRow?]

    init(count: Int) { values = [RunRow?](repeating: nil, count: count) }

    func set(_ index: Int, _ row: RunRow) {
        lock.lock()
        values[index] = row
        lock.unlock()
    }
}
