import Foundation
import NeuralNet
import Testing

/// Learning smoke tests (MLX `checkTrain`): the default stack overfits a small random set, training is bit-identical
/// across runs with one seed, SGD descends monotonically on a convex problem, and resuming from saved optimizer and
/// schedule state reproduces an uninterrupted run exactly.
@Suite(.serialized) struct TrainingSmokeTests {
    /// `count` random examples `[count, frames, features]` with labels cycling through `classes`.
    static func randomSet(count: Int, frames: Int, features: Int, classes: Int, seed: UInt64) -> (Tensor, [Int]) {
        var generator = RandomGenerator(seed: seed)
        let x = Tensor(shape: [count, frames, features],
                       storage: (0..<(count * frames * features)).map { _ in generator.nextNormal() })
        return (x, (0..<count).map { $0 % classes })
    }

    static func accuracy(_ model: Sequential, _ x: Tensor, _ labels: [Int]) -> Double {
        let logits = model.forward(x, mode: .inference)
        let k = logits.shape[1]
        let hits = labels.indices.filter { n in
            let row = logits.storage[(n * k)..<(n * k + k)]
            return row.firstIndex(of: row.max() ?? 0).map { $0 - n * k } == labels[n]
        }.count
        return Double(hits) / Double(labels.count)
    }

    /// Trains the default stack for `steps` full-batch Adam steps; returns the model and the losses.
    static func train(steps: Int, seed: UInt64) throws -> (Sequential, [Float], Tensor, [Int]) {
        let (x, labels) = randomSet(count: 16, frames: 20, features: 6, classes: 8, seed: 3)
        let model = try Sequential.defaultStack(frames: 20, features: 6, classes: 8, dropout: 0.1, seed: seed)
        let optimizer = Adam(learningRate: 3e-3)
        let loss = CrossEntropyLoss()
        var losses: [Float] = []
        for _ in 0..<steps {
            losses.append(trainStep(model: model, loss: loss, optimizer: optimizer, input: x, labels: labels))
        }
        return (model, losses, x, labels)
    }

    @Test func defaultStackOverfitsSixteenExamples() throws {
        let (model, losses, x, labels) = try Self.train(steps: 80, seed: 11)
        #expect(Self.accuracy(model, x, labels) == 1, "losses \(losses.first ?? .nan) → \(losses.last ?? .nan)")
        #expect((losses.last ?? .infinity) < 0.1 * (losses.first ?? 0))
    }

    @Test func trainingIsBitIdenticalAcrossRuns() throws {
        let (first, firstLosses, _, _) = try BLASRuntime.withThreadCount(1) { try Self.train(steps: 5, seed: 5) }
        let (second, secondLosses, _, _) = try BLASRuntime.withThreadCount(1) { try Self.train(steps: 5, seed: 5) }
        #expect(firstLosses == secondLosses)
        for (a, b) in zip(first.parameters, second.parameters) { #expect(a.value == b.value, "\(a.name)") }
    }

    @Test func sgdDescendsMonotonicallyOnAConvexProblem() throws {
        let (x, labels) = Self.randomSet(count: 32, frames: 1, features: 5, classes: 3, seed: 9)
        let model = try Sequential([Dense(inputSize: 5, outputSize: 3)], inputShape: [5], seed: 1)
        let input = x.reshaped([32, 5])
        let optimizer = SGD(learningRate: 0.1)
        var losses: [Float] = []
        for _ in 0..<60 {
            losses.append(trainStep(model: model, loss: CrossEntropyLoss(), optimizer: optimizer, input: input, labels: labels))
        }
        for k in 1..<losses.count { #expect(losses[k] < losses[k - 1], "step \(k): \(losses[k - 1]) → \(losses[k])") }
    }

    @Test func resumingFromSavedStateMatchesAnUninterruptedRun() throws {
        let (x, labels) = Self.randomSet(count: 8, frames: 4, features: 5, classes: 3, seed: 21)
        let make = { try Sequential([LSTM(inputSize: 5, hiddenSize: 6), Dense(inputSize: 6, outputSize: 3)], inputShape: [4, 5], seed: 2) }
        let schedule = LearningRateSchedule.cosine(warmupSteps: 2, totalSteps: 10, minimumLearningRate: 1e-4)
        let loss = CrossEntropyLoss(labelSmoothing: 0.1)

        func run(_ model: Sequential, _ optimizer: any Optimizer, _ scheduler: LearningRateScheduler, _ steps: Range<Int>) {
            for _ in steps {
                scheduler.apply(to: optimizer)
                trainStep(model: model, loss: loss, optimizer: optimizer, input: x, labels: labels, maxGradientNorm: 1)
                scheduler.step()
            }
        }
        let reference = try make(), referenceOptimizer = Adam.adamW(learningRate: 0.01)
        run(reference, referenceOptimizer, LearningRateScheduler(schedule, baseLearningRate: 0.01), 0..<10)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exp-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelURL = directory.appendingPathComponent("run.safetensors")
        let optimizerURL = Checkpoint.optimizerURL(for: modelURL)
        do {
            let model = try make(), optimizer = Adam.adamW(learningRate: 0.01)
            let scheduler = LearningRateScheduler(schedule, baseLearningRate: 0.01)
            run(model, optimizer, scheduler, 0..<4)
            try Checkpoint.save(model, to: modelURL)
            try Checkpoint.saveOptimizer(optimizer, scheduler: scheduler, parameters: model.parameters, to: optimizerURL)
        }
        let model = try make(), optimizer = Adam.adamW(learningRate: 0.5)
        model.resetParameters(seed: 77)
        let scheduler = LearningRateScheduler(schedule, baseLearningRate: 0.01)
        try Checkpoint.load(into: model, from: modelURL)
        try Checkpoint.loadOptimizer(into: optimizer, scheduler: scheduler, parameters: model.parameters, from: optimizerURL)
        #expect(scheduler.stepCount == 4)
        run(model, optimizer, scheduler, 4..<10)
        for (a, b) in zip(model.parameters, reference.parameters) { #expect(a.value == b.value, "\(a.name)") }
    }
}
