/// A stack of identical `TransformerEncoderLayer`s, as `torch.nn.TransformerEncoder(layer, num_layers, norm)` with
/// `batch_first=True`: `[N, T, d] → [N, T, d]`, optionally followed by a final layer norm (PyTorch's `norm`, usual
/// after pre-LN layers, whose residual stream is otherwise never normalized).
///
/// Parameters are named `layers.<i>.<layer parameter>` (`layers.0.self_attn.in_proj_weight`) and `norm.weight`,
/// `norm.bias`, as in PyTorch's `state_dict`; valid `lengths` are the `src_key_padding_mask` of every layer.
public final class TransformerEncoder: Layer {
    /// The options of the stack (YAML type `transformer_encoder` builds one from its spec options).
    public struct Configuration: Codable, Sendable, Equatable {
        /// The options of each layer.
        public var layer: TransformerEncoderLayer.Configuration
        /// Number of layers (> 0), PyTorch `num_layers`.
        public var layerCount: Int
        /// A layer norm (epsilon 1e-5) after the last layer (default false).
        public var finalNorm = false

        /// `layerCount` layers with options `layer`.
        public init(layer: TransformerEncoderLayer.Configuration, layerCount: Int, finalNorm: Bool = false) {
            self.layer = layer
            self.layerCount = layerCount
            self.finalNorm = finalNorm
        }
    }

    /// The options this stack was built with.
    public let configuration: Configuration
    /// The layers, in order.
    public let layers: [TransformerEncoderLayer]
    /// The final norm, if configured.
    public let norm: LayerNorm?

    /// A stack built from `configuration`; layer `i`'s dropout generators are seeded from `seed + 16·i`.
    public init(_ configuration: Configuration, seed: UInt64 = 0) {
        precondition(configuration.layerCount > 0, "TransformerEncoder needs at least one layer, got \(configuration.layerCount)")
        self.configuration = configuration
        layers = (0..<configuration.layerCount).map { TransformerEncoderLayer(configuration.layer, seed: seed &+ UInt64(16 * $0)) }
        for (index, layer) in layers.enumerated() {
            for parameter in layer.parameters { parameter.nest(under: "layers.\(index)") }
        }
        norm = configuration.finalNorm ? LayerNorm(featureCount: configuration.layer.modelSize) : nil
        for parameter in norm?.parameters ?? [] { parameter.nest(under: "norm") }
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) + (norm?.parameters ?? []) }

    public func resetParameters(using generator: inout RandomGenerator) {
        for layer in layers { layer.resetParameters(using: &generator) }
        norm?.resetParameters(using: &generator)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] { try layers[0].outputShape(for: inputShape) }

    public func flopsPerExample(inputShape: [Int]) -> Int { layers.count * layers[0].flopsPerExample(inputShape: inputShape) }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        var output = input
        for layer in layers { output = layer.forward(output, lengths: lengths, mode: mode).output }
        if let norm { output = norm.forward(output, lengths: lengths, mode: mode).output }
        return (output, lengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        layers.reversed().reduce(norm?.backward(outputGradient) ?? outputGradient) { $1.backward($0) }
    }
}

extension TransformerEncoder: StochasticLayer {
    public func reseed(_ seed: UInt64) {
        for (index, layer) in layers.enumerated() { layer.reseed(derivedSeed(seed, index)) }
    }
}
