/// A residual block: a stack of layers whose output is added to its input (He et al. 2016, "Deep Residual Learning
/// for Image Recognition").
///
/// ```
/// y = F(x) + x          identity, when F keeps the shape
/// y = F(x) + P(x)       projection, when F changes channels or downsamples by an integer stride
/// ```
///
/// `P` is a 1×1 convolution with the stride that matches `F`'s output (`Conv2D` on `[T, F, C]` maps, `Conv1D` on
/// `[T, C]` sequences) or a `Dense` layer on `[C]` vectors, as the ResNet "option B" shortcut. Parameter names nest
/// like a `torch.nn.Sequential` inside a `Sequential`: the inner layers' are prefixed with their index (`0.weight`,
/// `2.bias`) and the projection's with `projection.` (so `4.0.weight`, `4.projection.weight` in a model).
/// Valid lengths flow through `F` (and `P`); output frames past an example's length are zero.
public final class Residual: Layer {
    /// How the shortcut is formed.
    public enum Projection: String, Codable, Sendable, CaseIterable {
        /// Identity when `F` keeps the shape, else a projection (the default).
        case auto
        /// Identity only: a block whose `F` changes the shape is an error.
        case none
    }

    private struct Cache { let lengths: [Int]?; let outputShape: [Int] }

    /// The layers of `F`, in order.
    public let layers: [any Layer]
    /// `P`, or `nil` for the identity shortcut.
    public let projection: (any Layer)?
    private let inputShape: [Int]
    private var cache: Cache?

    /// A block over `layers` for per-example inputs of `inputShape` (without `N`).
    ///
    /// - Throws: `ShapeError` if a layer cannot take its input, or the shortcut cannot match `F`'s output.
    public init(_ layers: [any Layer], inputShape: [Int], projection: Projection = .auto) throws {
        precondition(!layers.isEmpty, "Residual needs at least one layer")
        self.layers = layers
        self.inputShape = inputShape
        let output = try Self.innerShape(layers, inputShape: inputShape)
        self.projection = output == inputShape ? nil : try Self.makeProjection(from: inputShape, to: output, mode: projection)
        for (index, layer) in layers.enumerated() {
            for tensor in layer.parameters + layer.buffers { tensor.nest(under: "\(index)") }
        }
        for tensor in (self.projection?.parameters ?? []) + (self.projection?.buffers ?? []) { tensor.nest(under: "projection") }
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) + (projection?.parameters ?? []) }
    public var buffers: [Parameter] { layers.flatMap(\.buffers) + (projection?.buffers ?? []) }

    public func resetParameters(using generator: inout RandomGenerator) {
        for layer in layers { layer.resetParameters(using: &generator) }
        projection?.resetParameters(using: &generator)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape == self.inputShape else {
            throw ShapeError("Residual was built for \(describe(self.inputShape)) inputs, got \(describe(inputShape))")
        }
        return try Self.innerShape(layers, inputShape: inputShape)
    }

    public func flopsPerExample(inputShape: [Int]) -> Int {
        guard let shapes = try? Sequential.inferShapes(layers, inputShape: inputShape) else { return 0 }
        let inner = zip(layers, [inputShape] + shapes.dropLast()).reduce(0) { $0 + $1.0.flopsPerExample(inputShape: $1.1) }
        return inner + (projection?.flopsPerExample(inputShape: inputShape) ?? 0)
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        precondition(Array(input.shape.dropFirst()) == inputShape, "Residual expects [N] + \(inputShape), got \(input.shape)")
        var (output, outLengths) = (input, lengths)
        for layer in layers { (output, outLengths) = layer.forward(output, lengths: outLengths, mode: mode) }
        let shortcut = projection?.forward(input, lengths: lengths, mode: mode).output ?? input
        precondition(shortcut.shape == output.shape, "Residual shortcut \(shortcut.shape) does not match \(output.shape)")
        var sum = output.storage
        for i in sum.indices { sum[i] += shortcut.storage[i] }
        if let outLengths, output.rank >= 3 {
            zeroPadding(&sum, lengths: outLengths, frames: output.shape[1], channels: output.count / max(1, output.shape[0] * output.shape[1]))
        }
        cache = mode == .training ? Cache(lengths: output.rank >= 3 ? outLengths : nil, outputShape: output.shape) : nil
        return (Tensor(shape: output.shape, storage: sum), outLengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("Residual.backward called without a training forward") }
        precondition(outputGradient.shape == cache.outputShape,
                     "Residual.backward expects \(cache.outputShape), got \(outputGradient.shape)")
        var dy = outputGradient
        if let lengths = cache.lengths {
            let s = cache.outputShape
            zeroPadding(&dy.storage, lengths: lengths, frames: s[1], channels: dy.count / max(1, s[0] * s[1]))
        }
        // ∂L/∂x = ∂F/∂x · dy + ∂P/∂x · dy (or dy itself for the identity).
        var inner = dy
        for layer in layers.reversed() { inner = layer.backward(inner) }
        let shortcut = projection?.backward(dy) ?? dy
        for i in inner.storage.indices { inner.storage[i] += shortcut.storage[i] }
        return inner
    }

    private static func innerShape(_ layers: [any Layer], inputShape: [Int]) throws -> [Int] {
        do {
            return try Sequential.inferShapes(layers, inputShape: inputShape).last ?? inputShape
        } catch let error as ShapeError {
            throw ShapeError("inside Residual: \(error.description)")
        }
    }

    /// The 1×1 convolution (or Dense) that maps `input` to `output`, if channels and an integer stride can.
    private static func makeProjection(from input: [Int], to output: [Int], mode: Projection) throws -> any Layer {
        let failure = ShapeError("Residual layers map \(describe(input)) to \(describe(output)); "
            + (mode == .none ? "projection: none needs them to keep the shape"
                             : "a projection can change only the channels and downsample by an integer stride"))
        guard mode == .auto, input.count == output.count, let channels = input.last, let outputChannels = output.last else {
            throw failure
        }
        // The stride s with ⌈X / s⌉ = X' on each axis, as a `same`-padded 1×1 convolution produces.
        func stride(_ extent: Int, _ reduced: Int) -> Int? {
            guard reduced > 0 else { return nil }
            let s = (extent + reduced - 1) / reduced
            return (extent + s - 1) / s == reduced ? s : nil
        }
        switch input.count {
        case 1:
            return Dense(inputSize: channels, outputSize: outputChannels)
        case 2:
            guard let s = stride(input[0], output[0]) else { throw failure }
            return Conv1D(inputChannels: channels, outputChannels: outputChannels, kernelSize: 1, stride: s, padding: .same)
        case 3:
            guard let st = stride(input[0], output[0]), let sf = stride(input[1], output[1]) else { throw failure }
            return Conv2D(inputChannels: channels, outputChannels: outputChannels, kernelSize: Size2D(1, 1),
                          stride: Size2D(st, sf), padding: .same)
        default:
            throw failure
        }
    }
}

extension Residual: StochasticLayer {
    public func reseed(_ seed: UInt64) {
        for (index, layer) in layers.enumerated() {
            (layer as? any StochasticLayer)?.reseed(derivedSeed(seed, index))
        }
    }
}
