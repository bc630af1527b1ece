/// A stack of identical `TransformerEncoderLayer`s, as `torch.nn.TransformerEncoder(layer, num_layers)` with
/// `batch_first=True` and no final norm: `[N, T, d] → [N, T, d]`.
///
/// Parameters are named `layers.<i>.<layer parameter>` (`layers.0.self_attn.in_proj_weight`), as in PyTorch's
/// `state_dict`; valid `lengths` are the `src_key_padding_mask` of every layer.
public final class TransformerEncoder: Layer {
    /// The options of the stack (YAML type `transformer_encoder` builds one from its spec options).
    public struct Configuration: Codable, Sendable, Equatable {
        /// The options of each layer.
        public var layer: TransformerEncoderLayer.Configuration
        /// Number of layers (> 0), PyTorch `num_layers`.
        public var layerCount: Int

        /// `layerCount` layers with options `layer`.
        public init(layer: TransformerEncoderLayer.Configuration, layerCount: Int) {
            self.layer = layer
            self.layerCount = layerCount
        }
    }

    /// The options this stack was built with.
    public let configuration: Configuration
    /// The layers, in order.
    public let layers: [TransformerEncoderLayer]

    /// A stack built from `configuration`; layer `i`'s dropout generators are seeded from `seed + 16·i`.
    public init(_ configuration: Configuration, seed: UInt64 = 0) {
        precondition(configuration.layerCount > 0, "TransformerEncoder needs at least one layer, got \(configuration.layerCount)")
        self.configuration = configuration
        layers = (0..<configuration.layerCount).map { TransformerEncoderLayer(configuration.layer, seed: seed &+ UInt64(16 * $0)) }
        for (index, layer) in layers.enumerated() {
            for parameter in layer.parameters { parameter.nest(under: "layers.\(index)") }
        }
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public func resetParameters(using generator: inout RandomGenerator) {
        for layer in layers { layer.resetParameters(using: &generator) }
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] { try layers[0].outputShape(for: inputShape) }

    public func flopsPerExample(inputShape: [Int]) -> Int { layers.count * layers[0].flopsPerExample(inputShape: inputShape) }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        var output = input
        for layer in layers { output = layer.forward(output, lengths: lengths, mode: mode).output }
        return (output, lengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        layers.reversed().reduce(outputGradient) { $1.backward($0) }
    }
}
