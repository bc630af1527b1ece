import Foundation

extension DataCheckReport {
    /// The report as an aligned plain-text table (stable order: speakers sorted, classes in corpus order).
    public func table() -> String {
        var lines: [String] = []
        lines.append("Corpus \(corpus) at \(root): \(clipCount) clips, \(classes.count) classes, " +
                     "\(speakers.filter { $0.speaker != nil }.count) speakers, \(unreadable.count) unreadable")
        lines.append("")
        lines.append("Clips per speaker × \(corpus == RavdessSource.kind ? "emotion" : "label")")
        var grid: [[String]] = [["speaker", "gender"] + classes + ["total"]]
        for row in speakers {
            grid.append([row.speaker ?? "(none)", row.gender?.rawValue ?? "-"] + row.counts.map(String.init)
                        + [String(row.total)])
        }
        grid.append(["total", ""] + classTotals.map(String.init) + [String(clipCount)])
        lines += DataCheckReport.align(grid, leftColumns: 2)
        lines.append("")
        if let corpora {
            lines.append("Clips per corpus × \(corpus == RavdessSource.kind ? "emotion" : "label")")
            var rows: [[String]] = [["corpus", "root", "speakers"] + classes + ["total", "unreadable"]]
            for row in corpora {
                rows.append([row.name, row.root, String(row.speakerCount)] + row.classTotals.map(String.init)
                            + [String(row.clipCount), String(row.unreadableCount)])
            }
            lines += DataCheckReport.align(rows, leftColumns: 2)
            lines.append("")
        }
        func values(_ counts: [ValueCount], unit: String) -> String {
            counts.isEmpty ? "-" : counts.map { "\($0.value)\(unit): \($0.count)" }.joined(separator: ", ")
        }
        let facts: [[String]] = [
            ["Sample rates", values(sampleRates, unit: " Hz")],
            ["Channels", values(channels, unit: "")],
            ["Formats", values(formats, unit: "")],
            ["Duration (s)", String(format: "min %.3f  mean %.3f  max %.3f", durations.min, durations.mean,
                                    durations.max)],
        ]
        lines += DataCheckReport.align(facts, leftColumns: 2)
        lines.append("")
        lines.append("Unreadable or malformed files: \(unreadable.count)")
        for file in unreadable { lines.append("  \(file.path): \(file.reason)") }
        lines.append("Exact duplicates (same content hash): \(duplicates.count) group\(duplicates.count == 1 ? "" : "s")")
        for group in duplicates { lines.append("  " + group.joined(separator: " = ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Pads every column to its widest cell: the first `leftColumns` left-aligned, the rest right-aligned.
    static func align(_ rows: [[String]], leftColumns: Int) -> [String] {
        let columnCount = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columnCount)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column < leftColumns ? cell + padding : padding + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }
}
