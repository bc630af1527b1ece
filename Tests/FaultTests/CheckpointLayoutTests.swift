import AudioFeatures
import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

/// The runner writes its checkpoint files through `AtomicFile` (fsync, named errors, no temporaries left on a full
/// disk) rather than through `Checkpoint.save`/`saveOptimizer`; the bytes must stay exactly theirs.
@Suite struct CheckpointLayoutTests {
    @Test func runnerCheckpointsAreByteIdenticalToTheCheckpointWriters() throws {
        let model = try Sequential([
            Conv1D(inputChannels: 3, outputChannels: 4, kernelSize: 2), ReLU(),
            LSTM(inputSize: 4, hiddenSize: 3), Dense(inputSize: 3, outputSize: 2),
        ], inputShape: [5, 3], seed: 7)
        let optimizer = Adam(learningRate: 0.01)
        let scheduler = LearningRateScheduler(.reduceOnPlateau(.init(mode: .min, factor: 0.5, patience: 0, threshold: 0.1)),
                                              baseLearningRate: 0.01)
        let examples = (0 ..< 4).map { index in
            FeatureMatrix(frameCount: 5, featureCount: 3, values: (0 ..< 15).map { Float(($0 * 7 + index * 3) % 11) / 11 })
        }
        let data = LabeledFeatures(features: examples, labels: [0, 1, 0, 1])
        let task = SequentialTask(model: model, optimizer: optimizer, scheduler: scheduler, loss: CrossEntropyLoss(),
                                  classNames: ["a", "b"], train: data, validation: nil, test: data,
                                  options: .init(frames: 5, seed: 1), metadata: ["exp.frames": "5"])
        task.beginEpoch(1)
        _ = try task.trainStep([0, 1, 2, 3])  // non-zero Adam moments and step count
        let state = LoopState(epoch: 1, earlyStopping: nil, best: BestTracker(monitor: Monitor("loss")), stopped: false,
                              elapsedSeconds: 0)
        let loopState = try JSONCoding.lineEncoder().encode(state)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exp-layout-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let last = folder.appendingPathComponent("last.safetensors")
        try task.saveCheckpoint(to: last, loopState: loopState)

        let expectedOptimizer = folder.appendingPathComponent("expected-optimizer.safetensors")
        try Checkpoint.saveOptimizer(optimizer, scheduler: scheduler, parameters: model.parameters, to: expectedOptimizer)
        #expect(try Data(contentsOf: folder.appendingPathComponent("optimizer-e00001.safetensors"))
                == Data(contentsOf: expectedOptimizer))
        let expectedModel = folder.appendingPathComponent("expected-model.safetensors")
        try Checkpoint.save(model, metadata: [
            "exp.frames": "5", SequentialTask.loopStateKey: String(decoding: loopState, as: UTF8.self),
            SequentialTask.optimizerFileKey: "optimizer-e00001.safetensors",
        ], to: expectedModel)
        #expect(try Data(contentsOf: last) == Data(contentsOf: expectedModel))
    }
}
