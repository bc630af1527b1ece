/// Layer normalization over the last axis of each row (Ba, Kiros & Hinton 2016; PyTorch `nn.LayerNorm`).
///
/// ```
/// μ, σ² = mean and biased variance of x[r, :]
/// y[r, c] = weight[c] · (x[r, c] − μ) / √(σ² + epsilon) + bias[c]
/// ```
///
/// Works on `[N, C]` and `[N, T, C]`; each frame is normalized on its own, and with per-example valid `lengths`
/// padded frames output zeros and receive no gradient (lengths pass through).
public final class LayerNorm: Layer {
    /// The options of a layer normalization (YAML type `layernorm`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Size of the normalized last axis `C` (> 0), PyTorch `normalized_shape`.
        public var featureCount: Int
        /// Added to the variance (> 0, default 1e-5 as PyTorch; Keras uses 1e-3).
        public var epsilon: Float = 1e-5

        /// Options with the PyTorch default epsilon.
        public init(featureCount: Int, epsilon: Float = 1e-5) {
            self.featureCount = featureCount
            self.epsilon = epsilon
        }

        /// YAML keys.
        public enum CodingKeys: String, CodingKey, CaseIterable { case featureCount = "features", epsilon }

        /// Decodes the options, filling absent optional keys with their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            featureCount = try c.decodeInt(.featureCount)
            epsilon = try c.decodeFloat(.epsilon, default: 1e-5, in: Float.leastNonzeroMagnitude...1)
        }
    }

    private struct Cache { let normalized: [Float]; let inverseStd: [Float]; let shape: [Int]; let lengths: [Int]? }

    /// The options this layer was built with.
    public let configuration: Configuration
    /// Scale γ, `[C]` (initially ones).
    public let weight: Parameter
    /// Shift β, `[C]` (initially zeros).
    public let bias: Parameter
    private var cache: Cache?

    /// Layer normalization over `featureCount` channels.
    public convenience init(featureCount: Int, epsilon: Float = 1e-5) {
        self.init(Configuration(featureCount: featureCount, epsilon: epsilon))
    }

    /// A layer built from `configuration`.
    public init(_ configuration: Configuration) {
        precondition(configuration.featureCount > 0, "LayerNorm featureCount must be > 0, got \(configuration.featureCount)")
        self.configuration = configuration
        weight = Parameter(name: "weight", value: Tensor(shape: [configuration.featureCount], repeating: 1))
        bias = Parameter(name: "bias", value: Tensor(shape: [configuration.featureCount]))
    }

    public var parameters: [Parameter] { [weight, bias] }

    public func resetParameters(using generator: inout RandomGenerator) {
        weight.value = Tensor(shape: [configuration.featureCount], repeating: 1)
        bias.value = Tensor(shape: [configuration.featureCount])
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.last == configuration.featureCount else {
            throw ShapeError("LayerNorm expects inputs ending in \(configuration.featureCount) features, got \(describe(inputShape))")
        }
        return inputShape
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        let c = configuration.featureCount
        precondition(input.rank >= 2 && input.shape.last == c, "LayerNorm expects [N, …, \(c)], got \(input.shape)")
        let (n, t) = (input.shape[0], input.rank == 3 ? input.shape[1] : input.count / max(input.shape[0] * c, 1))
        let valid = input.rank == 3 ? lengths : nil
        if input.rank == 3 { validateLengths(lengths, batch: n, frames: t, layer: "LayerNorm") }
        // Padded frames output zeros, as the recurrent and convolution layers emit there, and get no gradient.
        var normalized = [Float](repeating: 0, count: input.count), output = normalized
        var inverseStd = [Float](repeating: 0, count: n * t)
        forEachValidRow(batch: n, frames: t, lengths: valid) { r in
            var sum = 0.0, squares = 0.0
            for j in 0..<c { let v = Double(input.storage[r * c + j]); sum += v; squares += v * v }
            let mean = sum / Double(c)
            let rstd = Float(1 / (max(0, squares / Double(c) - mean * mean) + Double(configuration.epsilon)).squareRoot())
            inverseStd[r] = rstd
            for j in 0..<c {
                let xhat = (input.storage[r * c + j] - Float(mean)) * rstd
                normalized[r * c + j] = xhat
                output[r * c + j] = weight.value.storage[j] * xhat + bias.value.storage[j]
            }
        }
        cache = mode == .training ? Cache(normalized: normalized, inverseStd: inverseStd, shape: input.shape, lengths: valid) : nil
        return (Tensor(shape: input.shape, storage: output), lengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("LayerNorm.backward called without a training forward") }
        precondition(outputGradient.shape == cache.shape, "LayerNorm.backward expects \(cache.shape), got \(outputGradient.shape)")
        let c = configuration.featureCount, rows = outputGradient.count / c
        let (n, t) = (cache.shape[0], rows / max(cache.shape[0], 1))
        let dy = outputGradient.storage, xhat = cache.normalized
        var dx = [Float](repeating: 0, count: dy.count)
        forEachValidRow(batch: n, frames: t, lengths: cache.lengths) { r in
            // ∂L/∂x = rstd/C · (C·g − Σg − x̂·Σ(g·x̂)) with g = γ·dy
            var sumG: Float = 0, sumGXhat: Float = 0
            for j in 0..<c {
                let g = weight.value.storage[j] * dy[r * c + j]
                sumG += g
                sumGXhat += g * xhat[r * c + j]
                weight.gradient.storage[j] += dy[r * c + j] * xhat[r * c + j]
                bias.gradient.storage[j] += dy[r * c + j]
            }
            let scale = cache.inverseStd[r] / Float(c)
            for j in 0..<c {
                let g = weight.value.storage[j] * dy[r * c + j]
                dx[r * c + j] = scale * (Float(c) * g - sumG - xhat[r * c + j] * sumGXhat)
            }
        }
        return Tensor(shape: cache.shape, storage: dx)
    }
}
