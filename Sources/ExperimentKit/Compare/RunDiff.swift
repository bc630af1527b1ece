import Foundation

/// `exp diff RUN_A RUN_B`: the parameters, metrics and attributes that differ, side by side.
public struct RunDiff: Sendable {
    /// One differing key with both values (nil where a run lacks it).
    public struct Entry: Sendable, Equatable {
        /// The dotted key.
        public var key: String
        /// Value in the first run.
        public var left: CompareValue?
        /// Value in the second run.
        public var right: CompareValue?
    }

    /// Identity of the first run (`name/id`).
    public var leftName: String
    /// Identity of the second run.
    public var rightName: String
    /// Differing parameters, sorted by key.
    public var params: [Entry]
    /// Differing metrics (all when `all`), sorted by key.
    public var metrics: [Entry]
    /// Differing attributes except identity and timestamps.
    public var attributes: [Entry]

    /// Compares two loaded runs; `all` keeps equal values too.
    public init(_ a: RunRow, _ b: RunRow, all: Bool = false) {
        leftName = a.attributes["run"]?.description ?? a.directory.path
        rightName = b.attributes["run"]?.description ?? b.directory.path
        func entries(_ left: [String: CompareValue], _ right: [String: CompareValue]) -> [Entry] {
            Set(left.keys).union(right.keys).sorted().compactMap { key in
                all || left[key] != right[key] ? Entry(key: key, left: left[key], right: right[key]) : nil
            }
        }
        params = entries(a.params, b.params)
        metrics = entries(a.metrics.mapValues(CompareValue.number), b.metrics.mapValues(CompareValue.number))
        let identity: Set<String> = ["run", "id", "created", "duration", "host"]
        attributes = entries(a.attributes.filter { !identity.contains($0.key) },
                             b.attributes.filter { !identity.contains($0.key) })
    }

    /// Reads two run directories.
    /// - Throws: `CompareError.unreadableRun` when either has no readable `run.json`.
    public static func load(_ a: URL, _ b: URL, all: Bool = false) throws -> RunDiff {
        let rows = [RunRow.load(a), RunRow.load(b)]
        for row in rows where row.status == "unreadable" {
            throw CompareError.unreadableRun(path: row.directory.path, reason: row.note ?? "not a run directory")
        }
        return RunDiff(rows[0], rows[1], all: all)
    }

    /// Three aligned columns per section; metrics get a fourth with `B − A`.
    public func render(precision: Int = 4) -> String {
        var rounded = true
        func text(_ value: CompareValue?) -> String {
            guard let value else { return "-" }
            return rounded ? value.formatted(precision: precision) : value.description
        }
        let sections = [("params", params), ("metrics", metrics), ("attributes", attributes)]
        let keyWidth = max(10, sections.flatMap { $0.1.map(\.key.count) }.max() ?? 0)
        let leftWidth = max(leftName.count, sections.flatMap { $0.1.map { text($0.left).count } }.max() ?? 0)
        let rightWidth = max(rightName.count, sections.flatMap { $0.1.map { text($0.right).count } }.max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var lines = [pad("", keyWidth) + "  " + pad(leftName, leftWidth) + "  " + rightName]
        for (title, entries) in sections {
            lines.append("")
            lines.append(entries.isEmpty ? "\(title): identical" : "\(title):")
            // Metrics print at `precision`; parameters and attributes print exactly.
            rounded = title == "metrics"
            for entry in entries {
                var line = pad(entry.key, keyWidth) + "  " + pad(text(entry.left), leftWidth) + "  "
                    + pad(text(entry.right), rightWidth)
                if title == "metrics", let x = entry.left?.number, let y = entry.right?.number {
                    line += "  " + (y - x >= 0 ? "+" : "") + String(format: "%.\(precision)f", y - x)
                }
                lines.append(line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
