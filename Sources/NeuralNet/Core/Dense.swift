/// A fully connected layer over the last axis (PyTorch `nn.Linear`, Keras `Dense`).
///
/// The input has shape `[N, …, inputSize]`; the output has shape `[N, …, outputSize]`.
///
/// ```
/// y[r, o] = bias[o] + Σ_i x[r, i] · weight[o, i]
/// ```
///
/// Parameters use PyTorch `state_dict` names and layouts: `weight [outputSize, inputSize]`, `bias [outputSize]`.
public final class Dense: Layer {
    /// The options of a Dense layer (YAML type `dense`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Features per input row (> 0).
        public var inputSize: Int
        /// Features per output row (> 0).
        public var outputSize: Int
        /// Kernel initializer (default `glorot_uniform`, as Keras).
        public var kernelInitializer: Initializer = .glorotUniform
        /// Bias initializer (default `zeros`, as Keras).
        public var biasInitializer: Initializer = .zeros

        /// Options with Keras default initializers.
        public init(inputSize: Int, outputSize: Int) {
            self.inputSize = inputSize
            self.outputSize = outputSize
        }

        /// YAML keys.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case inputSize = "input_size", outputSize = "output_size"
            case kernelInitializer = "kernel_initializer", biasInitializer = "bias_initializer"
        }

        /// Decodes the options, filling absent optional keys with their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputSize = try c.decodeInt(.inputSize)
            outputSize = try c.decodeInt(.outputSize)
            kernelInitializer = try c.decode(.kernelInitializer, default: .glorotUniform)
            biasInitializer = try c.decode(.biasInitializer, default: .zeros)
        }
    }

    private struct Cache { let input: Tensor }

    /// The options this layer was built with.
    public let configuration: Configuration
    /// `[outputSize, inputSize]`.
    public let weight: Parameter
    /// `[outputSize]`.
    public let bias: Parameter
    private var cache: Cache?

    /// A layer mapping `inputSize` features to `outputSize` features.
    public convenience init(inputSize: Int, outputSize: Int) {
        self.init(Configuration(inputSize: inputSize, outputSize: outputSize))
    }

    /// A layer built from `configuration`, initialised from a generator seeded with 0.
    public init(_ configuration: Configuration) {
        precondition(configuration.inputSize > 0 && configuration.outputSize > 0,
                     "Dense sizes must be > 0, got \(configuration.inputSize)→\(configuration.outputSize)")
        self.configuration = configuration
        weight = Parameter(name: "weight", value: Tensor(shape: [configuration.outputSize, configuration.inputSize]))
        bias = Parameter(name: "bias", value: Tensor(shape: [configuration.outputSize]))
        var generator = RandomGenerator(seed: 0)
        resetParameters(using: &generator)
    }

    public var parameters: [Parameter] { [weight, bias] }

    public func resetParameters(using generator: inout RandomGenerator) {
        let (i, o) = (configuration.inputSize, configuration.outputSize)
        weight.value = configuration.kernelInitializer.make(shape: [o, i], fanIn: i, fanOut: o, using: &generator)
        bias.value = configuration.biasInitializer.make(shape: [o], fanIn: i, fanOut: o, using: &generator)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let last = inputShape.last, last == configuration.inputSize else {
            throw ShapeError("Dense expects inputs ending in \(configuration.inputSize) features, got \(describe(inputShape))")
        }
        return inputShape.dropLast() + [configuration.outputSize]
    }

    public func flopsPerExample(inputShape: [Int]) -> Int {
        2 * inputShape.dropLast().reduce(1, *) * configuration.inputSize * configuration.outputSize
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let (i, o) = (configuration.inputSize, configuration.outputSize)
        precondition(input.rank >= 2 && input.shape.last == i, "Dense expects [N, …, \(i)], got \(input.shape)")
        let rows = input.count / i
        var output = [Float](repeating: 0, count: rows * o)
        for r in 0..<rows { for j in 0..<o { output[r * o + j] = bias.value.storage[j] } }
        BLAS.gemm(transposeB: true, m: rows, n: o, k: i, a: input.storage, lda: i, b: weight.value.storage, ldb: i,
                  beta: 1, c: &output, ldc: o)
        cache = mode == .training ? Cache(input: input) : nil
        return Tensor(shape: input.shape.dropLast() + [o], storage: output)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor { backward(outputGradient, needsInputGradient: true) }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let cache else { preconditionFailure("Dense.backward called without a training forward") }
        let (i, o) = (configuration.inputSize, configuration.outputSize)
        let rows = cache.input.count / i
        precondition(outputGradient.count == rows * o, "Dense.backward expects \(rows)×\(o) values, got \(outputGradient.shape)")
        // ∂L/∂W += dYᵀ · X ; ∂L/∂b += Σ_rows dY ; ∂L/∂X = dY · W
        BLAS.gemm(transposeA: true, m: o, n: i, k: rows, a: outputGradient.storage, lda: o, b: cache.input.storage,
                  ldb: i, beta: 1, c: &weight.gradient.storage, ldc: i)
        addColumnSums(outputGradient.storage, rows: rows, columns: o, into: &bias.gradient.storage)
        guard needsInputGradient else { return Tensor(shape: [0]) }
        var inputGradient = [Float](repeating: 0, count: rows * i)
        BLAS.gemm(m: rows, n: i, k: o, a: outputGradient.storage, lda: o, b: weight.value.storage, ldb: i,
                  c: &inputGradient, ldc: i)
        return Tensor(shape: cache.input.shape, storage: inputGradient)
    }
}

/// `sums[j] += Σ_r values[r * columns + j]` (bias gradients). Large sums split their columns across workers; each
/// column is still summed in row order, so the result does not depend on the thread count.
func addColumnSums(_ values: [Float], rows: Int, columns: Int, into sums: inout [Float]) {
    values.withUnsafeBufferPointer { vBuffer in
        sums.withUnsafeMutableBufferPointer { sBuffer in
            nonisolated(unsafe) let (v, s) = (vBuffer, sBuffer)
            let parts = rows * columns >= 1 << 16 ? min(Parallel.workers, columns / 16) : 1
            Parallel.forEach(max(parts, 1)) { part in
                let block = Parallel.slice(part, of: max(parts, 1), total: columns)
                for r in 0..<rows {
                    let row = v.baseAddress! + r * columns
                    for j in block { s[j] += row[j] }
                }
            }
        }
    }
}
