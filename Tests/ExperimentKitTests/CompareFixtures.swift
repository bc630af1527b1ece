import Foundation
@testable import ExperimentKit

/// Generated run folders for compare, report and export tests, written through the run layer's own types
/// (`ResolvedSpec.yaml`, `RunRecord`, `HistoryLog`, `ClassificationMetrics`) so the formats cannot drift.
enum CompareFixtures {
    /// The facts of one generated run.
    struct Run {
        var name = "ser"
        var learningRate = 0.001
        var features = "mfcc"
        var units = 64
        var seed = 1
        var status = RunStatus.completed
        /// Correct predictions out of 10 for `angry` and for `calm`: sets test accuracy and UAR.
        var correct = (8, 6)
        var epochs = 3
        /// Minutes after the base date.
        var minute = 0
    }

    static let classNames = ["angry", "calm"]

    static func resolved(_ run: Run) throws -> ResolvedSpec {
        let json = """
            {"name": "\(run.name)", "seed": \(run.seed),
             "data": {"corpus": "ravdess", "root": "data/ravdess", "sample_rate": 16000, "duration": 3.0,
                      "normalize": "peak"},
             "features": {"type": "\(run.features)", "n_mfcc": 40}, "augment": [],
             "model": {"layers": [{"type": "conv1d", "filters": 32}, {"type": "lstm", "units": \(run.units)},
                                  {"type": "dense", "units": "classes"}]},
             "optimizer": {"type": "adam", "learning_rate": \(run.learningRate)},
             "training": {"epochs": \(run.epochs), "batch_size": 32},
             "split": {"type": "speaker_holdout"}, "metrics": []}
            """
        return try JSONDecoder().decode(ResolvedSpec.self, from: Data(json.utf8))
    }

    /// The test metrics of `run`: 10 clips per class, `correct` right, the rest confused with the other class.
    static func metrics(_ run: Run) -> ClassificationMetrics {
        ClassificationMetrics(confusionMatrix: [[run.correct.0, 10 - run.correct.0], [10 - run.correct.1, run.correct.1]],
                              classNames: classNames, loss: 0.5)
    }

    /// Writes `run` under `root/<name>/<run id>` and returns the run directory.
    @discardableResult
    static func write(_ run: Run, under root: URL) throws -> URL {
        let spec = try resolved(run)
        let id = spec.runID.description
        let directory = try RunDirectory.create(root: root, name: run.name, runID: id)
        try AtomicFile.write(spec.yaml, to: directory.spec)
        let created = Date(timeIntervalSince1970: 1_795_000_000 + Double(run.minute) * 60)
        var record = RunRecord(id: id, name: run.name, seed: UInt64(run.seed), threads: 1, expVersion: "test",
                               gitCommit: nil, host: "host", created: created)
        record.status = run.status
        record.epochsCompleted = run.epochs
        record.timings.elapsedSeconds = 12.5 + Double(run.minute)
        try record.write(directory.record)
        let quality = Double(run.correct.0 + run.correct.1) / 20
        let epochs = (1 ... max(1, run.epochs)).map { epoch in
            let e = Double(epoch), left = Double(run.epochs - epoch)
            return EpochMetrics(
                epoch: epoch, learningRate: run.learningRate,
                train: MetricSummary(loss: 1.5 / e, accuracy: 0.4 + 0.1 * e, uar: 0.4 + 0.1 * e, macroF1: 0.35 + 0.1 * e),
                validation: MetricSummary(loss: 1.25 - quality + 0.125 * left, accuracy: quality - 0.0625 * left,
                                          uar: quality - 0.0625 * left, macroF1: quality - 0.125 * left),
                seconds: 2, computeSeconds: 1.5)
        }
        try HistoryLog.write(epochs, to: directory.history)
        if run.status == .completed { try AtomicFile.writeJSON(metrics(run), to: directory.metrics) }
        return directory.url
    }

    /// Four completed runs: two learning rates × two feature types, seed 1.
    static func grid(under root: URL) throws -> [URL] {
        var urls: [URL] = []
        let cases: [(Double, String, (Int, Int))] = [(0.001, "mfcc", (8, 6)), (0.0003, "mfcc", (9, 7)),
                                                     (0.001, "logmel", (7, 5)), (0.0003, "logmel", (6, 6))]
        for (index, (rate, features, correct)) in cases.enumerated() {
            urls.append(try write(Run(learningRate: rate, features: features, correct: correct, minute: index),
                                  under: root))
        }
        return urls
    }
}
