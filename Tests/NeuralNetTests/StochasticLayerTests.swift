import NeuralNet
import Testing

/// Re-seeding reaches every generator a layer draws from, also inside transformer and residual blocks, so an epoch's
/// masks depend on the seed alone (what exact resume at an epoch boundary relies on).
@Suite struct StochasticLayerTests {
    static func input(seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor(shape: [2, 5, 8], storage: (0..<80).map { _ in generator.nextNormal() })
    }

    static let layers: [(String, @Sendable () throws -> any StochasticLayer)] = [
        ("dropout", { Dropout(rate: 0.5) }),
        ("transformer layer", { TransformerEncoderLayer(.init(modelSize: 8, heads: 2, feedForwardSize: 16, dropout: 0.3)) }),
        ("transformer stack", {
            TransformerEncoder(.init(layer: .init(modelSize: 8, heads: 2, feedForwardSize: 16, dropout: 0.3), layerCount: 2))
        }),
        ("residual with dropout", { try Residual([Dense(inputSize: 8, outputSize: 8), Dropout(rate: 0.5)], inputShape: [5, 8]) }),
    ]

    @Test(arguments: layers.indices)
    func sameSeedSameMasksOtherSeedOtherMasks(_ index: Int) throws {
        let (name, make) = Self.layers[index]
        let layer = try make()
        let x = Self.input(seed: 7)
        layer.reseed(11)
        let first = layer.forward(x, mode: .training)
        _ = layer.forward(x, mode: .training)          // advance the generators, as later steps of an epoch do
        layer.reseed(11)
        let again = layer.forward(x, mode: .training)
        layer.reseed(12)
        let other = layer.forward(x, mode: .training)
        #expect(first == again, "\(name): the same seed must give the same masks")
        #expect(first != other, "\(name): another seed must give other masks")
    }
}
