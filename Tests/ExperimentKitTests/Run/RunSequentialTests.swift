import AudioFeatures
import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

/// The training loop over a real `Sequential` (Conv1D, LSTM, dropout, Adam, reduce-on-plateau, class weights,
/// clipping): a run stopped after epoch 2 and resumed in a fresh task ends bit-identical to an uninterrupted run.
@Suite struct RunSequentialTests {
    static func data(_ count: Int, seed: UInt64) -> LabeledFeatures {
        var generator = SplitMix(seed: seed)
        var features: [FeatureMatrix] = []
        var labels: [Int] = []
        for index in 0 ..< count {
            let label = index % 3 == 2 && index % 2 == 0 ? 0 : index % 3  // unbalanced: fewer of class 2
            let frames = 9 + Int(generator.next() % 4)  // 9…12 frames, so batches are padded
            var values: [Float] = []
            for t in 0 ..< frames {
                for c in 0 ..< 4 {
                    let signal = c == label ? Float(sin(Double(t) * 0.7 + Double(label))) : 0
                    values.append(signal + Float(0.3 * generator.normal()))
                }
            }
            features.append(FeatureMatrix(frameCount: frames, featureCount: 4, values: values))
            labels.append(label)
        }
        return LabeledFeatures(features: features, labels: labels)
    }

    static func makeTask() throws -> SequentialTask {
        let model = try Sequential([
            Conv1D(inputChannels: 4, outputChannels: 6, kernelSize: 3), ReLU(),
            LSTM(inputSize: 6, hiddenSize: 5), Dropout(rate: 0.3), Dense(inputSize: 5, outputSize: 3),
        ], inputShape: [12, 4], seed: 3)
        let plateau = LearningRateSchedule.PlateauOptions(mode: .min, factor: 0.5, patience: 0, threshold: 0.2)
        let train = data(26, seed: 1)
        let counts = (0 ..< 3).map { k in train.labels.filter { $0 == k }.count }
        let weights = counts.map { Float(train.count) / Float(3 * $0) }
        return SequentialTask(
            model: model, optimizer: Adam(learningRate: 0.01),
            scheduler: LearningRateScheduler(.reduceOnPlateau(plateau), baseLearningRate: 0.01),
            loss: CrossEntropyLoss(classWeights: weights), classNames: ["neutral", "happy", "sad"],
            train: train, validation: data(9, seed: 2), test: data(12, seed: 3),
            options: .init(frames: 12, evaluationBatchSize: 5, gradientClipNorm: 1.0, seed: 42),
            metadata: ["exp.class_names": "[\"neutral\",\"happy\",\"sad\"]"])
    }

    func run(root: URL, stopAfter epoch: Int? = nil) throws -> (RunSession, TrainingLoop.Outcome) {
        let session = try RunSession(root: root, name: "seq", id: "seq-1", resolvedSpec: "name: seq\n", seed: 42,
                                     threads: 1, expVersion: "test", force: false)
        let flag = InterruptFlag()
        let observers: [any TrainingObserver] = epoch.map { [InterruptAfterEpoch(epoch: $0, flag: flag)] } ?? []
        let loop = TrainingLoop(task: try Self.makeTask(), directory: session.directory, name: "seq", id: "seq-1",
                                configuration: .init(epochs: 6, batchSize: 4, seed: 42, monitor: Monitor("val_loss")),
                                observers: observers, interrupt: flag)
        let resume: Bool
        if case .resume = session.plan { resume = true } else { resume = false }
        let outcome = loop.run(resume: resume)
        try session.finish(outcome)
        return (session, outcome)
    }

    @Test func resumedRunMatchesUninterruptedRunExactly() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        let otherRoot = try makeTemporaryDirectory("exp-runs")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: otherRoot)
        }
        let (reference, referenceOutcome) = try run(root: otherRoot)
        #expect(referenceOutcome.status == .completed, "\(referenceOutcome.error ?? "")")
        let (_, stopped) = try run(root: root, stopAfter: 2)
        #expect(stopped.status == .interrupted && stopped.epochsCompleted == 2)
        let (resumed, outcome) = try run(root: root)
        #expect(outcome.status == .completed)
        #expect(outcome.test == referenceOutcome.test)
        #expect(try Data(contentsOf: resumed.directory.metrics) == Data(contentsOf: reference.directory.metrics))
        let history = try HistoryLog.read(resumed.directory.history)
        let referenceHistory = try HistoryLog.read(reference.directory.history)
        #expect(history.map(\.train) == referenceHistory.map(\.train))
        #expect(history.map(\.validation) == referenceHistory.map(\.validation))
        #expect(history.map(\.learningRate) == referenceHistory.map(\.learningRate))
        // The plateau schedule with patience 0 must actually have changed the rate, or the test proves less.
        #expect(Set(history.map(\.learningRate)).count > 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: resumed.directory.checkpoints.path)
        #expect(files.contains("last.safetensors") && files.contains("best.safetensors"))
        let named = try ["best.safetensors", "last.safetensors"].compactMap {
            try Checkpoint.read(resumed.directory.checkpoints.appendingPathComponent($0)).metadata[SequentialTask.optimizerFileKey]
        }
        #expect(Set(files.filter { $0.hasPrefix("optimizer-e") }) == Set(named), "stale optimiser files: \(files)")
    }

    @Test func checkpointCarriesMetadataAndOptimizerFile() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: root) }
        let (session, _) = try run(root: root, stopAfter: 1)
        let file = try Checkpoint.read(session.directory.checkpoint(.last))
        #expect(file.metadata["exp.class_names"] == "[\"neutral\",\"happy\",\"sad\"]")
        #expect(file.metadata[SequentialTask.optimizerFileKey] == "optimizer-e00001.safetensors")
        // Epoch 1 is also the best: best.safetensors is the same file, byte for byte.
        #expect(try Data(contentsOf: session.directory.checkpoint(.best))
            == Data(contentsOf: session.directory.checkpoint(.last)))
        let state = try JSONCoding.decoder().decode(
            LoopState.self, from: Data((file.metadata[SequentialTask.loopStateKey] ?? "").utf8))
        #expect(state.epoch == 1 && state.best.bestEpoch == 1)
        let optimizer = try Checkpoint.read(
            session.directory.checkpoints.appendingPathComponent("optimizer-e00001.safetensors"))
        #expect(optimizer.metadata["optimizer"] == "adam")
        #expect(optimizer.metadata["schedule"] == "reduce_on_plateau")
    }
}
