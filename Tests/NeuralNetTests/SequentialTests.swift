import Foundation
import NeuralNet
import Testing
import TestSupport

@Suite struct SequentialTests {
    /// The default speech-emotion stack at a small size.
    static func smallStack() -> [any Layer] {
        [
            Conv1D(inputChannels: 6, outputChannels: 8, kernelSize: 3), MaxPool1D(poolSize: 2),
            LSTM(inputSize: 8, hiddenSize: 5, returnSequences: true), LSTM(inputSize: 5, hiddenSize: 4),
            Dense(inputSize: 4, outputSize: 6), ReLU(), Dropout(rate: 0.25), Dense(inputSize: 6, outputSize: 3),
        ]
    }

    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
    }

    @Test func infersShapesCountsParametersAndNamesThemLikeTorch() throws {
        let model = try Sequential(Self.smallStack(), inputShape: [21, 6], seed: 1)
        #expect(model.outputShapes == [[19, 8], [9, 8], [9, 5], [4], [6], [6], [6], [3]])
        #expect(model.parameters.map(\.name) == [
            "0.weight", "0.bias", "2.weight_ih_l0", "2.weight_hh_l0", "2.bias_ih_l0", "2.bias_hh_l0",
            "3.weight_ih_l0", "3.weight_hh_l0", "3.bias_ih_l0", "3.bias_hh_l0", "4.weight", "4.bias", "7.weight", "7.bias",
        ])
        let expectedCount = (8 * 6 * 3 + 8) + 4 * 5 * (8 + 5 + 2) + 4 * 4 * (5 + 4 + 2) + (6 * 4 + 6) + (3 * 6 + 3)
        #expect(model.parameterCount == expectedCount)
        let flops = 2 * (19 * 8 * 6 * 3 + 9 * 4 * 5 * (8 + 5) + 9 * 4 * 4 * (5 + 4) + 4 * 6 + 6 * 3)
        #expect(try model.flopsPerExample() == flops)
        let summary = model.summary()
        #expect(summary.contains("2 LSTM"))
        #expect(summary.contains("(N, 9, 5)"))
        #expect(summary.replacingOccurrences(of: ",", with: "").contains("Trainable params: \(expectedCount)\n"))
    }

    @Test func rejectsAnImpossibleStackBeforeTraining() {
        #expect(throws: ShapeError("layer 2 (LSTM): LSTM expects a [T, 8] sequence input, got [72] (after Flatten)")) {
            try Sequential([Conv1D(inputChannels: 6, outputChannels: 8, kernelSize: 3), Flatten(),
                            LSTM(inputSize: 8, hiddenSize: 4)], inputShape: [11, 6])
        }
        #expect(throws: ShapeError.self) {
            try Sequential([Conv1D(inputChannels: 6, outputChannels: 8, kernelSize: 5)], inputShape: [3, 6])
        }
        #expect(throws: ShapeError.self) {
            try Sequential([Dense(inputSize: 7, outputSize: 2)], inputShape: [6])
        }
    }

    @Test func sameSeedBuildsTheSameModel() throws {
        let a = try Sequential(Self.smallStack(), inputShape: [21, 6], seed: 42)
        let b = try Sequential(Self.smallStack(), inputShape: [21, 6], seed: 42)
        let c = try Sequential(Self.smallStack(), inputShape: [21, 6], seed: 43)
        #expect(a.parameters.map(\.value) == b.parameters.map(\.value))
        #expect(a.parameters.map(\.value) != c.parameters.map(\.value))
        // Keras defaults: zero biases except the LSTM forget gate (unit_forget_bias).
        let bias = a.parameters[4].value.storage
        #expect(bias[0..<5].allSatisfy { $0 == 0 } && bias[5..<10].allSatisfy { $0 == 1 } && bias[10...].allSatisfy { $0 == 0 })
    }

    @Test func paddedBatchMatchesEachClipAlone() throws {
        // Two clips of 21 and 13 frames, zero-padded to 21: with lengths, the padded clip's logits equal the logits
        // of that clip run on its own, and padding receives no gradient.
        let model = try Sequential(Self.smallStack(), inputShape: [21, 6], seed: 5)
        let long = Self.random([1, 21, 6], seed: 1), short = Self.random([1, 13, 6], seed: 2)
        var padded = long.storage + short.storage
        padded += [Float](repeating: 0, count: 8 * 6)
        let batch = Tensor(shape: [2, 21, 6], storage: padded)
        let logits = model.forward(batch, lengths: [21, 13], mode: .inference)
        let alone = try Sequential(model.layers, inputShape: [13, 6])
        let shortLogits = alone.forward(short, mode: .inference)
        let longLogits = model.forward(long, mode: .inference)
        #expect(alone.parameters.first?.name == "0.weight")
        // Batch and clip alone run different GEMM shapes. Stages: conv, 9 + 9 LSTM steps, 2 dense; the longest sum is
        // the convolution's 3·6 products plus a bias, each at most max|w| · max|x| (LSTM states are within ±1).
        let largestTerm = largestMagnitude(model.parameters.flatMap(\.value.storage)) * max(largestMagnitude(padded), 1)
        let bound = RoundoffBound(terms: 19, magnitude: 19 * largestTerm, depth: 21)
        let shortComparison = ApproximateComparison(Array(logits.storage[3...]), shortLogits.storage)
        let longComparison = ApproximateComparison(Array(logits.storage[..<3]), longLogits.storage)
        #expect(shortComparison.isWithin(bound), "\(shortComparison), \(bound)")
        #expect(longComparison.isWithin(bound), "\(longComparison), \(bound)")

        _ = model.forward(batch, lengths: [21, 13], mode: .training)
        model.zeroGradients()
        let inputGradient = model.backward(Tensor(shape: [2, 3], repeating: 1))
        #expect(inputGradient.storage[((21 + 13) * 6)...].allSatisfy { $0 == 0 })
        #expect(inputGradient.storage[(21 * 6)..<((21 + 13) * 6)].contains { $0 != 0 })
    }

    @Test func zeroGradientsClearsAccumulation() throws {
        let model = try Sequential([Dense(inputSize: 3, outputSize: 2)], inputShape: [3], seed: 1)
        let x = Self.random([4, 3], seed: 3)
        _ = model.forward(x, mode: .training)
        _ = model.backward(Tensor(shape: [4, 2], repeating: 1))
        let once = model.parameters[0].gradient
        _ = model.forward(x, mode: .training)
        _ = model.backward(Tensor(shape: [4, 2], repeating: 1))
        #expect(model.parameters[0].gradient.storage == once.storage.map { $0 * 2 })
        model.zeroGradients()
        #expect(model.parameters.allSatisfy { $0.gradient.storage.allSatisfy { $0 == 0 } })
    }
}

@Suite struct InputGradientSkipTests {
    @Test func skippingTheInputGradientKeepsParameterGradients() throws {
        let model = try Sequential(SequentialTests.smallStack(), inputShape: [21, 6], seed: 3)
        let x = SequentialTests.random([3, 21, 6], seed: 4)
        let upstream = SequentialTests.random([3, 3], seed: 5)
        (model.layers[6] as? Dropout)?.generator = RandomGenerator(seed: 1)
        _ = model.forward(x, mode: .training)
        let full = model.backward(upstream)
        let gradients = model.parameters.map(\.gradient)
        model.zeroGradients()
        (model.layers[6] as? Dropout)?.generator = RandomGenerator(seed: 1)
        _ = model.forward(x, mode: .training)
        let skipped = model.backward(upstream, needsInputGradient: false)
        #expect(full.shape == [3, 21, 6] && skipped.count == 0)
        #expect(model.parameters.map(\.gradient) == gradients)
    }

    /// Parameterless layers in front of the first trainable one (`ExpandChannels`) are not run at all, whole-batch
    /// or sharded, and the parameter gradients stay those of a full backward pass.
    @Test(arguments: [3, 17])
    func leadingParameterlessLayersAreSkipped(batch: Int) throws {
        let make = {
            try Sequential([ExpandChannels(), Conv2D(inputChannels: 1, outputChannels: 3, kernelSize: Size2D(square: 3)), ReLU(),
                            MergeFrequency(), GlobalAveragePool1D(), Dense(inputSize: 9, outputSize: 2)],
                           inputShape: [7, 5], seed: 2)
        }
        let (full, skipping) = (try make(), try make())
        let x = SequentialTests.random([batch, 7, 5], seed: 6), upstream = SequentialTests.random([batch, 2], seed: 7)
        _ = full.forward(x, mode: .training)
        _ = skipping.forward(x, mode: .training)
        #expect(full.backward(upstream).shape == [batch, 7, 5])
        #expect(skipping.backward(upstream, needsInputGradient: false).count == 0)
        for (a, b) in zip(full.parameters, skipping.parameters) { #expect(a.gradient == b.gradient, "\(a.name)") }
    }
}
