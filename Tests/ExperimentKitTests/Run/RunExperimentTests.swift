import AudioFeatures
import EmotionCorpus
import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

/// Real components for a tiny experiment: synthesised RAVDESS-layout corpus, MFCC, speaker hold-out, a small
/// Conv1D + LSTM network, Adam with a step schedule.
struct TinyComponents: ExperimentComponents {
    let root: String

    func makeCorpus() throws -> Corpus {
        try RavdessSource(.init(root: root)).load()
    }

    func makeFeatureExtractor() throws -> any FeatureExtractor {
        try MFCC(.init(logMel: .init(sampleRate: 8000, fftSize: 256, hopLength: 256, melCount: 20), coefficientCount: 8))
    }

    func makeSplit() throws -> any Split {
        SpeakerHoldoutSplit(.init(testSpeakers: ["04"], validationSpeakers: ["03"]))
    }

    func makeModel(inputShape: [Int], classCount: Int, seed: UInt64) throws -> Sequential {
        try Sequential([
            Conv1D(inputChannels: inputShape[1], outputChannels: 8, kernelSize: 3), ReLU(), MaxPool1D(poolSize: 2),
            LSTM(inputSize: 8, hiddenSize: 8), Dropout(rate: 0.2), Dense(inputSize: 8, outputSize: classCount),
        ], inputShape: inputShape, seed: seed)
    }

    func makeOptimizer() throws -> any Optimizer { Adam(learningRate: 0.01) }

    func makeScheduler(baseLearningRate: Double) throws -> LearningRateScheduler? {
        LearningRateScheduler(.step(stepSize: 1, gamma: 0.5), baseLearningRate: baseLearningRate)
    }
}

@Suite(.serialized) struct RunExperimentTests {
    /// A 4-actor demo corpus at 8 kHz, written once per test process.
    static let corpus: Result<String, any Error> = Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exp-tiny-corpus-\(getpid())")
        if !FileManager.default.fileExists(atPath: directory.path) {
            _ = try DemoCorpus.write(to: directory.path, configuration: .init(actorCount: 4, seed: 3, sampleRate: 8000))
        }
        return directory.path
    }

    static func resolved(epochs: Int) throws -> ResolvedSpec {
        let json = """
            {"name": "tiny", "seed": 5,
             "data": {"corpus": "ravdess", "root": "data/tiny", "sample_rate": 8000, "duration": 1.0, "normalize": "peak"},
             "features": {"type": "mfcc", "n_mfcc": 8}, "augment": [],
             "model": {"layers": [{"type": "conv1d", "filters": 8}]},
             "optimizer": {"type": "adam", "learning_rate": 0.01}, "schedule": {"type": "step"},
             "training": {"epochs": \(epochs), "batch_size": 16, "class_weights": "balanced", "grad_clip_norm": 5.0,
                          "early_stopping": {"monitor": "val_uar", "patience": 5, "min_delta": 0}},
             "split": {"type": "speaker_holdout"}, "metrics": []}
            """
        return try JSONDecoder().decode(ResolvedSpec.self, from: Data(json.utf8))
    }

    func options(_ root: URL, cache: URL, interrupt: InterruptFlag = InterruptFlag(),
                 output: @escaping (String) -> Void = { _ in }) -> RunOptions {
        RunOptions(runsRoot: root, progress: .plain, interrupt: interrupt,
                   featureCache: FeatureCache(directory: cache.path), expVersion: "test", write: output)
    }

    @Test func runWritesEveryArtifactAndSkipsOnRerun() throws {
        let corpus = try Self.corpus.get()
        let base = try makeTemporaryDirectory("exp-experiment")
        defer { try? FileManager.default.removeItem(at: base) }
        let runs = base.appendingPathComponent("runs"), cache = base.appendingPathComponent("cache")
        var output = ""
        let spec = try Self.resolved(epochs: 2)
        let result = try Experiment.run(spec, components: TinyComponents(root: corpus),
                                        options: options(runs, cache: cache) { output += $0 })
        #expect(result.status == .completed, "\(result.error ?? "")")
        #expect(result.id == spec.runID.description)
        let directory = RunDirectory(existing: result.directory)
        #expect(directory.url.path.hasSuffix("/runs/tiny/\(spec.runID)"))
        let record = try #require(try RunRecord.read(directory.record))
        #expect(record.status == .completed && record.epochsCompleted == 2 && record.seed == 5)
        let split = try #require(record.split)
        #expect(split.test.allSatisfy { $0.hasPrefix("Actor_04/") } && !split.test.isEmpty)
        #expect(split.validation.allSatisfy { $0.hasPrefix("Actor_03/") } && !split.validation.isEmpty)
        #expect(split.train.count + split.validation.count + split.test.count == 4 * 60 - 4 * 0)
        #expect(record.dataFingerprint?.count == 64)
        let metrics = try JSONCoding.decoder().decode(ClassificationMetrics.self,
                                                       from: Data(contentsOf: directory.metrics))
        #expect(metrics.count == split.test.count && metrics.perClass.count == 8)
        #expect(try HistoryLog.read(directory.history).map(\.epoch) == [1, 2])
        #expect(try HistoryLog.read(directory.history).map(\.learningRate) == [0.01, 0.005])
        #expect(try String(contentsOf: directory.spec, encoding: .utf8).contains("name: tiny"))
        let log = try String(contentsOf: directory.log, encoding: .utf8)
        #expect(log.contains("epoch 2/2") && log.contains("completed after 2 epochs"))
        #expect(output.contains("tiny/\(spec.runID): completed after 2 epochs"))
        let checkpoint = try Checkpoint.read(directory.checkpoint(.best))
        #expect(checkpoint.metadata["exp.class_names"]?.contains("\"neutral\"") == true)
        #expect(checkpoint.metadata["exp.frames"] == "32")
        let report = try RunReport.render(directory.url)
        #expect(report.contains("status     completed after 2 epochs"))
        #expect(report.contains("confusion matrix (rows = truth, columns = prediction)"))

        // Predicting the test clips one by one from best.safetensors must give back the test confusion matrix.
        let predictor = try Predictor(run: directory.url, checkpoint: .best, components: TinyComponents(root: corpus))
        let files = split.test.map { corpus + "/" + $0 }
        let predictions = try predictor.predict(files)
        let scanned = try TinyComponents(root: corpus).makeCorpus()
        let truth = files.map { file in scanned.clips.firstIndex { $0.path.hasSuffix(file.split(separator: "/").last.map(String.init) ?? "") } }
            .map { scanned.labelIndices[$0 ?? 0] }
        let predicted = predictions.map { prediction in predictor.classNames.firstIndex(of: prediction.label) ?? -1 }
        #expect(ClassificationMetrics(truth: truth, predicted: predicted, classNames: predictor.classNames)
            .confusionMatrix == metrics.confusionMatrix)
        #expect(predictions.allSatisfy { abs($0.probabilities.reduce(0, +) - 1) < 1e-9 })
        let csv = try Predictor.render(Array(predictions.prefix(2)), format: "csv")
        #expect(csv.hasPrefix("file,label,neutral,calm,happy,sad,angry,fearful,disgust,surprised\n\(files[0]),"))
        #expect(try Predictor.audioFiles([corpus + "/Actor_04"]) == files.sorted())

        let again = try Experiment.run(spec, components: TinyComponents(root: corpus), options: options(runs, cache: cache))
        #expect(again.skipped && again.status == .completed)
    }

    /// The in-process form of the kill test: stop after epoch 1, resume in a new invocation with fresh components,
    /// and compare with an uninterrupted run in another runs root.
    @Test func stoppedAndResumedPipelineMatchesUninterruptedRun() throws {
        let corpus = try Self.corpus.get()
        let base = try makeTemporaryDirectory("exp-experiment")
        defer { try? FileManager.default.removeItem(at: base) }
        let cache = base.appendingPathComponent("cache")
        let spec = try Self.resolved(epochs: 3)
        let reference = try Experiment.run(spec, components: TinyComponents(root: corpus),
                                           options: options(base.appendingPathComponent("a"), cache: cache))
        #expect(reference.status == .completed)
        let flag = InterruptFlag()
        let runs = base.appendingPathComponent("b")
        let stopped = try Experiment.run(spec, components: TinyComponents(root: corpus),
                                         options: options(runs, cache: cache, interrupt: flag) { text in
                                             if text.hasPrefix("epoch 1/3") { flag.raise() }
                                         })
        #expect(stopped.status == .interrupted)
        let resumed = try Experiment.run(spec, components: TinyComponents(root: corpus), options: options(runs, cache: cache))
        #expect(resumed.status == .completed)
        #expect(resumed.test == reference.test)
        let record = try #require(try RunRecord.read(RunDirectory(existing: resumed.directory).record))
        #expect(record.resumes == 1)
    }

    @Test func preparationFailureIsRecordedAsFailed() throws {
        let base = try makeTemporaryDirectory("exp-experiment")
        defer { try? FileManager.default.removeItem(at: base) }
        let missing = base.appendingPathComponent("no-corpus").path
        let result = try Experiment.run(try Self.resolved(epochs: 1), components: TinyComponents(root: missing),
                                        options: options(base.appendingPathComponent("runs"),
                                                         cache: base.appendingPathComponent("cache")))
        #expect(result.status == .failed)
        #expect(result.error?.contains(missing) == true, "\(result.error ?? "")")
        let record = try #require(try RunRecord.read(RunDirectory(existing: result.directory).record))
        #expect(record.status == .failed && record.error == result.error)
    }

    @Test func balancedClassWeightsFollowScikitLearn() {
        // sklearn.utils.class_weight.compute_class_weight("balanced", classes=[0, 1, 2], y=[0, 0, 0, 1]) = [2/3, 2];
        // class 2 is absent from train and gets 0.
        #expect(Experiment.balancedWeights([0, 0, 0, 1], classes: 3) == [Float(4) / 6, 2, 0])
    }
}
