extension SweepManifest {
    /// The `--dry-run` / `exp sweep show` table: one row per trial with its index, run id, status and swept values,
    /// then a count per status.
    public func table(trials indices: Set<Int>? = nil) -> String {
        let rows = trials.filter { indices?.contains($0.index) ?? true }
        let header = ["trial", "run", "status"] + paths
        let body = rows.map { row in [String(row.index), row.runID, row.status.rawValue] + paths.map { row.values[$0] ?? "" } }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [line(header)] + body.map(line)
        let counts = Status.allCases.compactMap { status -> String? in
            let count = rows.filter { $0.status == status }.count
            return count == 0 ? nil : "\(count) \(status.rawValue)"
        }
        lines.append("\(rows.count) trial(s): " + counts.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }
}
