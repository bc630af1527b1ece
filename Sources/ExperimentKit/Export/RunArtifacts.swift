import Foundation

/// What the ecosystem exporters read from a run: record, resolved spec, per-epoch history and test metrics.
public struct RunArtifacts: Sendable {
    /// `run.json`.
    public var record: RunRecord
    /// `spec.yaml` text, if written.
    public var specYAML: String?
    /// `history.jsonl`.
    public var history: [EpochMetrics]
    /// `metrics.json`, once the run completed.
    public var test: ClassificationMetrics?
    /// Each `eval/<corpus>/metrics.json` (cross-corpus evaluations), by corpus name.
    public var evaluations: [String: ClassificationMetrics]

    /// Creates the bundle.
    public init(record: RunRecord, specYAML: String?, history: [EpochMetrics], test: ClassificationMetrics?,
                evaluations: [String: ClassificationMetrics] = [:]) {
        self.record = record
        self.specYAML = specYAML
        self.history = history
        self.test = test
        self.evaluations = evaluations
    }

    /// Reads the artifacts of the run at `directory`.
    /// - Throws: `RunError.readFailed` when `run.json` is missing or an artifact is corrupt.
    public static func read(_ directory: RunDirectory) throws -> RunArtifacts {
        guard let record = try RunRecord.read(directory.record) else {
            throw RunError.readFailed(path: directory.record.path, reason: "no run.json: not a run directory")
        }
        var test: ClassificationMetrics?
        if let data = FileManager.default.contents(atPath: directory.metrics.path) {
            do {
                test = try JSONCoding.decoder().decode(ClassificationMetrics.self, from: data)
            } catch {
                throw RunError.readFailed(path: directory.metrics.path, reason: "not valid metrics (\(error))")
            }
        }
        return RunArtifacts(record: record, specYAML: try? String(contentsOf: directory.spec, encoding: .utf8),
                            history: try HistoryLog.read(directory.history), test: test,
                            evaluations: Dictionary(CorpusEvaluator.stored(in: directory.url).map { ($0.name, $0.metrics) },
                                                    uniquingKeysWith: { first, _ in first }))
    }

    /// Per-epoch scalars as `(prefix/name, value)`: `train/loss`, `val/uar`, `learning_rate` ….
    static func scalars(_ epoch: EpochMetrics) -> [(tag: String, value: Double)] {
        var values: [(String, Double)] = [("learning_rate", epoch.learningRate)]
        for (prefix, summary) in [("train", epoch.train), ("val", epoch.validation)] {
            guard let summary else { continue }
            values += [("\(prefix)/loss", summary.loss), ("\(prefix)/accuracy", summary.accuracy),
                       ("\(prefix)/uar", summary.uar), ("\(prefix)/macro_f1", summary.macroF1)]
        }
        return values
    }

    /// Final test scalars: `test/accuracy`, `test/uar`, `test/macro_f1` and `test/loss` when known, then the same
    /// of each cross-corpus evaluation as `eval/<corpus>/uar` …, corpora sorted.
    var testScalars: [(tag: String, value: Double)] {
        var values = test.map { Self.finalScalars($0, prefix: "test") } ?? []
        for (corpus, metrics) in evaluations.sorted(by: { $0.key < $1.key }) {
            values += Self.finalScalars(metrics, prefix: "eval/\(corpus)")
        }
        return values
    }

    private static func finalScalars(_ metrics: ClassificationMetrics, prefix: String) -> [(tag: String, value: Double)] {
        [("\(prefix)/accuracy", metrics.accuracy), ("\(prefix)/uar", metrics.uar), ("\(prefix)/macro_f1", metrics.macroF1)]
            + (metrics.loss.map { [("\(prefix)/loss", $0)] } ?? [])
    }
}
