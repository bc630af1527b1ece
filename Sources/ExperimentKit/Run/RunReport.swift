import Foundation
import Yams

/// The terminal report of one run directory (`exp show`): status, spec, history, test metrics, per-class table and
/// confusion matrix. Reads only artifacts, so it works on finished, running and broken runs alike.
public enum RunReport {
    /// The report of the run at `url` (a run directory).
    /// - Throws: `RunError.readFailed` when `url` holds no `run.json` or an artifact is corrupt.
    public static func render(_ url: URL) throws -> String {
        let directory = RunDirectory(existing: url)
        guard let record = try RunRecord.read(directory.record) else {
            throw RunError.readFailed(path: directory.record.path, reason: "no run.json: not a run directory")
        }
        var lines: [String] = []
        var status = "\(record.status.rawValue) after \(record.epochsCompleted) epoch"
            + (record.epochsCompleted == 1 ? "" : "s")
        if let best = record.bestEpoch { status += " (best epoch \(best))" }
        if record.status == .running, let owner = RunClaim.owner(of: directory) {
            status += ", in progress: process \(owner.pid) on \(owner.host)"
        } else if record.status == .running {
            status += ", no live process: the next `exp run` resumes it"
        }
        lines.append("run        \(record.name)/\(record.id)")
        lines.append("directory  \(url.path)")
        lines.append("status     \(status)")
        if let error = record.error { lines.append("error      \(error)") }
        lines.append("seed       \(record.seed)    threads \(record.threads)    host \(record.host)")
        lines.append("exp        \(record.expVersion)" + (record.gitCommit.map { " (commit \($0.prefix(12)))" } ?? ""))
        lines.append("elapsed    \(ProgressObserver.duration(record.timings.elapsedSeconds))"
            + (record.resumes > 0 ? "    resumed \(record.resumes)×" : ""))
        if let split = record.split {
            lines.append("split      train \(split.train.count), validation \(split.validation.count), "
                + "test \(split.test.count) clips")
        }
        let spec = try RunFile.contents(directory.spec).map { String(decoding: $0, as: UTF8.self) }
        let selection = spec.map(metricSelection(specYAML:)) ?? .all
        if let spec {
            lines.append("")
            lines.append("spec (spec.yaml)")
            lines += spec.split(separator: "\n", omittingEmptySubsequences: true).map { "  " + $0 }
        }
        let history = try HistoryLog.read(directory.history)
        if let last = history.last {
            lines.append("")
            lines.append("history    \(history.count) epochs; last: "
                + selection.epochLine(last, epochs: nil))
        }
        if let data = try RunFile.contents(directory.metrics) {
            let metrics: ClassificationMetrics
            do {
                metrics = try JSONCoding.decoder().decode(ClassificationMetrics.self, from: data)
            } catch {
                throw RunError.readFailed(path: directory.metrics.path, reason: "not valid metrics (\(error))")
            }
            lines.append("")
            lines += table(metrics, selection: selection)
        }
        lines += evaluationLines(url, selection: selection)
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line per corpus of `eval/` (the selected metrics, clips scored and left out, classes missing), then
    /// each corpus's per-class table and confusion matrix.
    static func evaluationLines(_ url: URL, selection: MetricSelection) -> [String] {
        let stored = CorpusEvaluator.stored(in: url)
        guard !stored.isEmpty else { return [] }
        var lines = ["", "cross-corpus evaluation (eval/<corpus>/metrics.json)"]
        let width = max(10, (stored.map(\.name.count).max() ?? 0) + 2)
        for entry in stored {
            let line = "  " + entry.name.padding(toLength: width, withPad: " ", startingAt: 0)
                + selection.describe(entry.metrics) + "  (\(entry.metrics.count) clips"
            guard let evaluation = entry.evaluation else {
                lines.append(line + ")")
                continue
            }
            let details = CorpusEvaluator.summary(evaluation, entry.metrics)
            lines.append(line + (details.firstIndex(of: ";").map { String(details[$0...]) } ?? ")"))
        }
        for entry in stored {
            lines.append("")
            lines.append("eval/\(entry.name)")
            lines += table(entry.metrics, selection: selection).dropFirst(2).map { $0 }
        }
        return lines
    }

    /// The run's `metrics:` selection from its resolved `spec.yaml`; every metric if the file has no readable list.
    static func metricSelection(specYAML text: String) -> MetricSelection {
        guard let root = (try? Yams.load(yaml: text)) as? [String: Any], let items = root["metrics"] as? [Any] else {
            return .all
        }
        let names = items.compactMap { item in (item as? String) ?? ((item as? [String: Any])?["type"] as? String) }
        return MetricSelection(names.compactMap(MetricKind.init(rawValue:)))
    }

    /// The selected test metrics, the per-class table and the confusion matrix (rows = truth); the table and the
    /// matrix are shown whatever the selection.
    public static func table(_ metrics: ClassificationMetrics, selection: MetricSelection = .all) -> [String] {
        func number(_ value: Double) -> String { String(format: "%.4f", value) }
        var lines = ["test       \(selection.describe(metrics))  (\(metrics.count) clips)"]
        let width = max(9, (metrics.perClass.map(\.name.count).max() ?? 0) + 2)
        func pad(_ text: String, _ size: Int, left: Bool = false) -> String {
            let padding = String(repeating: " ", count: max(0, size - text.count))
            return left ? text + padding : padding + text
        }
        lines.append("")
        lines.append(pad("class", width, left: true) + pad("precision", 10) + pad("recall", 10) + pad("f1", 10)
            + pad("support", 9))
        for entry in metrics.perClass {
            lines.append(pad(entry.name, width, left: true) + pad(number(entry.precision), 10)
                + pad(number(entry.recall), 10) + pad(number(entry.f1), 10) + pad("\(entry.support)", 9))
        }
        lines.append("")
        lines.append("confusion matrix (rows = truth, columns = prediction)")
        let abbreviations = metrics.perClass.map { String($0.name.prefix(5)) }
        let cell = max(6, (metrics.confusionMatrix.flatMap { $0 }.max() ?? 0).description.count + 2)
        lines.append(pad("", width) + abbreviations.map { pad($0, cell) }.joined())
        for (row, entry) in zip(metrics.confusionMatrix, metrics.perClass) {
            lines.append(pad(entry.name, width, left: true) + row.map { pad("\($0)", cell) }.joined())
        }
        return lines
    }
}
