/// An empty option set, for layers without options (YAML: no keys allowed).
public struct NoOptions: Codable, Sendable, Equatable {
    /// No options.
    public init() {}
    /// Accepts an empty mapping (or null); a registry rejects any key present, since there are none.
    public init(from decoder: any Decoder) throws {}
    /// Encodes nothing.
    public func encode(to encoder: any Encoder) throws {}
}

/// The mean over the valid frames of each example: `[N, T, C] → [N, C]` (Keras `GlobalAveragePooling1D`).
///
/// ```
/// y[n, c] = (1 / L_n) Σ_{t < L_n} x[n, t, c]      (L_n = lengths[n], or T; y = 0 when L_n = 0)
/// ```
public final class GlobalAveragePool1D: Layer {
    /// The options of this layer (YAML type `global_avg_pool1d`): none.
    public typealias Configuration = NoOptions
    private struct Cache { let inputShape: [Int]; let lengths: [Int]? }
    private var cache: Cache?

    /// A global average pool.
    public init() {}
    /// A global average pool.
    public convenience init(_ configuration: Configuration) { self.init() }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2 else {
            throw ShapeError("GlobalAveragePool1D expects a [T, C] sequence input, got \(describe(inputShape))")
        }
        return [inputShape[1]]
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        precondition(input.rank == 3, "GlobalAveragePool1D expects [N, T, C], got \(input.shape)")
        let (n, t, c) = (input.shape[0], input.shape[1], input.shape[2])
        validateLengths(lengths, batch: n, frames: t, layer: "GlobalAveragePool1D")
        var output = [Float](repeating: 0, count: n * c)
        for b in 0..<n {
            let valid = lengths?[b] ?? t
            guard valid > 0 else { continue }
            let scale = 1 / Float(valid)
            for frame in 0..<valid {
                for ch in 0..<c { output[b * c + ch] += input.storage[(b * t + frame) * c + ch] * scale }
            }
        }
        cache = mode == .training ? Cache(inputShape: input.shape, lengths: lengths) : nil
        return (Tensor(shape: [n, c], storage: output), nil)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("GlobalAveragePool1D.backward called without a training forward") }
        let (n, t, c) = (cache.inputShape[0], cache.inputShape[1], cache.inputShape[2])
        precondition(outputGradient.shape == [n, c], "GlobalAveragePool1D.backward expects [\(n), \(c)], got \(outputGradient.shape)")
        var inputGradient = [Float](repeating: 0, count: n * t * c)
        for b in 0..<n {
            let valid = cache.lengths?[b] ?? t
            guard valid > 0 else { continue }
            let scale = 1 / Float(valid)
            for frame in 0..<valid {
                for ch in 0..<c { inputGradient[(b * t + frame) * c + ch] = outputGradient.storage[b * c + ch] * scale }
            }
        }
        return Tensor(shape: cache.inputShape, storage: inputGradient)
    }
}

/// The maximum over the valid frames of each example: `[N, T, C] → [N, C]` (Keras `GlobalMaxPooling1D`).
///
/// ```
/// y[n, c] = max_{t < L_n} x[n, t, c]      (y = 0 when L_n = 0)
/// ```
public final class GlobalMaxPool1D: Layer {
    /// The options of this layer (YAML type `global_max_pool1d`): none.
    public typealias Configuration = NoOptions
    private struct Cache { let inputShape: [Int]; let argmax: [Int32] }
    private var cache: Cache?

    /// A global max pool.
    public init() {}
    /// A global max pool.
    public convenience init(_ configuration: Configuration) { self.init() }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2 else {
            throw ShapeError("GlobalMaxPool1D expects a [T, C] sequence input, got \(describe(inputShape))")
        }
        return [inputShape[1]]
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        precondition(input.rank == 3, "GlobalMaxPool1D expects [N, T, C], got \(input.shape)")
        let (n, t, c) = (input.shape[0], input.shape[1], input.shape[2])
        validateLengths(lengths, batch: n, frames: t, layer: "GlobalMaxPool1D")
        var output = [Float](repeating: 0, count: n * c)
        var argmax = [Int32](repeating: -1, count: n * c)
        for b in 0..<n {
            let valid = lengths?[b] ?? t
            guard valid > 0 else { continue }
            for ch in 0..<c {
                var best = b * t * c + ch
                for frame in 1..<max(1, valid) where input.storage[(b * t + frame) * c + ch] > input.storage[best] {
                    best = (b * t + frame) * c + ch
                }
                output[b * c + ch] = input.storage[best]
                argmax[b * c + ch] = Int32(best)
            }
        }
        cache = mode == .training ? Cache(inputShape: input.shape, argmax: argmax) : nil
        return (Tensor(shape: [n, c], storage: output), nil)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("GlobalMaxPool1D.backward called without a training forward") }
        precondition(outputGradient.count == cache.argmax.count,
                     "GlobalMaxPool1D.backward expects \(cache.argmax.count) values, got \(outputGradient.shape)")
        var inputGradient = [Float](repeating: 0, count: cache.inputShape.reduce(1, *))
        for (i, source) in cache.argmax.enumerated() where source >= 0 {
            inputGradient[Int(source)] += outputGradient.storage[i]
        }
        return Tensor(shape: cache.inputShape, storage: inputGradient)
    }
}
