/// Batch normalization over the channel (last) axis, for `[N, C]` or `[N, T, C]` inputs (Ioffe & Szegedy 2015).
///
/// ```
/// training:  μ, σ² = mean and biased variance over the M valid rows (all N·T, or Σ lengths)
///            running ← momentum · running + (1 − momentum) · batch   (running_var uses the unbiased σ²·M/(M−1))
/// inference: μ, σ² = running_mean, running_var
/// y = weight · (x − μ) / √(σ² + epsilon) + bias
/// ```
///
/// `momentum` follows Keras (default 0.99, the weight of the old running value); PyTorch's `momentum` is
/// `1 − momentum` (0.01 here). `epsilon` defaults to Keras' 1e-3 (PyTorch: 1e-5). The running variance is updated
/// with the unbiased batch variance, as PyTorch does. Names follow PyTorch: `weight`, `bias` and the buffers
/// `running_mean`, `running_var`, `num_batches_tracked` (a scalar; PyTorch stores it as int64).
/// With per-example valid `lengths` on a sequence batch, padded frames are left out of the statistics and output
/// zeros, so padding neither shifts the normalization nor receives a gradient.
public final class BatchNorm: Layer {
    /// The options of a batch normalization layer (YAML type `batchnorm`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Channels `C` (> 0), PyTorch `num_features`.
        public var featureCount: Int
        /// Keras momentum in `[0, 1]` (default 0.99).
        public var momentum: Float = 0.99
        /// Added to the variance (> 0, default 1e-3 as Keras).
        public var epsilon: Float = 1e-3

        /// Options with Keras defaults.
        public init(featureCount: Int, momentum: Float = 0.99, epsilon: Float = 1e-3) {
            self.featureCount = featureCount
            self.momentum = momentum
            self.epsilon = epsilon
        }

        /// YAML keys.
        public enum CodingKeys: String, CodingKey, CaseIterable { case featureCount = "features", momentum, epsilon }

        /// Decodes the options, filling absent optional keys with their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            featureCount = try c.decodeInt(.featureCount)
            momentum = try c.decodeFloat(.momentum, default: 0.99, in: 0...1)
            epsilon = try c.decodeFloat(.epsilon, default: 1e-3, in: Float.leastNonzeroMagnitude...1)
        }
    }

    private struct Cache {
        let normalized: [Float], inverseStd: [Float], shape: [Int]
        let lengths: [Int]?          // valid frames per example of a sequence batch
        let validRows: Int           // M, the rows the statistics were taken over
    }

    /// The options this layer was built with.
    public let configuration: Configuration
    /// Scale γ, `[C]` (initially ones).
    public let weight: Parameter
    /// Shift β, `[C]` (initially zeros).
    public let bias: Parameter
    /// Running mean, `[C]`.
    public let runningMean: Parameter
    /// Running (unbiased) variance, `[C]`.
    public let runningVariance: Parameter
    /// Training batches seen, a scalar.
    public let batchesTracked: Parameter
    private var cache: Cache?

    /// Batch normalization over `featureCount` channels.
    public convenience init(featureCount: Int, momentum: Float = 0.99, epsilon: Float = 1e-3) {
        self.init(Configuration(featureCount: featureCount, momentum: momentum, epsilon: epsilon))
    }

    /// A layer built from `configuration`.
    public init(_ configuration: Configuration) {
        let c = configuration.featureCount
        precondition(c > 0, "BatchNorm featureCount must be > 0, got \(c)")
        self.configuration = configuration
        weight = Parameter(name: "weight", value: Tensor(shape: [c], repeating: 1))
        bias = Parameter(name: "bias", value: Tensor(shape: [c]))
        runningMean = Parameter(name: "running_mean", value: Tensor(shape: [c]))
        runningVariance = Parameter(name: "running_var", value: Tensor(shape: [c], repeating: 1))
        batchesTracked = Parameter(name: "num_batches_tracked", value: Tensor(shape: []))
    }

    public var parameters: [Parameter] { [weight, bias] }
    public var buffers: [Parameter] { [runningMean, runningVariance, batchesTracked] }

    public func resetParameters(using generator: inout RandomGenerator) {
        let c = configuration.featureCount
        weight.value = Tensor(shape: [c], repeating: 1)
        bias.value = Tensor(shape: [c])
        runningMean.value = Tensor(shape: [c])
        runningVariance.value = Tensor(shape: [c], repeating: 1)
        batchesTracked.value = Tensor(shape: [])
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard (1...2).contains(inputShape.count), inputShape.last == configuration.featureCount else {
            throw ShapeError("BatchNorm expects [\(configuration.featureCount)] or [T, \(configuration.featureCount)] inputs, got \(describe(inputShape))")
        }
        return inputShape
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        let c = configuration.featureCount
        precondition((2...3).contains(input.rank) && input.shape.last == c, "BatchNorm expects [N, (T,) \(c)], got \(input.shape)")
        let (n, t) = (input.shape[0], input.rank == 3 ? input.shape[1] : 1)
        if input.rank == 3 { validateLengths(lengths, batch: n, frames: t, layer: "BatchNorm") }
        // Lengths only mean something for sequences; padded frames take no part in the statistics.
        let valid = input.rank == 3 ? lengths : nil
        let validRows = valid.map { $0.reduce(0, +) } ?? n * t
        var mean = runningMean.value.storage, variance = runningVariance.value.storage
        if mode == .training {
            precondition(validRows > 1, "BatchNorm needs more than one valid value per channel in training, got \(input.shape) with lengths \(valid ?? [])")
            var sum = [Double](repeating: 0, count: c), squares = [Double](repeating: 0, count: c)
            forEachValidRow(batch: n, frames: t, lengths: valid) { r in
                for j in 0..<c { let v = Double(input.storage[r * c + j]); sum[j] += v; squares[j] += v * v }
            }
            let momentum = configuration.momentum, m = Double(validRows)
            for j in 0..<c {
                let mu = sum[j] / m
                let v = max(0, squares[j] / m - mu * mu)
                mean[j] = Float(mu)
                variance[j] = Float(v)
                runningMean.value.storage[j] = momentum * runningMean.value.storage[j] + (1 - momentum) * Float(mu)
                runningVariance.value.storage[j] = momentum * runningVariance.value.storage[j]
                    + (1 - momentum) * Float(v * m / (m - 1))
            }
            batchesTracked.value.storage[0] += 1
        }
        let inverseStd = variance.map { 1 / ($0 + configuration.epsilon).squareRoot() }
        // Padded frames stay zero in the output (and in x̂, so backward's sums skip them for free).
        var normalized = [Float](repeating: 0, count: input.count), output = normalized
        forEachValidRow(batch: n, frames: t, lengths: valid) { r in
            for j in 0..<c {
                let xhat = (input.storage[r * c + j] - mean[j]) * inverseStd[j]
                normalized[r * c + j] = xhat
                output[r * c + j] = weight.value.storage[j] * xhat + bias.value.storage[j]
            }
        }
        cache = mode == .training
            ? Cache(normalized: normalized, inverseStd: inverseStd, shape: input.shape, lengths: valid, validRows: validRows)
            : nil
        return (Tensor(shape: input.shape, storage: output), lengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("BatchNorm.backward called without a training forward") }
        precondition(outputGradient.shape == cache.shape, "BatchNorm.backward expects \(cache.shape), got \(outputGradient.shape)")
        let c = configuration.featureCount
        let (n, t) = (cache.shape[0], cache.shape.count == 3 ? cache.shape[1] : 1)
        let dy = outputGradient.storage, xhat = cache.normalized
        var sumDy = [Float](repeating: 0, count: c), sumDyXhat = sumDy
        forEachValidRow(batch: n, frames: t, lengths: cache.lengths) { r in
            for j in 0..<c { sumDy[j] += dy[r * c + j]; sumDyXhat[j] += dy[r * c + j] * xhat[r * c + j] }
        }
        for j in 0..<c {
            bias.gradient.storage[j] += sumDy[j]
            weight.gradient.storage[j] += sumDyXhat[j]
        }
        // ∂L/∂x = γ·rstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)) over the M valid rows, the batch statistics being functions
        // of x; padded frames neither enter the statistics nor receive a gradient.
        var dx = [Float](repeating: 0, count: dy.count)
        let m = Float(cache.validRows)
        forEachValidRow(batch: n, frames: t, lengths: cache.lengths) { r in
            for j in 0..<c {
                let scale = weight.value.storage[j] * cache.inverseStd[j] / m
                dx[r * c + j] = scale * (m * dy[r * c + j] - sumDy[j] - xhat[r * c + j] * sumDyXhat[j])
            }
        }
        return Tensor(shape: cache.shape, storage: dx)
    }
}

/// Calls `body` with the row index `b·T + t` of every frame `t < lengths[b]` of an `[N, T, ·]` buffer (all rows when
/// `lengths` is nil), in row order.
func forEachValidRow(batch n: Int, frames t: Int, lengths: [Int]?, _ body: (Int) -> Void) {
    for b in 0..<n {
        for time in 0..<(lengths?[b] ?? t) { body(b * t + time) }
    }
}
