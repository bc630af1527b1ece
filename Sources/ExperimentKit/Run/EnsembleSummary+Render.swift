import Foundation

extension EnsembleSummary {
    /// The summary as `table` (one line per group, then mean ± std), `md` (a markdown table), `csv` (one row per
    /// group, then `mean` and `std` rows) or `json` text.
    /// - Throws: `EncodingError` for `json` (only for non-finite numbers, which metrics never hold).
    public func render(format: String) throws -> String {
        func members(_ group: EnsembleGroupResult) -> String {
            group.record.members.map { "\($0.experiment)/\($0.runID)" }.joined(separator: " + ")
        }
        func number(_ value: Double) -> String { String(format: "%.4f", value) }
        func spread(_ value: MeanDeviation) -> String { number(value.mean) + " ± " + number(value.std) }
        let count = groups.count
        switch format {
        case "json":
            let document = RenderedSummary(
                name: name, uar: uar, accuracy: accuracy, macroF1: macroF1,
                groups: groups.map { RenderedGroup(group: $0.record.group, members: $0.record.members,
                                                   clips: $0.record.testClips, uar: $0.metrics.uar,
                                                   accuracy: $0.metrics.accuracy, macroF1: $0.metrics.macroF1,
                                                   directory: $0.directory.path) })
            return String(decoding: try JSONCoding.encoder().encode(document), as: UTF8.self) + "\n"
        case "csv":
            var lines = ["group,members,clips,uar,accuracy,macro_f1"]
            lines += groups.map { group in
                [group.record.group, members(group), "\(group.record.testClips)", number(group.metrics.uar),
                 number(group.metrics.accuracy), number(group.metrics.macroF1)].joined(separator: ",")
            }
            lines.append(["mean", "", "", number(uar.mean), number(accuracy.mean), number(macroF1.mean)].joined(separator: ","))
            lines.append(["std", "", "", number(uar.std), number(accuracy.std), number(macroF1.std)].joined(separator: ","))
            return lines.joined(separator: "\n") + "\n"
        case "md":
            var lines = ["| group | members | clips | UAR | accuracy | macro-F1 |", "|---|---|---:|---:|---:|---:|"]
            lines += groups.map { group in
                "| \(group.record.group) | \(members(group)) | \(group.record.testClips) | \(number(group.metrics.uar)) | "
                    + "\(number(group.metrics.accuracy)) | \(number(group.metrics.macroF1)) |"
            }
            lines.append("| mean ± std (\(count)) | | | \(spread(uar)) | \(spread(accuracy)) | \(spread(macroF1)) |")
            return lines.joined(separator: "\n") + "\n"
        default:
            var lines = groups.map { group in
                "\(name)/\(group.record.group): \(members(group))  uar \(number(group.metrics.uar))  accuracy "
                    + "\(number(group.metrics.accuracy))  macro_f1 \(number(group.metrics.macroF1))  "
                    + "(\(group.record.testClips) clips)"
            }
            lines.append("\(name): mean ± std over \(count) group\(count == 1 ? "" : "s"): uar \(spread(uar))  "
                         + "accuracy \(spread(accuracy))  macro_f1 \(spread(macroF1))")
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

/// The `--format json` document of `exp ensemble`.
private struct RenderedSummary: Encodable {
    var name: String
    var uar: MeanDeviation
    var accuracy: MeanDeviation
    var macroF1: MeanDeviation
    var groups: [RenderedGroup]

    enum CodingKeys: String, CodingKey {
        case name, uar, accuracy, groups
        case macroF1 = "macro_f1"
    }
}

/// One group in the `--format json` document.
private struct RenderedGroup: Encodable {
    var group: String
    var members: [EnsembleMember]
    var clips: Int
    var uar: Double
    var accuracy: Double
    var macroF1: Double
    var directory: String

    enum CodingKeys: String, CodingKey {
        case group, members, clips, uar, accuracy, directory
        case macroF1 = "macro_f1"
    }
}
