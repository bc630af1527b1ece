import AudioFeatures
import EmotionCorpus
import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

/// `data.test_crops` and `data.duration: null` in runs: the training loop scores a clip by the mean probabilities of
/// its windows; a run's own test metrics come back through `Predictor` (what `exp predict`, `exp evaluate` and
/// `exp ensemble` use), with the windows cut from the whole clip and standardised per speaker; whole-clip runs
/// train on every frame.
@Suite(.serialized) struct TestCropsRunTests {
    /// A small Conv1D + LSTM network on 4 features with its task over `test` (and `train`, random crops if asked).
    static func task(test: LabeledFeatures, train: LabeledFeatures = RunSequentialTests.data(6, seed: 1),
                     randomCrop: Bool = false) throws -> SequentialTask {
        let model = try Sequential([
            Conv1D(inputChannels: 4, outputChannels: 6, kernelSize: 3), ReLU(),
            LSTM(inputSize: 6, hiddenSize: 5), Dense(inputSize: 5, outputSize: 3),
        ], inputShape: [12, 4], seed: 7)
        return SequentialTask(model: model, optimizer: Adam(learningRate: 0.01), scheduler: nil,
                              loss: CrossEntropyLoss(), classNames: ["neutral", "happy", "sad"],
                              train: train, validation: nil, test: test,
                              options: .init(frames: 12, evaluationBatchSize: 4, seed: 1, randomCrop: randomCrop))
    }

    @Test func randomCropsAreFreshWindowsOfTheWholeClipEveryEpoch() throws {
        // Clip i has 8 + 10i frames whose values are their own frame index, so a window shows where it starts.
        let whole = (0 ..< 4).map { index -> FeatureMatrix in
            let frames = 8 + 10 * index
            return FeatureMatrix(frameCount: frames, featureCount: 4, values: (0 ..< frames * 4).map { Float($0 / 4) })
        }
        let train = LabeledFeatures(features: whole, labels: [0, 1, 2, 0])
        let test = RunSequentialTests.data(3, seed: 2)
        let task = try Self.task(test: test, train: train, randomCrop: true)
        var starts: Set<Int> = []
        for epoch in 1 ... 12 {
            task.beginEpoch(epoch)
            #expect(try task.trainingFeatures(clip: 0) == whole[0], "a clip shorter than the input stays whole")
            let window = try task.trainingFeatures(clip: 3)
            let start = Int(window.values[0])
            #expect(window.frameCount == 12 && (0 ... 38 - 12).contains(start))
            #expect(window.values == (start * 4 ..< (start + 12) * 4).map { Float($0 / 4) })
            #expect(try task.trainingFeatures(clip: 3) == window, "one window per clip and epoch")
            starts.insert(start)
        }
        #expect(starts.count > 4, "12 epochs drew only the starts \(starts)")
        // A fresh task (a resumed run) cuts the same window for the same epoch and clip.
        task.beginEpoch(7)
        let again = try Self.task(test: test, train: train, randomCrop: true)
        again.beginEpoch(7)
        #expect(try again.trainingFeatures(clip: 2) == task.trainingFeatures(clip: 2))
        let first = try Self.task(test: test, train: train)
        first.beginEpoch(7)
        #expect(try first.trainingFeatures(clip: 3) == whole[3], "without random crops the matrix is used as given")
    }

    @Test func evaluationAveragesTheProbabilitiesOfEachClipsWindows() throws {
        let clips = RunSequentialTests.data(7, seed: 5)
        // Clip i has 12 + 5i frames of noise, cut into windows of 12 as the runner does: one window, then three.
        var generator = SplitMix(seed: 9)
        let views = clips.features.indices.map { index -> [FeatureMatrix] in
            let frames = 12 + 5 * index
            let long = FeatureMatrix(frameCount: frames, featureCount: 4,
                                     values: (0 ..< frames * 4).map { _ in Float(generator.normal()) })
            return ClipWindows.spread(long, length: 12, count: 3)
        }
        #expect(views.map(\.count) == [1, 3, 3, 3, 3, 3, 3])
        let windowed = try Self.task(test: LabeledFeatures(features: clips.features, labels: clips.labels, views: views))
        let metrics = try windowed.evaluate(.test)

        // The same network scoring one window at a time.
        var mean: [[Double]] = []
        for windows in views {
            var sum = [Double](repeating: 0, count: 3)
            for window in windows {
                let batch = Batch.collate([0], features: [window], labels: [0], frames: 12)
                let logits = windowed.model.forward(Tensor(shape: batch.shape, storage: batch.features),
                                                    lengths: batch.lengths, mode: .inference)
                let probabilities = SequentialTask.softmax(logits.storage[0 ..< 3])
                for k in 0 ..< 3 { sum[k] += probabilities[k] / Double(windows.count) }
            }
            mean.append(sum)
        }
        let expected = ClassificationMetrics(truth: clips.labels, probabilities: mean, classNames: windowed.classNames)
        // Batched and single forward passes sum in other orders: agreement to Float32 rounding of O(1) values.
        #expect(abs((metrics.loss ?? .nan) - (expected.loss ?? .nan)) < 1e-5)
        let margins = mean.map { row in row.sorted(by: >)[0] - row.sorted(by: >)[1] }
        if margins.allSatisfy({ $0 > 1e-4 }) { #expect(metrics.confusionMatrix == expected.confusionMatrix) }
        #expect(metrics.count == 7)

        // One window per clip, the clip itself: the same metrics as scoring without windows.
        let plain = try Self.task(test: clips).evaluate(.test)
        let single = try Self.task(test: LabeledFeatures(features: clips.features, labels: clips.labels,
                                                         views: clips.features.map { [$0] })).evaluate(.test)
        #expect(single.confusionMatrix == plain.confusionMatrix)
        #expect(abs((single.loss ?? .nan) - (plain.loss ?? .nan)) < 1e-5)
    }

    /// Demo clips (1–2 s) cut to 0.5 s: every clip is longer than the crop.
    static let workspace: Result<(base: URL, manifest: String), any Error> = Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("exp-test-crops-\(getpid())")
        return (base, try CrossCorpusFixtures.manifest("three", in: base, actors: ["01", "02", "03"]))
    }

    static func train(_ name: String, data: String, extra: String = "") throws -> (spec: ExperimentSpec, run: URL) {
        let (base, _) = try workspace.get()
        let spec = try CrossCorpusFixtures.load(CrossCorpusFixtures.spec(
            name: name, data: data, split: "{type: speaker_kfold, k: 3, fold: 1}", extra: extra))
        let result = try Experiment.run(spec.resolved, components: SpecComponents(spec: spec, registries: .builtins,
                                                                                  classCount: 8),
                                        options: CrossCorpusFixtures.options(base))
        guard result.status == .completed else { throw RunError.invalid(result.error ?? "run failed") }
        return (spec, result.directory)
    }

    /// The run's own test metrics, and those `exp ensemble` scores for experiment `name` alone through the predictor.
    static func ownAndPredicted(_ name: String, run directory: RunDirectory) throws
        -> (own: ClassificationMetrics, predicted: EnsembleGroupResult) {
        let (base, _) = try workspace.get()
        let own = try JSONCoding.decoder().decode(ClassificationMetrics.self, from: Data(contentsOf: directory.metrics))
        let summary = try EnsembleEvaluator.evaluate(
            references: [name], name: "\(name)-alone", runsRoot: base.appendingPathComponent("runs"),
            registries: .builtins, featureCache: FeatureCache(directory: base.appendingPathComponent("cache").path))
        return (own, try #require(summary.groups.first))
    }

    @Test func aCroppedRunsTestMetricsComeBackThroughThePredictor() throws {
        let (_, manifest) = try Self.workspace.get()
        let (_, run) = try Self.train("crops", data: "{corpus: manifest, path: \(manifest), sample_rate: 8000, "
                                      + "duration: 0.5, speaker_normalization: true, test_crops: 3}")
        let directory = RunDirectory(existing: run)
        let spec = try String(contentsOf: directory.url.appendingPathComponent("spec.yaml"), encoding: .utf8)
        #expect(spec.contains("test_crops: 3"))
        let (own, group) = try Self.ownAndPredicted("crops", run: directory)
        #expect(group.metrics.confusionMatrix == own.confusionMatrix)
        #expect(abs(group.metrics.uar - own.uar) < 1e-9)
        // Both paths average Double probabilities of the same Float32 logits, batched differently.
        #expect(abs((group.metrics.loss ?? .nan) - (own.loss ?? .nan)) < 1e-5)

        // Every test clip is longer than the 0.5 s crop, so each is scored from several windows on both paths: the
        // agreement above holds only if the training loop and the predictor cut and standardise them alike.
        let corpus = try ManifestSource(.init(path: manifest)).load()
        let record = try #require(try RunRecord.read(directory.record))
        let test = Set(try #require(record.split).test)
        let clips = corpus.clips.filter { test.contains(Experiment.relativePath($0, in: corpus)) }
        let loader = ClipLoader(sampleRate: 8000, duration: 0.5, normalization: .peak)
        #expect(try clips.allSatisfy { try loader.wholeClips.load($0.path).count > loader.load($0.path).count })
    }

    @Test func aRandomCropRunWithWaveformAugmentationTrainsAndScoresItsWindows() throws {
        let (_, manifest) = try Self.workspace.get()
        let data = "{corpus: manifest, path: \(manifest), sample_rate: 8000, duration: 0.5, test_crops: 3"
        let (_, random) = try Self.train("random", data: data + ", train_crop: random}",
                                         extra: "augment: [{type: gain, gain_db: [-3, 3]}]")
        let (_, first) = try Self.train("first", data: data + "}", extra: "augment: [{type: gain, gain_db: [-3, 3]}]")
        let directory = RunDirectory(existing: random)
        #expect(try String(contentsOf: directory.url.appendingPathComponent("spec.yaml"), encoding: .utf8)
            .contains("train_crop: random"))
        // Same seed, data and augmentation: only the training windows differ, and with them the weights.
        let trained = try Checkpoint.read(directory.checkpoint(.last)).tensors
        let firstCrops = try Checkpoint.read(RunDirectory(existing: first).checkpoint(.last)).tensors
        #expect(trained.keys.sorted() == firstCrops.keys.sorted())
        #expect(trained.contains { name, tensor in tensor.storage != firstCrops[name]?.storage })
        let (own, group) = try Self.ownAndPredicted("random", run: directory)
        #expect(group.metrics.confusionMatrix == own.confusionMatrix)
        #expect(abs((group.metrics.loss ?? .nan) - (own.loss ?? .nan)) < 1e-5)
    }

    @Test func wholeClipRunsTrainOnTheLongestClipAndPredictAsTheyTested() throws {
        let (_, manifest) = try Self.workspace.get()
        let (_, run) = try Self.train("whole", data: "{corpus: manifest, path: \(manifest), sample_rate: 8000, "
                                      + "duration: null}")
        let directory = RunDirectory(existing: run)
        let metadata = try Checkpoint.read(directory.checkpoint(.best)).metadata
        let corpus = try ManifestSource(.init(path: manifest)).load()
        let loader = ClipLoader(sampleRate: 8000, normalization: .peak)
        let longest = try corpus.clips.map { try loader.load($0.path).count }.max() ?? 0
        // MFCC frames of the longest clip, centred with hop 256: 1 + samples / 256.
        #expect(metadata["exp.frames"] == "\(1 + longest / 256)")
        #expect(metadata["exp.data"]?.contains("\"duration\":null") == true, "\(metadata["exp.data"] ?? "")")
        let (own, group) = try Self.ownAndPredicted("whole", run: directory)
        #expect(group.metrics.confusionMatrix == own.confusionMatrix)
        #expect(abs((group.metrics.loss ?? .nan) - (own.loss ?? .nan)) < 1e-5)
    }
}
