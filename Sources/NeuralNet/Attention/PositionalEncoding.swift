import Foundation

/// Adds the fixed sinusoidal position signal of "Attention Is All You Need" (Vaswani et al. 2017, §3.5) to a
/// `[N, T, d]` sequence, so attention layers can tell frames apart by position.
///
/// ```
/// PE[t, 2i]     = sin(t / 10000^(2i / d))
/// PE[t, 2i + 1] = cos(t / 10000^(2i / d))
/// y[n, t, c]    = x[n, t, c] + PE[t, c]        (frames past an example's length stay zero)
/// ```
///
/// Parameter-free, so it adds nothing to a checkpoint (PyTorch tutorials keep it as a non-persistent buffer).
public final class PositionalEncoding: Layer {
    /// The options of this layer (YAML type `positional_encoding`): none.
    public typealias Configuration = NoOptions
    private var cache: [Int]?
    private var table: (frames: Int, channels: Int, values: [Float]) = (0, 0, [])

    /// A positional encoding.
    public init() {}
    /// A positional encoding.
    public convenience init(_ configuration: Configuration) { self.init() }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2 else {
            throw ShapeError("PositionalEncoding expects a [T, C] sequence input, got \(describe(inputShape))")
        }
        return inputShape
    }

    /// `PE[0..<frames, 0..<channels]`, computed in Double and kept for the next call.
    func encoding(frames: Int, channels: Int) -> [Float] {
        if table.frames == frames && table.channels == channels { return table.values }
        var values = [Float](repeating: 0, count: frames * channels)
        for t in 0..<frames {
            for c in 0..<channels {
                let angle = Double(t) / pow(10_000, Double(c - c % 2) / Double(channels))
                values[t * channels + c] = Float(c % 2 == 0 ? sin(angle) : cos(angle))
            }
        }
        table = (frames, channels, values)
        return values
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        precondition(input.rank == 3, "PositionalEncoding expects [N, T, C], got \(input.shape)")
        let (n, t, c) = (input.shape[0], input.shape[1], input.shape[2])
        validateLengths(lengths, batch: n, frames: t, layer: "PositionalEncoding")
        let pe = encoding(frames: t, channels: c)
        var output = input.storage
        for b in 0..<n {
            for i in 0..<((lengths?[b] ?? t) * c) { output[b * t * c + i] += pe[i] }
        }
        cache = mode == .training ? input.shape : nil
        return (Tensor(shape: input.shape, storage: output), lengths)
    }

    /// The encoding is a constant, so the gradient passes through unchanged.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let shape = cache else { preconditionFailure("PositionalEncoding.backward called without a training forward") }
        precondition(outputGradient.shape == shape, "PositionalEncoding.backward expects \(shape), got \(outputGradient.shape)")
        return outputGradient
    }
}
