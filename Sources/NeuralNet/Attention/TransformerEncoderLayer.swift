/// One transformer encoder layer over `[N, T, d]` sequences, as `torch.nn.TransformerEncoderLayer(batch_first=True)`
/// (Vaswani et al. 2017): multi-head self-attention and a feed-forward block, each with dropout, a residual
/// connection and layer normalization.
///
/// ```
/// SA(z) = out_proj(attention(in_proj(z)))          FF(z) = linear2(dropout(activation(linear1(z))))
/// norm_first = false:  a = norm1(x + dropout1(SA(x)));   y = norm2(a + dropout2(FF(a)))
/// norm_first = true:   a = x + dropout1(SA(norm1(x)));   y = a + dropout2(FF(norm2(a)))
/// ```
///
/// Parameters carry PyTorch's `state_dict` names and layouts: `self_attn.in_proj_weight [3d, d]`,
/// `self_attn.in_proj_bias`, `self_attn.out_proj.weight [d, d]`, `self_attn.out_proj.bias`, `linear1.weight
/// [ff, d]`, `linear1.bias`, `linear2.weight [d, ff]`, `linear2.bias`, `norm1.*`, `norm2.*` (LayerNorm epsilon 1e-5).
/// Valid `lengths` act as `src_key_padding_mask`: padded frames are never attended to, and output zeros.
public final class TransformerEncoderLayer: Layer {
    /// The options of one encoder layer (and of each layer of a `TransformerEncoder`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Model width `d` (> 0, divisible by `heads`), PyTorch `d_model`.
        public var modelSize: Int
        /// Attention heads (> 0), PyTorch `nhead`.
        public var heads: Int
        /// Hidden width of the feed-forward block (> 0, PyTorch `dim_feedforward`, default 2048 there; 4·d is usual).
        public var feedForwardSize: Int
        /// Dropout after attention, inside and after the feed-forward block, and on attention weights, in `[0, 1)`.
        public var dropout: Float = 0.1
        /// `relu` (PyTorch's default) or `gelu`.
        public var activation: Activation = .relu
        /// Layer norm before each block (pre-LN) instead of after the residual sum (PyTorch's default, post-LN).
        public var normFirst = false

        /// The feed-forward activation.
        public enum Activation: String, Codable, Sendable, CaseIterable { case relu, gelu }

        /// Options with PyTorch's defaults for dropout, activation and norm placement.
        public init(modelSize: Int, heads: Int, feedForwardSize: Int, dropout: Float = 0.1,
                    activation: Activation = .relu, normFirst: Bool = false) {
            self.modelSize = modelSize
            self.heads = heads
            self.feedForwardSize = feedForwardSize
            self.dropout = dropout
            self.activation = activation
            self.normFirst = normFirst
        }
    }

    private struct Cache { let lengths: [Int]?; let shape: [Int] }

    /// The options this layer was built with.
    public let configuration: Configuration
    private let inProjection: Dense, outProjection: Dense, linear1: Dense, linear2: Dense
    private let norm1: LayerNorm, norm2: LayerNorm
    private let activation: any Layer
    private let dropout1: Dropout, dropoutInner: Dropout, dropout2: Dropout
    private var attention: ScaledDotProductAttention
    private var cache: Cache?

    /// A layer built from `configuration`; dropout masks come from generators seeded from `seed`.
    public init(_ configuration: Configuration, seed: UInt64 = 0) {
        let c = configuration
        precondition(c.modelSize > 0 && c.heads > 0 && c.modelSize % c.heads == 0 && c.feedForwardSize > 0,
                     "TransformerEncoderLayer needs d > 0 divisible by heads > 0 and ff > 0, got \(c)")
        precondition((0..<1).contains(c.dropout), "TransformerEncoderLayer dropout must be in [0, 1), got \(c.dropout)")
        self.configuration = c
        inProjection = Dense(inputSize: c.modelSize, outputSize: 3 * c.modelSize)
        outProjection = Dense(inputSize: c.modelSize, outputSize: c.modelSize)
        linear1 = Dense(inputSize: c.modelSize, outputSize: c.feedForwardSize)
        linear2 = Dense(inputSize: c.feedForwardSize, outputSize: c.modelSize)
        norm1 = LayerNorm(featureCount: c.modelSize)
        norm2 = LayerNorm(featureCount: c.modelSize)
        activation = c.activation == .relu ? ReLU() : GELU()
        dropout1 = Dropout(rate: c.dropout, seed: seed &+ 1)
        dropoutInner = Dropout(rate: c.dropout, seed: seed &+ 2)
        dropout2 = Dropout(rate: c.dropout, seed: seed &+ 3)
        attention = ScaledDotProductAttention(heads: c.heads, dropout: c.dropout, seed: seed &+ 4)
        inProjection.weight.rename("self_attn.in_proj_weight")
        inProjection.bias.rename("self_attn.in_proj_bias")
        for (layer, scope) in [(outProjection as any Layer, "self_attn.out_proj"), (linear1, "linear1"), (linear2, "linear2"),
                               (norm1, "norm1"), (norm2, "norm2")] {
            for parameter in layer.parameters { parameter.nest(under: scope) }
        }
    }

    /// In `state_dict` order.
    public var parameters: [Parameter] {
        ([inProjection, outProjection, linear1, linear2] as [any Layer] + [norm1, norm2]).flatMap(\.parameters)
    }

    /// Weights as PyTorch initialises them: Xavier-uniform `in_proj_weight`, zero projection biases, and
    /// `nn.Linear`'s U(±1/√fan_in) elsewhere; unit/zero norms. Dropout generators are re-seeded.
    public func resetParameters(using generator: inout RandomGenerator) {
        let d = configuration.modelSize
        inProjection.weight.value = Initializer.glorotUniform.make(shape: [3 * d, d], fanIn: d, fanOut: d, using: &generator)
        inProjection.bias.value = Tensor(shape: [3 * d])
        for layer in [outProjection, linear1, linear2] {
            let fanIn = layer.configuration.inputSize, bound = 1 / Float(fanIn).squareRoot()
            for parameter in layer.parameters {
                parameter.value = Tensor(shape: parameter.value.shape,
                                         storage: (0..<parameter.value.count).map { _ in bound * (2 * generator.nextUniform() - 1) })
            }
        }
        outProjection.bias.value = Tensor(shape: [d])
        norm1.resetParameters(using: &generator)
        norm2.resetParameters(using: &generator)
        for layer in [dropout1, dropoutInner, dropout2] { layer.resetParameters(using: &generator) }
        attention.generator = RandomGenerator(seed: generator.next())
    }

    /// Re-seeds the three dropouts and the attention-weight dropout from `seed` (see `StochasticLayer`).
    func reseedGenerators(_ seed: UInt64) {
        for (index, layer) in [dropout1, dropoutInner, dropout2].enumerated() { layer.reseed(derivedSeed(seed, index)) }
        attention.generator = RandomGenerator(seed: derivedSeed(seed, 3))
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[1] == configuration.modelSize else {
            throw ShapeError("TransformerEncoderLayer expects a [T, \(configuration.modelSize)] sequence input, got \(describe(inputShape))")
        }
        return inputShape
    }

    public func flopsPerExample(inputShape: [Int]) -> Int {
        let (t, d, ff) = (inputShape.first ?? 0, configuration.modelSize, configuration.feedForwardSize)
        return 2 * t * (3 * d * d + d * d + 2 * d * ff) + 4 * t * t * d
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        let d = configuration.modelSize
        precondition(input.rank == 3 && input.shape[2] == d, "TransformerEncoderLayer expects [N, T, \(d)], got \(input.shape)")
        validateLengths(lengths, batch: input.shape[0], frames: input.shape[1], layer: "TransformerEncoderLayer")
        var output: Tensor
        if configuration.normFirst {
            let a = input + dropout1.forward(selfAttention(norm1.forward(input, lengths: lengths, mode: mode).output, lengths, mode), mode: mode)
            output = a + dropout2.forward(feedForward(norm2.forward(a, lengths: lengths, mode: mode).output, mode), mode: mode)
        } else {
            let a = norm1.forward(input + dropout1.forward(selfAttention(input, lengths, mode), mode: mode), lengths: lengths, mode: mode).output
            output = norm2.forward(a + dropout2.forward(feedForward(a, mode), mode: mode), lengths: lengths, mode: mode).output
        }
        if let lengths { zeroPadding(&output.storage, lengths: lengths, frames: input.shape[1], channels: d) }
        cache = mode == .training ? Cache(lengths: lengths, shape: input.shape) : nil
        return (output, lengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("TransformerEncoderLayer.backward called without a training forward") }
        precondition(outputGradient.shape == cache.shape, "TransformerEncoderLayer.backward expects \(cache.shape), got \(outputGradient.shape)")
        var dy = outputGradient
        if let lengths = cache.lengths { zeroPadding(&dy.storage, lengths: lengths, frames: cache.shape[1], channels: cache.shape[2]) }
        if configuration.normFirst {
            // y = a + FF(norm2(a)): ∂a = ∂y + norm2ᵀ FFᵀ ∂y ; a = x + SA(norm1(x)): ∂x = ∂a + norm1ᵀ SAᵀ ∂a
            let da = dy + norm2.backward(feedForwardBackward(dropout2.backward(dy)))
            return da + norm1.backward(selfAttentionBackward(dropout1.backward(da)))
        }
        // y = norm2(b), b = a + FF(a): ∂a = ∂b + FFᵀ ∂b ; a = norm1(c), c = x + SA(x): ∂x = ∂c + SAᵀ ∂c
        let db = norm2.backward(dy)
        let dc = norm1.backward(db + feedForwardBackward(dropout2.backward(db)))
        return dc + selfAttentionBackward(dropout1.backward(dc))
    }

    private func selfAttention(_ x: Tensor, _ lengths: [Int]?, _ mode: Mode) -> Tensor {
        outProjection.forward(attention.forward(inProjection.forward(x, mode: mode), lengths: lengths, mode: mode), mode: mode)
    }

    private func selfAttentionBackward(_ dy: Tensor) -> Tensor {
        inProjection.backward(attention.backward(outProjection.backward(dy)))
    }

    private func feedForward(_ x: Tensor, _ mode: Mode) -> Tensor {
        linear2.forward(dropoutInner.forward(activation.forward(linear1.forward(x, mode: mode), mode: mode), mode: mode), mode: mode)
    }

    private func feedForwardBackward(_ dy: Tensor) -> Tensor {
        linear1.backward(activation.backward(dropoutInner.backward(linear2.backward(dy))))
    }
}

extension Tensor {
    /// The element-wise sum of two tensors of one shape.
    static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        precondition(lhs.shape == rhs.shape, "cannot add \(lhs.shape) and \(rhs.shape)")
        var sum = lhs.storage
        for i in sum.indices { sum[i] += rhs.storage[i] }
        return Tensor(shape: lhs.shape, storage: sum)
    }
}

extension TransformerEncoderLayer: StochasticLayer {
    public func reseed(_ seed: UInt64) { reseedGenerators(seed) }
}
