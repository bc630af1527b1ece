// The glue between sequences and feature maps, so a 2-D CNN front end reads top to bottom in a stack:
// `expand_channels` makes a `[T, F]` feature matrix a one-channel map, `merge_frequency` turns a map back into a
// sequence of frames for recurrent layers, attention or 1-D pooling. Both are reshapes (no copy of values
// reorders), and valid lengths along `T` pass through.

/// `[N, T, F] → [N, T, F, 1]`: a feature matrix as a one-channel map (PyTorch `x.unsqueeze(-1)`).
public final class ExpandChannels: Layer {
    /// The options of this layer (YAML type `expand_channels`): none.
    public typealias Configuration = NoOptions
    private var inputShape: [Int]?

    /// An expand-channels layer.
    public init() {}
    /// An expand-channels layer.
    public convenience init(_ configuration: Configuration) { self.init() }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2 else {
            throw ShapeError("ExpandChannels expects a [T, F] sequence input, got \(describe(inputShape))")
        }
        return inputShape + [1]
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.rank == 3, "ExpandChannels expects [N, T, F], got \(input.shape)")
        inputShape = mode == .training ? input.shape : nil
        return input.reshaped(input.shape + [1])
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let inputShape else { preconditionFailure("ExpandChannels.backward called without a training forward") }
        return outputGradient.reshaped(inputShape)
    }
}

/// `[N, T, F, C] → [N, T, F·C]`: each frame's bins and channels as one feature vector, bin-major (channels of a
/// bin stay together; PyTorch `x.flatten(2)` on the channels-last map).
public final class MergeFrequency: Layer {
    /// The options of this layer (YAML type `merge_frequency`): none.
    public typealias Configuration = NoOptions
    private var inputShape: [Int]?

    /// A merge-frequency layer.
    public init() {}
    /// A merge-frequency layer.
    public convenience init(_ configuration: Configuration) { self.init() }

    public var parameters: [Parameter] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw ShapeError("MergeFrequency expects a [T, F, C] feature map, got \(describe(inputShape))")
        }
        return [inputShape[0], inputShape[1] * inputShape[2]]
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.rank == 4, "MergeFrequency expects [N, T, F, C], got \(input.shape)")
        inputShape = mode == .training ? input.shape : nil
        return input.reshaped([input.shape[0], input.shape[1], input.shape[2] * input.shape[3]])
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let inputShape else { preconditionFailure("MergeFrequency.backward called without a training forward") }
        return outputGradient.reshaped(inputShape)
    }
}
