/// The options shared by `MaxPool2D` and `AveragePool2D` (YAML types `maxpool2d`, `avgpool2d`).
public struct Pooling2DConfiguration: Codable, Sendable, Equatable {
    /// Window `[pT, pF]` in frames and bins (> 0), Keras `pool_size`, PyTorch `kernel_size`.
    public var poolSize: Size2D
    /// Step between windows (> 0); defaults to `poolSize`, as Keras and PyTorch.
    public var stride: Size2D
    /// `.valid` (default) or `.same`; padded cells never win a max and are not counted in an average (Keras).
    public var padding: Padding = .valid

    /// Options with `stride = poolSize` unless given.
    public init(poolSize: Size2D, stride: Size2D? = nil, padding: Padding = .valid) {
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
        poolSize = try c.decode(Size2D.self, forKey: .poolSize)
        stride = try c.decode(.stride, default: poolSize)
        padding = try c.decode(.padding, default: .valid)
        for (key, size) in [(CodingKeys.poolSize, poolSize), (.stride, stride)] where !size.isPositive {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription:
                "\(key.stringValue) must be > 0 on both axes. Received: \(key.stringValue)=\(size)")
        }
    }

    func outputShape(for inputShape: [Int], layer: String) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw ShapeError("\(layer) expects a [T, F, C] feature map, got \(describe(inputShape))")
        }
        let shape = [padding.outputFrames(inputShape[0], span: poolSize.time, stride: stride.time),
                     padding.outputFrames(inputShape[1], span: poolSize.frequency, stride: stride.frequency)]
        guard shape.allSatisfy({ $0 > 0 }) else {
            throw ShapeError("\(layer) with pool size \(poolSize) and .valid padding needs at least \(poolSize) frames "
                + "and bins, got \(describe(Array(inputShape.prefix(2))))")
        }
        return shape + [inputShape[2]]
    }

    func geometry(_ input: Tensor, lengths: [Int]?, layer: String) -> Geometry {
        precondition(input.rank == 4, "\(layer) expects [N, T, F, C], got \(input.shape)")
        validateLengths(lengths, batch: input.shape[0], frames: input.shape[1], layer: layer)
        return Geometry(inputShape: input.shape, kernel: poolSize, stride: stride, padding: padding, lengths: lengths)
    }
}

/// Max pooling over time and frequency: `[N, T, F, C] → [N, T', F', C]` (PyTorch `MaxPool2d`, Keras `MaxPooling2D`).
///
/// ```
/// y[n, t, f, c] = max_{i < pT, j < pF} x[n, t·sT + i − padT, f·sF + j − padF, c]   (padding, frames ≥ length excluded)
/// ```
public final class MaxPool2D: Layer {
    /// The options of this layer (YAML type `maxpool2d`).
    public typealias Configuration = Pooling2DConfiguration
    private struct Cache { let inputShape: [Int]; let argmax: [Int32] }

    /// The options this layer was built with.
    public let configuration: Configuration
    private var cache: Cache?

    /// Pools `poolSize` windows every `stride` (default `poolSize`).
    public convenience init(poolSize: Size2D, stride: Size2D? = nil, padding: Padding = .valid) {
        self.init(Configuration(poolSize: poolSize, stride: stride, padding: padding))
    }

    /// A layer built from `configuration`.
    public init(_ configuration: Configuration) {
        precondition(configuration.poolSize.isPositive && configuration.stride.isPositive,
                     "MaxPool2D options must be > 0, got \(configuration)")
        self.configuration = configuration
    }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        try configuration.outputShape(for: inputShape, layer: "MaxPool2D")
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        let g = configuration.geometry(input, lengths: lengths, layer: "MaxPool2D")
        var output = [Float](repeating: 0, count: g.n * g.outputPlane * g.c)
        var argmax = [Int32](repeating: -1, count: output.count)
        let x = input.storage, c = g.c
        for b in 0..<g.n {
            for ot in 0..<min(g.outT, g.outputFramesOf(b)) {
                for of in 0..<g.outF {
                    let out = ((b * g.outT + ot) * g.outF + of) * c
                    // The first maximal cell in window order wins ties, as PyTorch.
                    g.forEachTap(b: b, ot: ot, of: of) { _, source in
                        for ch in 0..<c where argmax[out + ch] < 0 || x[source + ch] > output[out + ch] {
                            output[out + ch] = x[source + ch]
                            argmax[out + ch] = Int32(truncatingIfNeeded: source + ch)
                        }
                    }
                }
            }
        }
        cache = mode == .training ? Cache(inputShape: input.shape, argmax: argmax) : nil
        return (Tensor(shape: [g.n, g.outT, g.outF, c], storage: output), g.outputLengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("MaxPool2D.backward called without a training forward") }
        precondition(outputGradient.count == cache.argmax.count,
                     "MaxPool2D.backward expects \(cache.argmax.count) values, got \(outputGradient.shape)")
        var inputGradient = [Float](repeating: 0, count: cache.inputShape.reduce(1, *))
        for (i, source) in cache.argmax.enumerated() where source >= 0 { inputGradient[Int(source)] += outputGradient.storage[i] }
        return Tensor(shape: cache.inputShape, storage: inputGradient)
    }
}

/// Average pooling over time and frequency: `[N, T, F, C] → [N, T', F', C]`, each window averaged over its
/// non-padded cells (Keras `AveragePooling2D`; PyTorch `AvgPool2d` with `count_include_pad=False`).
public final class AveragePool2D: Layer {
    /// The options of this layer (YAML type `avgpool2d`).
    public typealias Configuration = Pooling2DConfiguration
    private struct Cache { let inputShape: [Int]; let lengths: [Int]? }

    /// The options this layer was built with.
    public let configuration: Configuration
    private var cache: Cache?

    /// Averages `poolSize` windows every `stride` (default `poolSize`).
    public convenience init(poolSize: Size2D, stride: Size2D? = nil, padding: Padding = .valid) {
        self.init(Configuration(poolSize: poolSize, stride: stride, padding: padding))
    }

    /// A layer built from `configuration`.
    public init(_ configuration: Configuration) {
        precondition(configuration.poolSize.isPositive && configuration.stride.isPositive,
                     "AveragePool2D options must be > 0, got \(configuration)")
        self.configuration = configuration
    }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        try configuration.outputShape(for: inputShape, layer: "AveragePool2D")
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        let g = configuration.geometry(input, lengths: lengths, layer: "AveragePool2D")
        var output = [Float](repeating: 0, count: g.n * g.outputPlane * g.c)
        let x = input.storage, c = g.c
        forEachWindow(g) { out, sources in
            let scale = 1 / Float(sources.count)
            for source in sources { for ch in 0..<c { output[out + ch] += x[source + ch] * scale } }
        }
        cache = mode == .training ? Cache(inputShape: input.shape, lengths: lengths) : nil
        return (Tensor(shape: [g.n, g.outT, g.outF, c], storage: output), g.outputLengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("AveragePool2D.backward called without a training forward") }
        let g = Geometry(inputShape: cache.inputShape, kernel: configuration.poolSize, stride: configuration.stride,
                         padding: configuration.padding, lengths: cache.lengths)
        precondition(outputGradient.shape == [g.n, g.outT, g.outF, g.c],
                     "AveragePool2D.backward expects \([g.n, g.outT, g.outF, g.c]), got \(outputGradient.shape)")
        var inputGradient = [Float](repeating: 0, count: cache.inputShape.reduce(1, *))
        let dy = outputGradient.storage, c = g.c
        forEachWindow(g) { out, sources in
            let scale = 1 / Float(sources.count)
            for source in sources { for ch in 0..<c { inputGradient[source + ch] += dy[out + ch] * scale } }
        }
        return Tensor(shape: cache.inputShape, storage: inputGradient)
    }

    /// Calls `body(outputOffset, sourceOffsets)` for every output cell before its example's output length whose
    /// window covers at least one real input cell.
    private func forEachWindow(_ g: Geometry, _ body: (Int, [Int]) -> Void) {
        var sources: [Int] = []
        for b in 0..<g.n {
            for ot in 0..<min(g.outT, g.outputFramesOf(b)) {
                for of in 0..<g.outF {
                    sources.removeAll(keepingCapacity: true)
                    g.forEachTap(b: b, ot: ot, of: of) { _, source in sources.append(source) }
                    if !sources.isEmpty { body(((b * g.outT + ot) * g.outF + of) * g.c, sources) }
                }
            }
        }
    }
}
