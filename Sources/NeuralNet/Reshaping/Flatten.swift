/// Flattens every axis after the batch axis: `[N, d1, d2, …] → [N, d1·d2·…]` (row-major, so `[N, T, C]` keeps
/// each frame's channels together). Lengths are dropped: padded frames become ordinary features.
public final class Flatten: Layer {
    /// The options of this layer (YAML type `flatten`): none.
    public typealias Configuration = NoOptions
    private var inputShape: [Int]?

    /// A flatten layer.
    public init() {}
    /// A flatten layer.
    public convenience init(_ configuration: Configuration) { self.init() }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard !inputShape.isEmpty else { throw ShapeError("Flatten expects at least one feature axis, got []") }
        return [inputShape.reduce(1, *)]
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.rank >= 2, "Flatten expects [N, …], got \(input.shape)")
        inputShape = mode == .training ? input.shape : nil
        return input.reshaped([input.shape[0], input.count / max(1, input.shape[0])])
    }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        (forward(input, mode: mode), nil)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let inputShape else { preconditionFailure("Flatten.backward called without a training forward") }
        return outputGradient.reshaped(inputShape)
    }
}
