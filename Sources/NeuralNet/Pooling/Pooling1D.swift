/// The options shared by `MaxPool1D` and `AveragePool1D` (YAML types `maxpool1d`, `avgpool1d`).
public struct Pooling1DConfiguration: Codable, Sendable, Equatable {
    /// Frames per window (> 0), Keras `pool_size`.
    public var poolSize: Int
    /// Step between windows (> 0); defaults to `poolSize`, as Keras.
    public var stride: Int
    /// `.valid` (default) or `.same`; padded frames never win a max and are not counted in an average (Keras).
    public var padding: Padding = .valid

    /// Options with `stride = poolSize` unless given.
    public init(poolSize: Int, stride: Int? = nil, padding: Padding = .valid) {
        self.poolSize = poolSize
        self.stride = stride ?? poolSize
        self.padding = padding
    }

    /// YAML keys.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case poolSize = "pool_size", stride, padding
    }

    /// Decodes the options, filling absent optional keys with their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        poolSize = try c.decodeInt(.poolSize)
        stride = try c.decodeInt(.stride, default: poolSize)
        padding = try c.decode(.padding, default: .valid)
    }

    func outputShape(for inputShape: [Int], layer: String) throws -> [Int] {
        guard inputShape.count == 2 else {
            throw ShapeError("\(layer) expects a [T, C] sequence input, got \(describe(inputShape))")
        }
        let frames = padding.outputFrames(inputShape[0], span: poolSize, stride: stride)
        guard frames > 0 else {
            throw ShapeError("\(layer) with pool size \(poolSize) and .valid padding needs at least \(poolSize) frames, got \(inputShape[0])")
        }
        return [frames, inputShape[1]]
    }

    /// Visits each output frame `f < T'(length)` of example `b` with the valid input range of its window.
    func forEachWindow(frames t: Int, lengths: [Int]?, batch b: Int, _ body: (_ f: Int, _ range: Range<Int>) -> Void) {
        let outFrames = padding.outputFrames(t, span: poolSize, stride: stride)
        let valid = lengths?[b] ?? t
        // `.same` padding is split by the example's own length, as for that clip alone (matters for stride > 1).
        let padLeft = padding.leftPadding(valid, span: poolSize, stride: stride)
        let count = min(outFrames, padding.outputFrames(valid, span: poolSize, stride: stride))
        for f in 0..<count {
            let start = f * stride - padLeft
            body(f, max(0, start)..<min(valid, start + poolSize))
        }
    }
}

/// Max pooling over time: `[N, T, C] → [N, T', C]` with `T'` as for a convolution of span `poolSize`.
///
/// ```
/// y[n, t, c] = max_{j < poolSize} x[n, t · stride + j - padLeft, c]   (padding and frames ≥ length excluded)
/// ```
public final class MaxPool1D: Layer {
    /// The options of this layer (YAML type `maxpool1d`).
    public typealias Configuration = Pooling1DConfiguration
    private struct Cache { let inputShape: [Int]; let argmax: [Int32] }

    /// The options this layer was built with.
    public let configuration: Configuration
    private var cache: Cache?

    /// Pools windows of `poolSize` frames every `stride` (default `poolSize`) frames.
    public convenience init(poolSize: Int, stride: Int? = nil, padding: Padding = .valid) {
        self.init(Configuration(poolSize: poolSize, stride: stride, padding: padding))
    }

    /// A layer built from `configuration`.
    public init(_ configuration: Configuration) {
        precondition(configuration.poolSize > 0 && configuration.stride > 0, "MaxPool1D options must be > 0, got \(configuration)")
        self.configuration = configuration
    }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        try configuration.outputShape(for: inputShape, layer: "MaxPool1D")
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        precondition(input.rank == 3, "MaxPool1D expects [N, T, C], got \(input.shape)")
        let (n, t, c) = (input.shape[0], input.shape[1], input.shape[2])
        validateLengths(lengths, batch: n, frames: t, layer: "MaxPool1D")
        let cfg = configuration
        let outFrames = cfg.padding.outputFrames(t, span: cfg.poolSize, stride: cfg.stride)
        var output = [Float](repeating: 0, count: n * outFrames * c)
        let training = mode == .training
        var argmax = [Int32](repeating: -1, count: training ? output.count : 0)
        input.storage.withUnsafeBufferPointer { xBuffer in
        output.withUnsafeMutableBufferPointer { yBuffer in
        argmax.withUnsafeMutableBufferPointer { aBuffer in
            nonisolated(unsafe) let (x, y, a) = (xBuffer.baseAddress!, yBuffer.baseAddress!, aBuffer.baseAddress)
            let parts = n * t * c >= 1 << 16 ? min(Parallel.workers, n) : 1
            Parallel.forEach(parts) { part in
            for b in Parallel.slice(part, of: parts, total: n) {
                cfg.forEachWindow(frames: t, lengths: lengths, batch: b) { f, range in
                    guard !range.isEmpty else { return }
                    // Channel-inner loops over contiguous frames, so the comparison vectorises.
                    let out = y + (b * outFrames + f) * c, first = (b * t + range.lowerBound) * c
                    out.update(from: x + first, count: c)
                    guard training else {
                        for frame in (range.lowerBound + 1)..<range.upperBound {
                            let source = x + (b * t + frame) * c
                            for ch in 0..<c { out[ch] = max(out[ch], source[ch]) }
                        }
                        return
                    }
                    // SIMD running max and index; the first maximal frame wins ties (as PyTorch).
                    let best = a! + (b * outFrames + f) * c
                    for ch in 0..<c { best[ch] = Int32(truncatingIfNeeded: first + ch) }
                    for frame in (range.lowerBound + 1)..<range.upperBound {
                        let offset = (b * t + frame) * c
                        updateMaximum(out, indices: best, source: x + offset, index: Int32(truncatingIfNeeded: offset), count: c)
                    }
                }
            }
            }
        }}}
        cache = mode == .training ? Cache(inputShape: input.shape, argmax: argmax) : nil
        let outLengths = lengths.map { $0.map { min(outFrames, cfg.padding.outputFrames($0, span: cfg.poolSize, stride: cfg.stride)) } }
        return (Tensor(shape: [n, outFrames, c], storage: output), outLengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("MaxPool1D.backward called without a training forward") }
        precondition(outputGradient.count == cache.argmax.count,
                     "MaxPool1D.backward expects \(cache.argmax.count) values, got \(outputGradient.shape)")
        var inputGradient = [Float](repeating: 0, count: cache.inputShape.reduce(1, *))
        // Each example's argmax points into its own input frames, so examples scatter independently.
        let n = cache.inputShape[0], perExample = cache.argmax.count / max(n, 1)
        cache.argmax.withUnsafeBufferPointer { aBuffer in
        outputGradient.storage.withUnsafeBufferPointer { dyBuffer in
        inputGradient.withUnsafeMutableBufferPointer { dxBuffer in
            nonisolated(unsafe) let (argmax, dy, dx) = (aBuffer, dyBuffer, dxBuffer)
            let parts = dxBuffer.count >= 1 << 16 ? min(Parallel.workers, n) : 1
            Parallel.forEach(parts) { part in
                let examples = Parallel.slice(part, of: parts, total: n)
                for i in (examples.lowerBound * perExample)..<(examples.upperBound * perExample) where argmax[i] >= 0 {
                    dx[Int(argmax[i])] += dy[i]
                }
            }
        }}}
        return Tensor(shape: cache.inputShape, storage: inputGradient)
    }
}

/// Average pooling over time: `[N, T, C] → [N, T', C]`, each window averaged over its non-padded frames (Keras).
public final class AveragePool1D: Layer {
    /// The options of this layer (YAML type `avgpool1d`).
    public typealias Configuration = Pooling1DConfiguration
    private struct Cache { let inputShape: [Int]; let lengths: [Int]? }

    /// The options this layer was built with.
    public let configuration: Configuration
    private var cache: Cache?

    /// Averages windows of `poolSize` frames every `stride` (default `poolSize`) frames.
    public convenience init(poolSize: Int, stride: Int? = nil, padding: Padding = .valid) {
        self.init(Configuration(poolSize: poolSize, stride: stride, padding: padding))
    }

    /// A layer built from `configuration`.
    public init(_ configuration: Configuration) {
        precondition(configuration.poolSize > 0 && configuration.stride > 0, "AveragePool1D options must be > 0, got \(configuration)")
        self.configuration = configuration
    }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        try configuration.outputShape(for: inputShape, layer: "AveragePool1D")
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        precondition(input.rank == 3, "AveragePool1D expects [N, T, C], got \(input.shape)")
        let (n, t, c) = (input.shape[0], input.shape[1], input.shape[2])
        validateLengths(lengths, batch: n, frames: t, layer: "AveragePool1D")
        let cfg = configuration
        let outFrames = cfg.padding.outputFrames(t, span: cfg.poolSize, stride: cfg.stride)
        var output = [Float](repeating: 0, count: n * outFrames * c)
        for b in 0..<n {
            cfg.forEachWindow(frames: t, lengths: lengths, batch: b) { f, range in
                guard !range.isEmpty else { return }
                let out = (b * outFrames + f) * c, scale = 1 / Float(range.count)
                for frame in range {
                    for ch in 0..<c { output[out + ch] += input.storage[(b * t + frame) * c + ch] * scale }
                }
            }
        }
        cache = mode == .training ? Cache(inputShape: input.shape, lengths: lengths) : nil
        let outLengths = lengths.map { $0.map { min(outFrames, cfg.padding.outputFrames($0, span: cfg.poolSize, stride: cfg.stride)) } }
        return (Tensor(shape: [n, outFrames, c], storage: output), outLengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("AveragePool1D.backward called without a training forward") }
        let (n, t, c) = (cache.inputShape[0], cache.inputShape[1], cache.inputShape[2])
        let cfg = configuration
        let outFrames = cfg.padding.outputFrames(t, span: cfg.poolSize, stride: cfg.stride)
        precondition(outputGradient.shape == [n, outFrames, c],
                     "AveragePool1D.backward expects \([n, outFrames, c]), got \(outputGradient.shape)")
        var inputGradient = [Float](repeating: 0, count: n * t * c)
        for b in 0..<n {
            cfg.forEachWindow(frames: t, lengths: cache.lengths, batch: b) { f, range in
                guard !range.isEmpty else { return }
                let out = (b * outFrames + f) * c, scale = 1 / Float(range.count)
                for frame in range {
                    for ch in 0..<c { inputGradient[(b * t + frame) * c + ch] += outputGradient.storage[out + ch] * scale }
                }
            }
        }
        return Tensor(shape: cache.inputShape, storage: inputGradient)
    }
}
