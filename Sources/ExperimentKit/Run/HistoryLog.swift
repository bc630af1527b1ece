import Foundation

/// `history.jsonl`: one compact JSON line per completed epoch, rewritten atomically on every append.
///
/// Rewriting (instead of appending in place) means a kill can never leave half a line; the file is a few KB.
public enum HistoryLog {
    /// The epochs recorded at `url`, in order; empty when the file does not exist.
    /// - Throws: `RunError.readFailed` naming the line that does not decode.
    public static func read(_ url: URL) throws -> [EpochMetrics] {
        // A line per epoch of a few hundred bytes: the limit leaves room for the most epochs a spec allows.
        guard let data = try RunFile.contents(url, limit: 1 << 30) else { return [] }
        let decoder = JSONCoding.decoder()
        var epochs: [EpochMetrics] = []
        for (index, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
            do {
                epochs.append(try decoder.decode(EpochMetrics.self, from: Data(line)))
            } catch {
                throw RunError.readFailed(path: url.path, reason: "line \(index + 1) is not an epoch record (\(error))")
            }
        }
        return epochs
    }

    /// Writes `epochs` as the whole file, one line each.
    /// - Throws: `RunError.writeFailed`.
    public static func write(_ epochs: [EpochMetrics], to url: URL) throws {
        let encoder = JSONCoding.lineEncoder()
        var data = Data()
        for epoch in epochs {
            data.append(try encoder.encode(epoch))
            data.append(0x0A)
        }
        try AtomicFile.write(data, to: url)
    }

    /// Appends `epoch` to the file at `url`.
    /// - Throws: `RunError.readFailed`/`writeFailed`.
    public static func append(_ epoch: EpochMetrics, to url: URL) throws {
        try write(read(url) + [epoch], to: url)
    }

    /// Keeps only epochs `1...lastEpoch` (the ones the resumed checkpoint contains) and returns them.
    ///
    /// A process killed after logging epoch k+1 but before checkpointing it leaves a line the resumed run will
    /// produce again; dropping it keeps exactly one line per epoch.
    /// - Throws: `RunError.readFailed`/`writeFailed`.
    @discardableResult
    public static func truncate(_ url: URL, toEpoch lastEpoch: Int) throws -> [EpochMetrics] {
        let all = try read(url)
        let kept = all.filter { $0.epoch <= lastEpoch }
        if kept.count != all.count { try write(kept, to: url) }
        return kept
    }
}
