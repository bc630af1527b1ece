import Foundation

/// Attention pooling over time: a learned softmax weighting of the valid frames, `[N, T, C] → [N, C]`.
///
/// Weighted pooling with a learned vector, as in Mirsamadi, Barsoum & Zhang, "Automatic speech emotion recognition
/// using recurrent neural networks with local attention" (ICASSP 2017):
///
/// ```
/// s[n, t] = Σ_c weight[0, c] · x[n, t, c]
/// α[n, t] = exp(s[n, t]) / Σ_{τ < L_n} exp(s[n, τ])      (t < L_n; padded frames get α = 0)
/// y[n, c] = Σ_{t < L_n} α[n, t] · x[n, t, c]
/// ```
///
/// The parameter is `weight [1, C]` (PyTorch `nn.Linear(C, 1, bias=False)`; a bias would cancel in the softmax).
public final class AttentionPooling: Layer {
    /// The options of an attention pooling layer (YAML type `attention_pooling`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Channels `C` of the input frames (> 0).
        public var inputSize: Int
        /// Initializer of the scoring vector (default `glorot_uniform`).
        public var kernelInitializer: Initializer = .glorotUniform

        /// Options for frames of `inputSize` channels.
        public init(inputSize: Int) { self.inputSize = inputSize }

        /// YAML keys.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case inputSize = "input_size", kernelInitializer = "kernel_initializer"
        }

        /// Decodes the options, filling absent optional keys with their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputSize = try c.decodeInt(.inputSize)
            kernelInitializer = try c.decode(.kernelInitializer, default: .glorotUniform)
        }
    }

    private struct Cache { let input: Tensor; let weights: [Float]; let lengths: [Int]? }

    /// The options this layer was built with.
    public let configuration: Configuration
    /// The scoring vector, `[1, C]`.
    public let weight: Parameter
    private var cache: Cache?

    /// Attention pooling over frames of `inputSize` channels.
    public convenience init(inputSize: Int) { self.init(Configuration(inputSize: inputSize)) }

    /// A layer built from `configuration`, initialised from a generator seeded with 0.
    public init(_ configuration: Configuration) {
        precondition(configuration.inputSize > 0, "AttentionPooling inputSize must be > 0, got \(configuration.inputSize)")
        self.configuration = configuration
        weight = Parameter(name: "weight", value: Tensor(shape: [1, configuration.inputSize]))
        var generator = RandomGenerator(seed: 0)
        resetParameters(using: &generator)
    }

    public var parameters: [Parameter] { [weight] }

    public func resetParameters(using generator: inout RandomGenerator) {
        let c = configuration.inputSize
        weight.value = configuration.kernelInitializer.make(shape: [1, c], fanIn: c, fanOut: 1, using: &generator)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[1] == configuration.inputSize else {
            throw ShapeError("AttentionPooling expects a [T, \(configuration.inputSize)] sequence input, got \(describe(inputShape))")
        }
        return [configuration.inputSize]
    }

    public func flopsPerExample(inputShape: [Int]) -> Int { 4 * inputShape.reduce(1, *) }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        let c = configuration.inputSize
        precondition(input.rank == 3 && input.shape[2] == c, "AttentionPooling expects [N, T, \(c)], got \(input.shape)")
        let (n, t) = (input.shape[0], input.shape[1])
        validateLengths(lengths, batch: n, frames: t, layer: "AttentionPooling")
        var scores = [Float](repeating: 0, count: n * t)
        BLAS.gemv(rows: n * t, cols: c, a: input.storage, lda: c, x: weight.value.storage, y: &scores)
        var output = [Float](repeating: 0, count: n * c)
        var weights = [Float](repeating: 0, count: n * t)
        for b in 0..<n {
            let valid = lengths?[b] ?? t
            guard valid > 0 else { continue }
            let peak = scores[(b * t)..<(b * t + valid)].max() ?? 0
            var total: Float = 0
            for frame in 0..<valid {
                weights[b * t + frame] = exp(scores[b * t + frame] - peak)
                total += weights[b * t + frame]
            }
            for frame in 0..<valid {
                weights[b * t + frame] /= total
                let alpha = weights[b * t + frame]
                for ch in 0..<c { output[b * c + ch] += alpha * input.storage[(b * t + frame) * c + ch] }
            }
        }
        cache = mode == .training ? Cache(input: input, weights: weights, lengths: lengths) : nil
        return (Tensor(shape: [n, c], storage: output), nil)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("AttentionPooling.backward called without a training forward") }
        let c = configuration.inputSize
        let (n, t) = (cache.input.shape[0], cache.input.shape[1])
        precondition(outputGradient.shape == [n, c], "AttentionPooling.backward expects [\(n), \(c)], got \(outputGradient.shape)")
        let x = cache.input.storage, dy = outputGradient.storage, u = weight.value.storage
        var inputGradient = [Float](repeating: 0, count: n * t * c)
        for b in 0..<n {
            let valid = cache.lengths?[b] ?? t
            guard valid > 0 else { continue }
            // ∂L/∂α_t = dy · x_t ; softmax backward: ∂L/∂s_t = α_t (∂L/∂α_t − Σ_τ α_τ ∂L/∂α_τ)
            var dAlpha = [Float](repeating: 0, count: valid)
            var mean: Float = 0
            for frame in 0..<valid {
                for ch in 0..<c { dAlpha[frame] += dy[b * c + ch] * x[(b * t + frame) * c + ch] }
                mean += cache.weights[b * t + frame] * dAlpha[frame]
            }
            for frame in 0..<valid {
                let alpha = cache.weights[b * t + frame]
                let dScore = alpha * (dAlpha[frame] - mean)
                let row = (b * t + frame) * c
                for ch in 0..<c {
                    inputGradient[row + ch] = alpha * dy[b * c + ch] + dScore * u[ch]
                    weight.gradient.storage[ch] += dScore * x[row + ch]
                }
            }
        }
        return Tensor(shape: cache.input.shape, storage: inputGradient)
    }
}
