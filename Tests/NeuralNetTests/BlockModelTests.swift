import Foundation
import NeuralNet
import Testing

/// Whole models built from the 2-D convolution family, residual blocks and the transformer encoder: sharded passes
/// agree with whole-batch ones, a small model overfits a random set, and checkpoints round-trip their nested names.
@Suite struct BlockModelTests {
    static let (frames, bins, classes) = (13, 8, 3)

    static func makeModel(seed: UInt64, dropout: Float = 0) throws -> Sequential {
        try Sequential([
            ExpandChannels(),
            Conv2D(inputChannels: 1, outputChannels: 4, kernelSize: Size2D(square: 3), stride: Size2D(1, 2), padding: .same),
            ReLU(), MaxPool2D(poolSize: Size2D(2, 1)),
            try Residual([Conv2D(inputChannels: 4, outputChannels: 6, kernelSize: Size2D(3, 3), stride: Size2D(1, 2), padding: .same),
                          Tanh(), Conv2D(inputChannels: 6, outputChannels: 6, kernelSize: Size2D(square: 3), padding: .same)],
                         inputShape: [6, 4, 4]),
            AveragePool2D(poolSize: Size2D(1, 2)), MergeFrequency(), PositionalEncoding(),
            TransformerEncoder(.init(layer: .init(modelSize: 6, heads: 2, feedForwardSize: 12, dropout: dropout), layerCount: 1)),
            GlobalAveragePool1D(), Dense(inputSize: 6, outputSize: classes),
        ], inputShape: [frames, bins], seed: seed)
    }

    static func batch(_ n: Int, seed: UInt64) -> (Tensor, [Int], [Int]) {
        var generator = RandomGenerator(seed: seed)
        let x = Tensor(shape: [n, frames, bins], storage: (0..<(n * frames * bins)).map { _ in generator.nextNormal() })
        let lengths = (0..<n).map { $0 % 3 == 0 ? frames : 5 + $0 % 7 }
        return (x, lengths, (0..<n).map { $0 % classes })
    }

    @Test func shardedPassesMatchTheWholeBatch() throws {
        let (x, lengths, labels) = Self.batch(19, seed: 4)
        var results: [(Tensor, Tensor, [Tensor])] = []
        for sharding in [false, true] {
            let model = try Self.makeModel(seed: 9)
            model.sharding = sharding
            let logits = model.forward(x, lengths: lengths, mode: .training)
            let (_, gradient) = CrossEntropyLoss()(logits, labels: labels)
            let inputGradient = model.backward(gradient)
            results.append((logits, inputGradient, model.parameters.map(\.gradient)))
        }
        let (whole, sharded) = (results[0], results[1])
        #expect(sharded.0.compared(with: whole.0).isWithin(1e-5), "output \(sharded.0.compared(with: whole.0))")
        #expect(sharded.1.compared(with: whole.1).isWithin(1e-4), "∂input \(sharded.1.compared(with: whole.1))")
        for (a, b) in zip(sharded.2, whole.2) { #expect(a.compared(with: b).isWithin(1e-4), "\(a.compared(with: b))") }
    }

    @Test func overfitsSixteenRandomExamples() throws {
        let (x, lengths, labels) = Self.batch(16, seed: 2)
        let model = try Self.makeModel(seed: 5)
        let optimizer = Adam(learningRate: 1e-2), loss = CrossEntropyLoss()
        var first: Float = 0, last: Float = 0
        for step in 0..<150 {
            model.zeroGradients()
            let (value, gradient) = loss(model.forward(x, lengths: lengths, mode: .training), labels: labels)
            _ = model.backward(gradient, needsInputGradient: false)
            optimizer.step(model.parameters)
            if step == 0 { first = value }
            last = value
        }
        let logits = model.forward(x, lengths: lengths, mode: .inference)
        let predictions = (0..<16).map { n in (0..<Self.classes).max { logits.storage[n * Self.classes + $0] < logits.storage[n * Self.classes + $1] } }
        #expect(predictions == labels.map { Optional($0) }, "loss \(first) → \(last)")
        #expect(last < 0.1 * first)
    }

    @Test func checkpointsRoundTripNestedNames() throws {
        let saved = try Self.makeModel(seed: 1), restored = try Self.makeModel(seed: 2)
        let names = saved.parameters.map(\.name)
        #expect(names.contains("4.0.weight") && names.contains("4.2.bias") && names.contains("4.projection.weight"))
        #expect(names.contains("8.layers.0.self_attn.in_proj_weight") && names.contains("8.layers.0.norm2.bias"))
        #expect(Set(names).count == names.count)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("blocks-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(saved, to: url)
        _ = try Checkpoint.load(into: restored, from: url)
        let (x, lengths, _) = Self.batch(3, seed: 8)
        #expect(restored.forward(x, lengths: lengths, mode: .inference) == saved.forward(x, lengths: lengths, mode: .inference))
    }

    @Test func transformerDropoutActsOnlyInTraining() throws {
        let model = try Self.makeModel(seed: 3, dropout: 0.5)
        let (x, lengths, _) = Self.batch(4, seed: 6)
        let inference = model.forward(x, lengths: lengths, mode: .inference)
        #expect(model.forward(x, lengths: lengths, mode: .inference) == inference)
        #expect(model.forward(x, lengths: lengths, mode: .training) != inference)
    }
}
