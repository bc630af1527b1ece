extension SweepManifest {
    /// The `--dry-run` / `exp sweep show` table: one row per trial with its index, run id, status and swept values,
    /// then a count per status.
    public func table(trials indices: Set<Int>? = nil) -> String {
        let rows = trials.filter { indices?.contains($0.index) ?? true }
        let body = rows.map { row in [String(row.index), row.runID, row.status.rawValue] + paths.map { row.values[$0] ?? "" } }
        return Self.format(header: ["trial", "run", "status"] + paths, body: body, footer: Self.counts(rows))
    }

    /// The `exp sweep status` table: each trial's status from its run directory beside the array task of the latest
    /// recorded job that runs it and that task's state in `states` (`123_4` → `RUNNING`; `-` when Slurm no longer
    /// knows it, or no job was recorded), then the counts and a line for each trial still claimed by an ended task.
    public func clusterTable(states: [String: String]) -> String {
        let body = trials.map { row -> [String] in
            guard let job = jobs?.last else { return [String(row.index), row.runID, row.status.rawValue, "-", "-"] }
            let task = "\(job.id)_\(job.task(forTrial: row.index))"
            return [String(row.index), row.runID, row.status.rawValue, task, states[task] ?? "-"]
        }
        let submitted = (jobs ?? []).map { "\($0.id) (\($0.submitted))" }
        var footer = Self.counts(trials) + (submitted.isEmpty ? "; no job recorded" : "; jobs " + submitted.joined(separator: ", "))
        // A claim whose task Slurm has ended (a crashed node, SIGKILL) stays: claims from other hosts are never taken over.
        let live: Set<String> = ["-", "PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING"]
        for (row, cells) in zip(trials, body) where row.status == .running && !live.contains(cells[4]) {
            footer += "\ntrial \(row.index) is claimed but its task \(cells[3]) is \(cells[4]): once no exp process holds it, "
                + "remove \(name)/\(row.runID)/.claim under the runs root and resubmit"
        }
        return Self.format(header: ["trial", "run", "status", "job", "job_state"], body: body, footer: footer)
    }

    /// `N trial(s): 2 completed, 1 failed`.
    private static func counts(_ rows: [Trial]) -> String {
        let counts = Status.allCases.compactMap { status -> String? in
            let count = rows.filter { $0.status == status }.count
            return count == 0 ? nil : "\(count) \(status.rawValue)"
        }
        return "\(rows.count) trial(s): " + counts.joined(separator: ", ")
    }

    /// Left-aligned columns two blanks apart, no trailing blanks, then the footer line.
    private static func format(header: [String], body: [[String]], footer: String) -> String {
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return ([line(header)] + body.map(line) + [footer]).joined(separator: "\n") + "\n"
    }
}
