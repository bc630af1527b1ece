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

    /// Sharding changes how sums over the batch are grouped: BatchNorm's statistics and every parameter gradient sum
    /// over the N·T frames, and each of the 13 layers passes its rounding on (first order). The terms of those sums
    /// are taken as no larger than the result's largest entry (no cancellation across the batch), so each tensor
    /// allows `RoundoffBound(terms: N·T, magnitude: max|expected|, depth: 13)`.
    static func bound(_ expected: Tensor, frames: Int) -> RoundoffBound {
        RoundoffBound(terms: frames, magnitude: largestMagnitude(expected.storage), depth: 13)
    }

    static func expectClose(_ observed: Pass, _ expected: Pass, _ label: String) {
        let frames = expected.output.shape[0] * Self.frames
        let outputBound = bound(expected.output, frames: frames)
        #expect(observed.output.compared(with: expected.output).isWithin(outputBound), "\(label) output, \(outputBound)")
        #expect(observed.inputGradient.shape == expected.inputGradient.shape, "\(label) input gradient shape")
        if expected.inputGradient.count > 0 {
            let comparison = observed.inputGradient.compared(with: expected.inputGradient)
            let inputBound = bound(expected.inputGradient, frames: frames)
            #expect(comparison.isWithin(inputBound), "\(label) input gradient: \(comparison), \(inputBound)")
        }
        #expect(observed.buffers.count == 3 && observed.gradients.count == expected.gradients.count)
        for (index, (a, b)) in zip(observed.gradients, expected.gradients).enumerated() {
            let gradientBound = bound(b, frames: frames)
            #expect(a.compared(with: b).isWithin(gradientBound), "\(label) gradient \(index): \(a.compared(with: b)), \(gradientBound)")
        }
        for (index, (a, b)) in zip(observed.buffers, expected.buffers).enumerated() {
            #expect(a.compared(with: b).isWithin(bound(b, frames: frames)), "\(label) buffer \(index): \(a.compared(with: b))")
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
            let expected = Tensor(shape: single.shape, storage: single.storage.map { $0 + 0.5 })
            // The same sums, plus one more term (0.5) added to each.
            let bound = Self.bound(expected, frames: 16 * Self.frames + 1)
            #expect(accumulated.compared(with: expected).isWithin(bound), "\(accumulated.compared(with: expected)), \(bound)")
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
        // One clip: products split by thread count regroup the sums of every stage: 2 convolutions, 9 steps of each
        // LSTM and 2 dense layers; the longest sum is the second convolution's 5·64 products plus a bias.
        let bound = RoundoffBound(terms: 5 * 64 + 1, magnitude: largestMagnitude(oneOutput.storage), depth: 22)
        #expect(twoOutput.compared(with: oneOutput).isWithin(bound), "\(twoOutput.compared(with: oneOutput)), \(bound)")
    }

    @Test func shardedInferenceGivesTheSameBitsOnOneAndTwoThreads() throws {
        let model = try Self.makeModel()
        let (x, lengths, _) = Self.batch(19, seed: 8)
        let one = BLASRuntime.withThreadCount(1) { model.forward(x, lengths: lengths, mode: .inference) }
        let two = BLASRuntime.withThreadCount(2) { model.forward(x, lengths: lengths, mode: .inference) }
        #expect(two == one)
        model.sharding = false
        let whole = BLASRuntime.withThreadCount(2) { model.forward(x, lengths: lengths, mode: .inference) }
        let bound = Self.bound(one, frames: 19 * Self.frames)
        #expect(whole.compared(with: one).isWithin(bound), "\(whole.compared(with: one)), \(bound)")
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
    static func input(batch n: Int) -> Tensor {
        var generator = RandomGenerator(seed: 31)
        return Tensor(shape: [n, 11, 5], storage: (0..<(n * 55)).map { _ in generator.nextNormal() })
    }

    static func output(threads: Int, layer: any Layer, batch n: Int, lengths: [Int]?) -> Tensor {
        let x = input(batch: n)
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
                    // Each of the 11 steps sums C + H inputs plus two biases per gate; |h| ≤ 1, so a term is at most
                    // max|w| · max(max|x|, 1).
                    let terms = 5 + 48 + 2
                    let largestTerm = largestMagnitude(layer.parameters.flatMap(\.value.storage))
                        * max(largestMagnitude(Self.input(batch: n).storage), 1)
                    let bound = RoundoffBound(terms: terms, magnitude: Double(terms) * largestTerm, depth: 11)
                    #expect(split.compared(with: reference).isWithin(bound), "\(threads) threads: \(split.compared(with: reference)), \(bound)")
                    ran = UnitSplitLoop.runs.load(ordering: .relaxed) > before
                }
                #expect(ran, "the split path ran with \(threads) threads")
            }
        }
    }
}
