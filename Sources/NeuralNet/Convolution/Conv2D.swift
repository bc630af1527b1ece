/// A 2-dimensional convolution over a channels-last feature map (PyTorch `nn.Conv2d`, Keras `Conv2D`).
///
/// The input has shape `[N, T, F, C]` (batch, time, frequency, channels); the output has shape `[N, T', F', O]`
/// with, per axis, `X' = ⌊(X - k) / s⌋ + 1` for `.valid` or `X' = ⌈X / s⌉` for `.same`.
///
/// ```
/// y[n, t, f, o] = bias[o] + Σ_i Σ_j Σ_c weight[o, c, i, j] · x[n, t·sT + i − padT, f·sF + j − padF, c]
/// ```
///
/// Computed as im2col followed by one GEMM per chunk of examples (the columns are rebuilt in backward rather than
/// kept, since a spectrogram's columns are `kT·kF` times the size of its input). Weights use PyTorch's layout
/// `weight [O, C, kT, kF]`, `bias [O]`. With valid `lengths` (frames along `T`), frames past an example's length
/// count as zero padding, output frames past its output length are zero, and `.same` padding along time is split by
/// the example's own length, exactly as `Conv1D` does.
public final class Conv2D: Layer {
    /// The options of a Conv2D layer (YAML type `conv2d`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Input channels `C` (> 0).
        public var inputChannels: Int
        /// Output channels `O` (> 0), Keras `filters`.
        public var outputChannels: Int
        /// Window `[kT, kF]` in frames and bins (> 0).
        public var kernelSize: Size2D
        /// Step `[sT, sF]` between outputs (> 0, default `[1, 1]`).
        public var stride = Size2D(1, 1)
        /// `.valid` (default, as Keras) or `.same`, on both axes.
        public var padding: Padding = .valid
        /// Kernel initializer (default `glorot_uniform`, fan-in `C·kT·kF`, fan-out `O·kT·kF`, as Keras).
        public var kernelInitializer: Initializer = .glorotUniform
        /// Bias initializer (default `zeros`).
        public var biasInitializer: Initializer = .zeros

        /// Options with Keras defaults for everything not given.
        public init(inputChannels: Int, outputChannels: Int, kernelSize: Size2D, stride: Size2D = Size2D(1, 1),
                    padding: Padding = .valid) {
            self.inputChannels = inputChannels
            self.outputChannels = outputChannels
            self.kernelSize = kernelSize
            self.stride = stride
            self.padding = padding
        }

        /// YAML keys.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case inputChannels = "input_channels", outputChannels = "output_channels", kernelSize = "kernel_size"
            case stride, padding
            case kernelInitializer = "kernel_initializer", biasInitializer = "bias_initializer"
        }

        /// Decodes the options, filling absent optional keys with their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputChannels = try c.decodeInt(.inputChannels)
            outputChannels = try c.decodeInt(.outputChannels)
            kernelSize = try c.decode(Size2D.self, forKey: .kernelSize)
            stride = try c.decode(.stride, default: Size2D(1, 1))
            padding = try c.decode(.padding, default: .valid)
            kernelInitializer = try c.decode(.kernelInitializer, default: .glorotUniform)
            biasInitializer = try c.decode(.biasInitializer, default: .zeros)
            for (key, size) in [(CodingKeys.kernelSize, kernelSize), (.stride, stride)] where !size.isPositive {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription:
                    "\(key.stringValue) must be > 0 on both axes. Received: \(key.stringValue)=\(size)")
            }
        }
    }

    private struct Cache { let input: Tensor; let inputLengths: [Int]?; let outputLengths: [Int]? }

    /// The options this layer was built with.
    public let configuration: Configuration
    /// `[O, C, kT, kF]` (PyTorch layout).
    public let weight: Parameter
    /// `[O]`.
    public let bias: Parameter
    private var cache: Cache?
    /// The weights as `[O, kT·kF·C]` in im2col column order; reused while `weight` is unchanged.
    private var packedCache = DerivedWeights<[Float]>()

    /// A convolution from `inputChannels` to `outputChannels` with a `kernelSize` window.
    public convenience init(inputChannels: Int, outputChannels: Int, kernelSize: Size2D, stride: Size2D = Size2D(1, 1),
                            padding: Padding = .valid) {
        self.init(Configuration(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                                stride: stride, padding: padding))
    }

    /// A layer built from `configuration`, initialised from a generator seeded with 0.
    public init(_ configuration: Configuration) {
        let c = configuration
        precondition(c.inputChannels > 0 && c.outputChannels > 0 && c.kernelSize.isPositive && c.stride.isPositive,
                     "Conv2D options must be > 0, got \(c)")
        self.configuration = c
        weight = Parameter(name: "weight", value: Tensor(shape: [c.outputChannels, c.inputChannels,
                                                                c.kernelSize.time, c.kernelSize.frequency]))
        bias = Parameter(name: "bias", value: Tensor(shape: [c.outputChannels]))
        var generator = RandomGenerator(seed: 0)
        resetParameters(using: &generator)
    }

    public var parameters: [Parameter] { [weight, bias] }

    private var taps: Int { configuration.kernelSize.time * configuration.kernelSize.frequency }

    public func resetParameters(using generator: inout RandomGenerator) {
        let c = configuration
        let fanIn = c.inputChannels * taps, fanOut = c.outputChannels * taps
        weight.value = c.kernelInitializer.make(shape: weight.value.shape, fanIn: fanIn, fanOut: fanOut, using: &generator)
        bias.value = c.biasInitializer.make(shape: [c.outputChannels], fanIn: fanIn, fanOut: fanOut, using: &generator)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        let c = configuration
        guard inputShape.count == 3, inputShape[2] == c.inputChannels else {
            throw ShapeError("Conv2D expects a [T, F, \(c.inputChannels)] feature map, got \(describe(inputShape))")
        }
        let shape = [c.padding.outputFrames(inputShape[0], span: c.kernelSize.time, stride: c.stride.time),
                     c.padding.outputFrames(inputShape[1], span: c.kernelSize.frequency, stride: c.stride.frequency)]
        guard shape.allSatisfy({ $0 > 0 }) else {
            throw ShapeError("Conv2D with kernel \(c.kernelSize) and .valid padding needs at least \(c.kernelSize) "
                + "frames and bins, got \(describe(Array(inputShape.prefix(2))))")
        }
        return shape + [c.outputChannels]
    }

    public func flopsPerExample(inputShape: [Int]) -> Int {
        guard let shape = try? outputShape(for: inputShape) else { return 0 }
        return 2 * shape[0] * shape[1] * configuration.outputChannels * configuration.inputChannels * taps
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        let cfg = configuration
        precondition(input.rank == 4 && input.shape[3] == cfg.inputChannels,
                     "Conv2D expects [N, T, F, \(cfg.inputChannels)], got \(input.shape)")
        let geometry = Geometry(cfg, inputShape: input.shape, lengths: lengths)
        validateLengths(lengths, batch: geometry.n, frames: geometry.t, layer: "Conv2D")
        let (o, perExample) = (cfg.outputChannels, geometry.outputPlane)
        let bias = bias.value.storage
        var output = [Float](unsafeUninitializedCapacity: geometry.n * perExample * o) { buffer, count in
            for r in 0..<(geometry.n * perExample) { (buffer.baseAddress! + r * o).initialize(from: bias, count: o) }
            count = geometry.n * perExample * o
        }
        let packed = packedWeight()
        for chunk in geometry.chunks {
            let columns = geometry.columns(of: input.storage, examples: chunk)
            BLAS.gemm(transposeB: true, m: chunk.count * perExample, n: o, k: geometry.width, a: columns, lda: geometry.width,
                      b: packed, ldb: geometry.width, beta: 1, c: &output, cOffset: chunk.lowerBound * perExample * o, ldc: o)
        }
        let outLengths = geometry.outputLengths
        if let outLengths { zeroPadding(&output, lengths: outLengths, frames: geometry.outT, channels: geometry.outF * o) }
        cache = mode == .training ? Cache(input: input, inputLengths: lengths, outputLengths: outLengths) : nil
        return (Tensor(shape: [geometry.n, geometry.outT, geometry.outF, o], storage: output), outLengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor { backward(outputGradient, needsInputGradient: true) }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let cache else { preconditionFailure("Conv2D.backward called without a training forward") }
        let cfg = configuration, o = cfg.outputChannels
        let geometry = Geometry(cfg, inputShape: cache.input.shape, lengths: cache.inputLengths)
        let (perExample, width) = (geometry.outputPlane, geometry.width)
        precondition(outputGradient.shape == [geometry.n, geometry.outT, geometry.outF, o],
                     "Conv2D.backward expects \([geometry.n, geometry.outT, geometry.outF, o]), got \(outputGradient.shape)")
        var dY = outputGradient.storage
        if let lengths = cache.outputLengths { zeroPadding(&dY, lengths: lengths, frames: geometry.outT, channels: geometry.outF * o) }
        addColumnSums(dY, rows: geometry.n * perExample, columns: o, into: &bias.gradient.storage)
        let packed = packedWeight()
        var packedGradient = [Float](repeating: 0, count: o * width)
        var inputGradient = [Float](repeating: 0, count: needsInputGradient ? cache.input.count : 0)
        for chunk in geometry.chunks {
            let rows = chunk.count * perExample, offset = chunk.lowerBound * perExample * o
            let columns = geometry.columns(of: cache.input.storage, examples: chunk)
            // ∂L/∂W (column order) += dYᵀ · columns.
            BLAS.gemm(transposeA: true, m: o, n: width, k: rows, a: dY, aOffset: offset, lda: o, b: columns, ldb: width,
                      beta: 1, c: &packedGradient, ldc: width)
            guard needsInputGradient else { continue }
            // ∂L/∂columns = dY · W, then col2im adds each block back to the input cell it was copied from.
            var columnGradient = [Float](repeating: 0, count: rows * width)
            BLAS.gemm(m: rows, n: width, k: o, a: dY, aOffset: offset, lda: o, b: packed, ldb: width,
                      c: &columnGradient, ldc: width)
            geometry.addColumns(columnGradient, examples: chunk, into: &inputGradient)
        }
        let (c, kT, kF) = (cfg.inputChannels, cfg.kernelSize.time, cfg.kernelSize.frequency)
        for oc in 0..<o {
            for ic in 0..<c {
                for i in 0..<kT {
                    for j in 0..<kF {
                        weight.gradient.storage[((oc * c + ic) * kT + i) * kF + j] += packedGradient[oc * width + (i * kF + j) * c + ic]
                    }
                }
            }
        }
        guard needsInputGradient else { return Tensor(shape: [0]) }
        return Tensor(shape: cache.input.shape, storage: inputGradient)
    }

    /// The weights as `[O, kT·kF·C]` (tap-major, channels innermost), matching the im2col column order.
    private func packedWeight() -> [Float] {
        let source = weight.value.storage
        let (o, c, kT, kF) = (configuration.outputChannels, configuration.inputChannels,
                              configuration.kernelSize.time, configuration.kernelSize.frequency)
        return packedCache.value(of: source) {
            var packed = [Float](repeating: 0, count: o * kT * kF * c)
            for oc in 0..<o {
                for ic in 0..<c {
                    for i in 0..<kT {
                        for j in 0..<kF { packed[oc * kT * kF * c + (i * kF + j) * c + ic] = source[((oc * c + ic) * kT + i) * kF + j] }
                    }
                }
            }
            return packed
        }
    }
}
