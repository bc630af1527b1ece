@testable import NeuralNet
import Testing
import TestSupport

/// A batch split into shards (each through its own layer replicas, spread over the threads) must give what the whole
/// batch gives, up to float rounding: outputs, ∂L/∂input, every parameter gradient and BatchNorm's running statistics,
/// with padded clips, a batch-coupled layer (BatchNorm) and Dropout between sharded runs of layers, and shards of
/// unequal size. And since the shards depend on the batch size alone, training gives the same bits on any number of
/// threads.
@Suite struct ShardingTests {
    static let (frames, features, classes) = (23, 6, 4)

    /// Every layer kind that shards, plus BatchNorm and Dropout, which run on the whole batch in between.
    static func makeModel(sharding: Bool = true) throws -> Sequential {
        let model = try Sequential([
            Conv1D(Conv1D.Configuration(inputChannels: features, outputChannels: 8, kernelSize: 3, stride: 2, padding: .same)),
            ReLU(), BatchNorm(featureCount: 8), MaxPool1D(poolSize: 2),
            LSTM(inputSize: 8, hiddenSize: 5, returnSequences: true, bidirectional: true),
            LayerNorm(featureCount: 10), GRU(inputSize: 10, hiddenSize: 6, returnSequences: true), Tanh(),
            AttentionPooling(inputSize: 6), Dense(inputSize: 6, outputSize: 7), GELU(), Dropout(rate: 0.25, seed: 3),
            Dense(inputSize: 7, outputSize: classes),
        ], inputShape: [frames, features], seed: 17)
        model.sharding = sharding
        return model
    }

    static func batch(_ n: Int, seed: UInt64) -> (x: Tensor, lengths: [Int], labels: [Int]) {
        var generator = RandomGenerator(seed: seed)
        let x = Tensor(shape: [n, frames, features], storage: (0..<(n * frames * features)).map { _ in generator.nextNormal() })
        let lengths = (0..<n).map { $0 % 3 == 0 ? frames : 9 + (Int(generator.next() % 14)) }
        return (x, lengths, (0..<n).map { $0 % classes })
    }

    struct Pass {
        var output: Tensor, inputGradient: Tensor, gradients: [Tensor], buffers: [Tensor]
    }

    /// Forward, loss and backward of a fresh model with `threads` threads; gradients start from `initialGradient`.
    static func pass(threads: Int, n: Int, sharding: Bool = true, needsInputGradient: Bool = true,
                     initialGradient: Float = 0) throws -> Pass {
        let model = try makeModel(sharding: sharding)
        for parameter in model.parameters {
            parameter.gradient = Tensor(shape: parameter.value.shape, repeating: initialGradient)
        }
        let (x, lengths, labels) = batch(n, seed: 5)
        return BLASRuntime.withThreadCount(threads) {
            let logits = model.forward(x, lengths: lengths, mode: .training)
            let (_, gradient) = CrossEntropyLoss(labelSmoothing: 0.1)(logits, labels: labels)
            let inputGradient = model.backward(gradient, needsInputGradient: needsInputGradient)
            return Pass(output: logits, inputGradient: inputGradient, gradients: model.parameters.map(\.gradient),
                        buffers: model.buffers.map(\.value))
        }
    }

    static func expectClose(_ observed: Pass, _ expected: Pass, _ label: String) {
        #expect(observed.output.compared(with: expected.output).isWithin(1e-5), "\(label) output")
        #expect(observed.inputGradient.shape == expected.inputGradient.shape, "\(label) input gradient shape")
        if expected.inputGradient.count > 0 {
            let comparison = observed.inputGradient.compared(with: expected.inputGradient)
            #expect(comparison.isWithin(1e-4), "\(label) input gradient: \(comparison)")
        }
        #expect(observed.buffers.count == 3 && observed.gradients.count == expected.gradients.count)
        for (index, (a, b)) in zip(observed.gradients, expected.gradients).enumerated() {
            #expect(a.compared(with: b).isWithin(1e-4), "\(label) gradient \(index): \(a.compared(with: b))")
        }
        for (index, (a, b)) in zip(observed.buffers, expected.buffers).enumerated() {
            #expect(a.compared(with: b).isWithin(1e-5), "\(label) buffer \(index)")
        }
    }

    @Test(arguments: [(21, 1), (21, 2), (27, 3)])
    func shardedPassMatchesTheWholeBatch(n: Int, threads: Int) throws {
        let whole = try Self.pass(threads: 1, n: n, sharding: false)
        let sharded = try Self.pass(threads: threads, n: n)
        Self.expectClose(sharded, whole, "\(n) examples, \(threads) threads")
        // The shards really ran: rounding differs somewhere, or the comparison above proves nothing new.
        #expect(zip(sharded.gradients, whole.gradients).contains { $0.storage != $1.storage })
    }

    @Test func shardedBackwardAddsToExistingGradientsAndCanSkipTheInputGradient() throws {
        let whole = try Self.pass(threads: 1, n: 16, sharding: false, needsInputGradient: false, initialGradient: 0.5)
        let sharded = try Self.pass(threads: 2, n: 16, needsInputGradient: false, initialGradient: 0.5)
        #expect(sharded.inputGradient.count == 0 && whole.inputGradient.count == 0)
        Self.expectClose(sharded, whole, "accumulating")
        let fresh = try Self.pass(threads: 2, n: 16)
        for (accumulated, single) in zip(sharded.gradients, fresh.gradients) {
            #expect(accumulated.compared(with: Tensor(shape: single.shape, storage: single.storage.map { $0 + 0.5 })).isWithin(1e-5))
        }
    }

    /// Losses and weights after three Adam steps on `n` padded examples with `threads` threads.
    static func train(n: Int, threads: Int) throws -> ([Float], [Tensor]) {
        let model = try makeModel()
        let optimizer = Adam(learningRate: 1e-2)
        let (x, lengths, labels) = batch(n, seed: 9)
        let losses = BLASRuntime.withThreadCount(threads) {
            (0..<3).map { _ in
                trainStep(model: model, loss: CrossEntropyLoss(), optimizer: optimizer, input: x, lengths: lengths, labels: labels)
            }
        }
        return (losses, model.parameters.map(\.value))
    }

    /// 27 examples make three shards: one to four threads share them out without splitting anything inside.
    @Test func trainingGivesTheSameBitsOnAnyNumberOfThreadsUpToTheShardCount() throws {
        let (referenceLosses, reference) = try Self.train(n: 27, threads: 1)
        #expect(referenceLosses.last! < referenceLosses.first!)
        for threads in [2, 3, 4] {
            let (losses, parameters) = try Self.train(n: 27, threads: threads)
            #expect(losses == referenceLosses, "\(threads) threads")
            #expect(parameters == reference, "\(threads) threads")
        }
    }

    /// The default stack at its real widths: two training steps on 16 clips (two shards) give the same bits on one
    /// and two threads; one clip at inference, whose products split by thread count, agrees to float rounding.
    @Test func defaultStackTrainsToTheSameBitsOnOneAndTwoThreads() throws {
        func run(threads: Int) throws -> ([Float], [Tensor], Tensor) {
            let model = try Sequential.defaultStack(frames: 48, features: 40, classes: 8, seed: 4)
            var generator = RandomGenerator(seed: 12)
            let x = Tensor(shape: [16, 48, 40], storage: (0..<(16 * 48 * 40)).map { _ in generator.nextNormal() })
            let optimizer = Adam(learningRate: 1e-3)
            return BLASRuntime.withThreadCount(threads) {
                let losses = (0..<2).map { _ in
                    trainStep(model: model, loss: CrossEntropyLoss(), optimizer: optimizer, input: x, labels: (0..<16).map { $0 % 8 })
                }
                let single = Tensor(shape: [1, 48, 40], storage: Array(x.storage[0..<(48 * 40)]))
                return (losses, model.parameters.map(\.value), model.forward(single, mode: .inference))
            }
        }
        let (oneLosses, oneWeights, oneOutput) = try run(threads: 1)
        let (twoLosses, twoWeights, twoOutput) = try run(threads: 2)
        #expect(twoLosses == oneLosses)
        #expect(twoWeights == oneWeights)
        #expect(twoOutput.compared(with: oneOutput).isWithin(1e-5))
    }

    @Test func shardedInferenceGivesTheSameBitsOnOneAndTwoThreads() throws {
        let model = try Self.makeModel()
        let (x, lengths, _) = Self.batch(19, seed: 8)
        let one = BLASRuntime.withThreadCount(1) { model.forward(x, lengths: lengths, mode: .inference) }
        let two = BLASRuntime.withThreadCount(2) { model.forward(x, lengths: lengths, mode: .inference) }
        #expect(two == one)
        model.sharding = false
        let whole = BLASRuntime.withThreadCount(2) { model.forward(x, lengths: lengths, mode: .inference) }
        #expect(whole.compared(with: one).isWithin(1e-5))
    }

    @Test func threadCountOverrideIsPerThread() {
        let global = BLASRuntime.threadCount
        let inside = BLASRuntime.withThreadCount(3) { BLASRuntime.threadCount }
        #expect(inside == 3)
        #expect(BLASRuntime.threadCount == global)
    }
}

/// One clip at a time, the threads split an LSTM's or GRU's hidden units instead of the batch and meet once per step;
/// the result must be the single-threaded one, with and without padding, in both directions.
@Suite struct UnitSplitRecurrenceTests {
    static func output(threads: Int, layer: any Layer, batch n: Int, lengths: [Int]?) -> Tensor {
        var generator = RandomGenerator(seed: 31)
        let x = Tensor(shape: [n, 11, 5], storage: (0..<(n * 55)).map { _ in generator.nextNormal() })
        return BLASRuntime.withThreadCount(threads) { layer.forward(x, lengths: lengths, mode: .inference).output }
    }

    @Test(arguments: [(1, nil), (1, [7]), (2, [11, 6])] as [(Int, [Int]?)])
    func splitUnitsMatchOneThread(batch n: Int, lengths: [Int]?) {
        let layers: [any Layer] = [
            LSTM(inputSize: 5, hiddenSize: 48, returnSequences: true, bidirectional: true), LSTM(inputSize: 5, hiddenSize: 32),
            GRU(inputSize: 5, hiddenSize: 48, returnSequences: true, bidirectional: true), GRU(inputSize: 5, hiddenSize: 32),
        ]
        for layer in layers {
            var generator = RandomGenerator(seed: 7)
            layer.resetParameters(using: &generator)
            let reference = Self.output(threads: 1, layer: layer, batch: n, lengths: lengths)
            for threads in [n + 1, 3] {
                // Another test's fork–join may hold the worker pool, which sends a pass down the unsplit path: repeat
                // until the split path has run at least once.
                var ran = false
                for _ in 0..<200 where !ran {
                    let before = UnitSplitLoop.runs.load(ordering: .relaxed)
                    let split = Self.output(threads: threads, layer: layer, batch: n, lengths: lengths)
                    #expect(split.compared(with: reference).isWithin(1e-5), "\(threads) threads: \(split.compared(with: reference))")
                    ran = UnitSplitLoop.runs.load(ordering: .relaxed) > before
                }
                #expect(ran, "the split path ran with \(threads) threads")
            }
        }
    }
}
