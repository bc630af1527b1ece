/// A 1-dimensional convolution over a channels-last sequence (PyTorch `nn.Conv1d`, Keras `Conv1D`).
///
/// The input has shape `[N, T, C]`; the output has shape `[N, T', O]` with `span = dilation · (kernelSize - 1) + 1`
/// and `T' = ⌊(T - span) / stride⌋ + 1` for `.valid` or `T' = ⌈T / stride⌉` for `.same`.
///
/// ```
/// y[n, t, o] = bias[o] + Σ_k Σ_c weight[o, c, k] · x[n, t · stride + k · dilation - padLeft, c]
/// ```
///
/// Computed as im2col followed by one GEMM. Weights use PyTorch's layout `weight [O, C, kernelSize]`, `bias [O]`.
/// With valid `lengths`, input frames past an example's length count as zero padding, and output frames past
/// `⌈length / stride⌉` (`.same`) or `⌊(length − span) / stride⌋ + 1` (`.valid`) are zero; each example's `.same`
/// padding is split by its own length, so a padded clip gives the same frames as the clip alone.
public final class Conv1D: Layer {
    /// The options of a Conv1D layer (YAML type `conv1d`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Input channels `C` (> 0).
        public var inputChannels: Int
        /// Output channels `O` (> 0), Keras `filters`.
        public var outputChannels: Int
        /// Width of each filter in frames (> 0).
        public var kernelSize: Int
        /// Step between output frames in input frames (> 0, default 1).
        public var stride: Int = 1
        /// Spacing between kernel taps in frames (> 0, default 1).
        public var dilation: Int = 1
        /// `.valid` (default, as Keras) or `.same`.
        public var padding: Padding = .valid
        /// Kernel initializer (default `glorot_uniform`, fan-in `C·k`, fan-out `O·k`, as Keras).
        public var kernelInitializer: Initializer = .glorotUniform
        /// Bias initializer (default `zeros`).
        public var biasInitializer: Initializer = .zeros

        /// Options with Keras defaults for everything not given.
        public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, dilation: Int = 1,
                    padding: Padding = .valid) {
            self.inputChannels = inputChannels
            self.outputChannels = outputChannels
            self.kernelSize = kernelSize
            self.stride = stride
            self.dilation = dilation
            self.padding = padding
        }

        /// YAML keys.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case inputChannels = "input_channels", outputChannels = "output_channels", kernelSize = "kernel_size"
            case stride, dilation, padding
            case kernelInitializer = "kernel_initializer", biasInitializer = "bias_initializer"
        }

        /// Decodes the options, filling absent optional keys with their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputChannels = try c.decodeInt(.inputChannels)
            outputChannels = try c.decodeInt(.outputChannels)
            kernelSize = try c.decodeInt(.kernelSize)
            stride = try c.decodeInt(.stride, default: 1)
            dilation = try c.decodeInt(.dilation, default: 1)
            padding = try c.decode(.padding, default: .valid)
            kernelInitializer = try c.decode(.kernelInitializer, default: .glorotUniform)
            biasInitializer = try c.decode(.biasInitializer, default: .zeros)
        }
    }

    private struct Cache {
        let inputShape: [Int]
        let columns: [Float]        // im2col matrix [N·T', k·C], tap-major
        let inputLengths: [Int]?
        let outputLengths: [Int]?
    }

    /// The options this layer was built with.
    public let configuration: Configuration
    /// `[O, C, kernelSize]` (PyTorch layout).
    public let weight: Parameter
    /// `[O]`.
    public let bias: Parameter
    private var cache: Cache?
    /// The tap-major weights and the PyTorch-layout weights they were made from; reused while `weight` is unchanged.
    private var packedCache = DerivedWeights<[Float]>()

    /// A convolution from `inputChannels` to `outputChannels`.
    public convenience init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
                            dilation: Int = 1, padding: Padding = .valid) {
        self.init(Configuration(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                                stride: stride, dilation: dilation, padding: padding))
    }

    /// A layer built from `configuration`, initialised from a generator seeded with 0.
    public init(_ configuration: Configuration) {
        let c = configuration
        precondition(c.inputChannels > 0 && c.outputChannels > 0 && c.kernelSize > 0 && c.stride > 0 && c.dilation > 0,
                     "Conv1D options must be > 0, got \(c)")
        self.configuration = c
        weight = Parameter(name: "weight", value: Tensor(shape: [c.outputChannels, c.inputChannels, c.kernelSize]))
        bias = Parameter(name: "bias", value: Tensor(shape: [c.outputChannels]))
        var generator = RandomGenerator(seed: 0)
        resetParameters(using: &generator)
    }

    public var parameters: [Parameter] { [weight, bias] }

    private var span: Int { configuration.dilation * (configuration.kernelSize - 1) + 1 }

    public func resetParameters(using generator: inout RandomGenerator) {
        let c = configuration
        let fanIn = c.inputChannels * c.kernelSize, fanOut = c.outputChannels * c.kernelSize
        weight.value = c.kernelInitializer.make(shape: weight.value.shape, fanIn: fanIn, fanOut: fanOut, using: &generator)
        bias.value = c.biasInitializer.make(shape: [c.outputChannels], fanIn: fanIn, fanOut: fanOut, using: &generator)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        let c = configuration
        guard inputShape.count == 2, inputShape[1] == c.inputChannels else {
            throw ShapeError("Conv1D expects a [T, \(c.inputChannels)] sequence input, got \(describe(inputShape))")
        }
        let frames = c.padding.outputFrames(inputShape[0], span: span, stride: c.stride)
        guard frames > 0 else {
            throw ShapeError("Conv1D with kernel span \(span) and .valid padding needs at least \(span) frames, got \(inputShape[0])")
        }
        return [frames, c.outputChannels]
    }

    public func flopsPerExample(inputShape: [Int]) -> Int {
        guard let shape = try? outputShape(for: inputShape) else { return 0 }
        return 2 * shape[0] * configuration.outputChannels * configuration.inputChannels * configuration.kernelSize
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        forward(input, lengths: nil, mode: mode).output
    }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        let cfg = configuration
        precondition(input.rank == 3 && input.shape[2] == cfg.inputChannels,
                     "Conv1D expects [N, T, \(cfg.inputChannels)], got \(input.shape)")
        let (n, t, c, o, k) = (input.shape[0], input.shape[1], cfg.inputChannels, cfg.outputChannels, cfg.kernelSize)
        validateLengths(lengths, batch: n, frames: t, layer: "Conv1D")
        let outFrames = cfg.padding.outputFrames(t, span: span, stride: cfg.stride)
        let padLeft = leftPadding(batch: n, frames: t, lengths: lengths)
        let outLengths = lengths.map { $0.map { min(outFrames, cfg.padding.outputFrames($0, span: span, stride: cfg.stride)) } }
        let width = k * c
        // Every tap of every row is written unless padding or lengths leave gaps, which must read as zeros.
        let dense = lengths == nil && cfg.padding == .valid
        var columns = dense
            ? [Float](unsafeUninitializedCapacity: n * outFrames * width) { $1 = n * outFrames * width }
            : [Float](repeating: 0, count: n * outFrames * width)
        input.storage.withUnsafeBufferPointer { xBuffer in
            columns.withUnsafeMutableBufferPointer { colsBuffer in
                nonisolated(unsafe) let (x, cols) = (xBuffer.baseAddress!, colsBuffer.baseAddress!)
                let parts = min(Parallel.workers, n)
                Parallel.forEach(parts) { part in
                    for b in Parallel.slice(part, of: parts, total: n) {
                        let valid = lengths?[b] ?? t
                        for f in 0..<outFrames {
                            let row = cols + (b * outFrames + f) * width
                            for tap in 0..<k {
                                let source = f * cfg.stride + tap * cfg.dilation - padLeft[b]
                                guard source >= 0, source < valid else { continue }
                                (row + tap * c).update(from: x + (b * t + source) * c, count: c)
                            }
                        }
                    }
                }
            }
        }
        let bias = bias.value.storage
        var output = [Float](unsafeUninitializedCapacity: n * outFrames * o) { buffer, count in
            for r in 0..<(n * outFrames) { (buffer.baseAddress! + r * o).initialize(from: bias, count: o) }
            count = n * outFrames * o
        }
        BLAS.gemm(transposeB: true, m: n * outFrames, n: o, k: width, a: columns, lda: width, b: packedWeight(),
                  ldb: width, beta: 1, c: &output, ldc: o)
        if let outLengths { zeroPadding(&output, lengths: outLengths, frames: outFrames, channels: o) }
        cache = mode == .training ? Cache(inputShape: input.shape, columns: columns, inputLengths: lengths, outputLengths: outLengths) : nil
        return (Tensor(shape: [n, outFrames, o], storage: output), outLengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor { backward(outputGradient, needsInputGradient: true) }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let cache else { preconditionFailure("Conv1D.backward called without a training forward") }
        let cfg = configuration
        let (n, t, c, o, k) = (cache.inputShape[0], cache.inputShape[1], cfg.inputChannels, cfg.outputChannels, cfg.kernelSize)
        let outFrames = cfg.padding.outputFrames(t, span: span, stride: cfg.stride)
        precondition(outputGradient.shape == [n, outFrames, o],
                     "Conv1D.backward expects \([n, outFrames, o]), got \(outputGradient.shape)")
        let padLeft = leftPadding(batch: n, frames: t, lengths: cache.inputLengths)
        let width = k * c, rows = n * outFrames
        var dY = outputGradient.storage
        if let lengths = cache.outputLengths { zeroPadding(&dY, lengths: lengths, frames: outFrames, channels: o) }
        // ∂L/∂W (tap-major) = dYᵀ · columns, then scattered into the PyTorch [O, C, k] layout.
        var packedGradient = stateBuffer(count: o * width, zeroed: false)
        BLAS.gemm(transposeA: true, m: o, n: width, k: rows, a: dY, lda: o, b: cache.columns, ldb: width,
                  c: &packedGradient, ldc: width)
        for oc in 0..<o {
            for tap in 0..<k {
                for ic in 0..<c { weight.gradient.storage[(oc * c + ic) * k + tap] += packedGradient[oc * width + tap * c + ic] }
            }
        }
        addColumnSums(dY, rows: rows, columns: o, into: &bias.gradient.storage)
        guard needsInputGradient else { return Tensor(shape: [0]) }
        // ∂L/∂columns = dY · W, then col2im adds each column block back to the frame it was copied from.
        var columnGradient = stateBuffer(count: rows * width, zeroed: false)
        BLAS.gemm(m: rows, n: width, k: o, a: dY, lda: o, b: packedWeight(), ldb: width, c: &columnGradient, ldc: width)
        var inputGradient = [Float](repeating: 0, count: n * t * c)
        columnGradient.withUnsafeBufferPointer { dColsBuffer in
            inputGradient.withUnsafeMutableBufferPointer { dxBuffer in
                nonisolated(unsafe) let (dCols, dx) = (dColsBuffer.baseAddress!, dxBuffer.baseAddress!)
                let parts = min(Parallel.workers, n)
                Parallel.forEach(parts) { part in
                    for b in Parallel.slice(part, of: parts, total: n) {
                        let valid = cache.inputLengths?[b] ?? t
                        for f in 0..<outFrames {
                            let row = dCols + (b * outFrames + f) * width
                            for tap in 0..<k {
                                let source = f * cfg.stride + tap * cfg.dilation - padLeft[b]
                                guard source >= 0, source < valid else { continue }
                                let target = dx + (b * t + source) * c, block = row + tap * c
                                for ic in 0..<c { target[ic] += block[ic] }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: cache.inputShape, storage: inputGradient)
    }

    /// Frames of `.same` padding before each example's first frame. With lengths, each example is padded as if it
    /// were alone (Keras and PyTorch split `.same` padding by the clip's own length, which matters for `stride > 1`).
    private func leftPadding(batch n: Int, frames t: Int, lengths: [Int]?) -> [Int] {
        let cfg = configuration
        return (lengths ?? [Int](repeating: t, count: n)).map { cfg.padding.leftPadding($0, span: span, stride: cfg.stride) }
    }

    /// The weights as `[O, k·C]`, tap-major, matching the im2col column order (kept while `weight` is unchanged).
    private func packedWeight() -> [Float] {
        let source = weight.value.storage
        let (o, c, k) = (configuration.outputChannels, configuration.inputChannels, configuration.kernelSize)
        return packedCache.value(of: source) {
            var packed = [Float](repeating: 0, count: o * k * c)
            for oc in 0..<o {
                for ic in 0..<c {
                    for tap in 0..<k { packed[oc * k * c + tap * c + ic] = source[(oc * c + ic) * k + tap] }
                }
            }
            return packed
        }
    }
}

/// Sets frames `t ≥ lengths[n]` of an `[N, frames, channels]` buffer to zero.
func zeroPadding(_ values: inout [Float], lengths: [Int], frames: Int, channels: Int) {
    for (b, length) in lengths.enumerated() where length < frames {
        for i in ((b * frames + length) * channels)..<((b + 1) * frames * channels) { values[i] = 0 }
    }
}
