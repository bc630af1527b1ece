/// A stack of layers applied in order, with shapes checked when it is built (Keras/PyTorch `Sequential`).
///
/// ```swift
/// let model = try Sequential([
///     Conv1D(inputChannels: 40, outputChannels: 64, kernelSize: 5), MaxPool1D(poolSize: 2),
///     LSTM(inputSize: 64, hiddenSize: 64), Dense(inputSize: 64, outputSize: 8),
/// ], inputShape: [301, 40], seed: 42)
/// let logits = model.forward(batch, lengths: validFrames, mode: .training)   // [N, 8]
/// let inputGradient = model.backward(lossGradient)                          // [N, 301, 40]
/// ```
///
/// Parameter and buffer names are prefixed with the layer index, as `torch.nn.Sequential` names its `state_dict`
/// (`"3.weight_ih_l0"`); the names are set when the stack is built, so a layer belongs to one `Sequential`.
public final class Sequential {
    /// The layers, in application order.
    public let layers: [any Layer]
    /// The per-example input shape (without `N`), e.g. `[T, C]`.
    public let inputShape: [Int]
    /// The per-example output shape of each layer, inferred when the stack was built.
    public let outputShapes: [[Int]]
    /// The layers grouped for sharded passes (`Sequential.segments(of:)`).
    let segments: [Segment]
    /// Replicas of the layers for shards 1, 2, … (`replicas[s - 1][i]`; the layer itself where it is not replicable).
    var replicas: [[any Layer]] = []
    /// The example ranges of the shards of the most recent training forward (`nil`: it ran unsplit).
    var activeShardPlan: [Range<Int>]?
    /// Whether a large batch is split into shards (default `true`); `false` runs every layer on the whole batch, whose
    /// sums then round differently.
    public var sharding = true

    /// Builds the stack, infers every layer's output shape and, with `seed`, initialises every parameter from one
    /// generator in layer order (the same seed builds the same model).
    ///
    /// - Throws: `ShapeError` naming the first layer whose input shape it cannot take, e.g.
    ///   `layer 4 (LSTM): LSTM expects a [T, 64] sequence input, got [9216] (after Flatten)`.
    public init(_ layers: [any Layer], inputShape: [Int], seed: UInt64? = nil) throws {
        precondition(!layers.isEmpty, "Sequential needs at least one layer")
        self.layers = layers
        self.inputShape = inputShape
        outputShapes = try Self.inferShapes(layers, inputShape: inputShape)
        segments = Self.segments(of: layers)
        for (index, layer) in layers.enumerated() {
            for tensor in layer.parameters + layer.buffers { tensor.name = "\(index)." + tensor.localName }
        }
        if let seed { resetParameters(seed: seed) }
    }

    /// The per-example output shape of the whole stack.
    public var outputShape: [Int] { outputShapes.last ?? inputShape }

    /// Every trainable parameter, layer by layer, named `"<layer index>.<name>"`.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    /// Every non-trainable buffer (BatchNorm running statistics), named like the parameters.
    public var buffers: [Parameter] { layers.flatMap(\.buffers) }

    /// Number of trainable values.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Re-draws every parameter from one generator seeded with `seed`, in layer order.
    public func resetParameters(seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        for layer in layers { layer.resetParameters(using: &generator) }
    }

    /// Clears every parameter's accumulated gradient (once per optimisation step).
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }

    /// Runs every layer on `input [N, …inputShape]`, threading the per-example valid `lengths` through the stack.
    ///
    /// A batch of at least `2 · shardSize` examples is split into shards of `shardSize` or more (see `ReplicableLayer`
    /// and `sharding`): the result equals the whole batch's up to float rounding, on any number of threads.
    public func forward(_ input: Tensor, lengths: [Int]? = nil, mode: Mode) -> Tensor {
        precondition(Array(input.shape.dropFirst()) == inputShape,
                     "Sequential expects [N] + \(inputShape), got \(input.shape)")
        if mode == .training { activeShardPlan = nil }
        let plan = shardPlan(batch: input.shape[0])
        guard plan.count > 1 else {
            var output = input, currentLengths = lengths
            for layer in layers {
                (output, currentLengths) = layer.forward(output, lengths: currentLengths, mode: mode)
            }
            return output
        }
        let output = shardedForward(input, lengths: lengths, plan: plan, mode: mode)
        if mode == .training { activeShardPlan = plan }
        return output
    }

    /// Backpropagates ∂L/∂output through every layer (accumulating parameter gradients) and returns ∂L/∂input.
    ///
    /// A training loop that does not use ∂L/∂input passes `needsInputGradient: false`: the first layer with
    /// parameters then skips it and the parameterless layers before it are not run (an empty tensor is returned),
    /// which saves one large GEMM per step.
    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool = true) -> Tensor {
        if let plan = activeShardPlan { return shardedBackward(outputGradient, plan: plan, needsInputGradient: needsInputGradient) }
        let first = firstLayerNeedingBackward(needsInputGradient: needsInputGradient)
        var gradient = outputGradient
        for (index, layer) in layers.enumerated().reversed() where index >= first {
            gradient = layer.backward(gradient, needsInputGradient: index > first || needsInputGradient)
        }
        return first > 0 && first == layers.count ? Tensor(shape: [0]) : gradient
    }

    /// The first layer `backward` must run: 0 when ∂L/∂input is wanted, else the first layer with parameters, since
    /// parameterless layers before it (`expand_channels`, a leading dropout) have nothing to pass a gradient to.
    func firstLayerNeedingBackward(needsInputGradient: Bool) -> Int {
        needsInputGradient ? 0 : layers.firstIndex { !$0.parameters.isEmpty } ?? layers.count
    }

    /// Forward floating-point operations for one example (2 per multiply-add of matmuls and convolutions).
    ///
    /// - Throws: `ShapeError` if `inputShape` (default: the model's) does not fit the stack.
    public func flopsPerExample(inputShape: [Int]? = nil) throws -> Int {
        let shape = inputShape ?? self.inputShape
        let shapes = try Self.inferShapes(layers, inputShape: shape)
        return zip(layers, [shape] + shapes.dropLast()).reduce(0) { $0 + $1.0.flopsPerExample(inputShape: $1.1) }
    }

    static func inferShapes(_ layers: [any Layer], inputShape: [Int]) throws -> [[Int]] {
        var shapes: [[Int]] = [], current = inputShape
        for (index, layer) in layers.enumerated() {
            do {
                current = try layer.outputShape(for: current)
            } catch let error as ShapeError {
                let after = index > 0 ? " (after \(typeName(of: layers[index - 1])))" : " (the model input)"
                throw ShapeError("layer \(index) (\(typeName(of: layer))): \(error.description)\(after)")
            }
            shapes.append(current)
        }
        return shapes
    }
}

/// The Swift type name of a layer, e.g. `Conv1D`.
func typeName(of layer: any Layer) -> String { String(describing: type(of: layer)) }
