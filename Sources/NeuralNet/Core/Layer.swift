/// Whether a forward pass is part of training (caches for `backward`, batch statistics, dropout on) or not.
public enum Mode: Sendable, Equatable {
    case training, inference
}

/// An impossible layer stack or input, found by shape inference before any data flows.
public struct ShapeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What was expected and what was received, e.g. `LSTM expects a [T, C] sequence input, got [C]`.
    public let description: String

    /// Wraps a complete message.
    public init(_ description: String) { self.description = description }
}

/// A differentiable stage of a network with a hand-written backward pass.
///
/// Shapes: a batch is `[N, …]`; sequences are `[N, T, C]` (batch, time, channels). `outputShape(for:)` works on the
/// per-example shape (without `N`).
///
/// **Valid lengths.** A batch of zero-padded sequences may carry `lengths: [Int]?`, the number of valid frames of
/// each example (`lengths[n] ≤ T`; `nil` means all `T` frames are valid). `forward(_:lengths:mode:)` returns the
/// output and the output's lengths: Conv1D and the pools map them to output frames and treat frames past the end as
/// padding; LSTM and GRU freeze their state on padded steps (so the last output is the last *valid* state) and emit
/// zeros there; global pooling and attention pooling ignore padded frames and return `nil` (no time axis remains);
/// element-wise layers pass them through. `Sequential` threads lengths through the whole stack.
///
/// **Cache contract.** A `.training` forward caches what `backward` needs; `backward` accumulates `∂L/∂θ` into each
/// parameter's `gradient` with `+=` and returns `∂L/∂input` for that most recent training forward.
public protocol Layer: AnyObject {
    /// The trainable tensors this layer owns, in a stable order (used by optimizers and checkpoints).
    var parameters: [Parameter] { get }
    /// Non-trainable state saved in checkpoints (BatchNorm's `running_mean`, `running_var`, `num_batches_tracked`).
    var buffers: [Parameter] { get }
    /// The per-example output shape for a per-example input shape (both without `N`).
    ///
    /// - Throws: `ShapeError` naming the layer, the expected and the received shape.
    func outputShape(for inputShape: [Int]) throws -> [Int]
    /// Returns the output for `input`; in `.training` mode also caches what `backward` needs.
    func forward(_ input: Tensor, mode: Mode) -> Tensor
    /// Returns the output and its valid lengths for a padded batch with per-example valid `lengths`.
    func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?)
    /// Accumulates ∂L/∂θ into each parameter's `gradient` and returns ∂L/∂input for the most recent training forward.
    func backward(_ outputGradient: Tensor) -> Tensor
    /// Like `backward(_:)`; with `needsInputGradient: false` (the first layer of a model) a layer may skip ∂L/∂input
    /// and return an empty tensor, saving the largest GEMM of a convolution or recurrent input projection.
    func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor
    /// Draws fresh initial values for every parameter from `generator` (in `parameters` order).
    func resetParameters(using generator: inout RandomGenerator)
    /// Floating-point operations of one forward pass for one example (2 per multiply-add; matmuls and convolutions).
    func flopsPerExample(inputShape: [Int]) -> Int
}

extension Layer {
    /// No buffers.
    public var buffers: [Parameter] { [] }

    /// Element-wise layers: apply `forward(_:mode:)` and pass the lengths through unchanged.
    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        (forward(input, mode: mode), lengths)
    }

    /// Layers whose input gradient is cheap always compute it.
    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor { backward(outputGradient) }

    /// Parameterless layers have nothing to initialise.
    public func resetParameters(using generator: inout RandomGenerator) {}

    /// Element-wise layers count as free next to matmuls.
    public func flopsPerExample(inputShape: [Int]) -> Int { 0 }
}

/// Checks a batch's `lengths` against its `[N, T, …]` shape (programmer error otherwise).
func validateLengths(_ lengths: [Int]?, batch: Int, frames: Int, layer: String) {
    guard let lengths else { return }
    precondition(lengths.count == batch, "\(layer) got \(lengths.count) lengths for a batch of \(batch)")
    precondition(lengths.allSatisfy { (0...frames).contains($0) },
                 "\(layer) lengths must lie in 0...\(frames), got \(lengths)")
}

/// The message fragment for a received per-example shape, e.g. `[128] (after Flatten)`.
func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

/// A layer that treats every example of a batch on its own, in training and at inference, so a batch can be split
/// into shards that run on separate threads (data parallelism inside `Sequential`).
///
/// Shard 0 runs through the layer itself and every other shard through a replica. Before each pass `Sequential`
/// points a replica's parameters at the layer's current values (no copy); after backward it adds the replicas'
/// gradients to the layer's in shard order. Layers that couple examples (BatchNorm's batch statistics) or draw
/// randomness per call (Dropout) do not conform and run on the whole batch between sharded runs of layers.
public protocol ReplicableLayer: Layer {
    /// A new layer with this one's configuration and its own caches and gradients (its parameter values are replaced
    /// before use, so how it initialises them does not matter).
    func makeReplica() -> any Layer
}

extension Conv1D: ReplicableLayer { public func makeReplica() -> any Layer { Conv1D(configuration) } }
extension Dense: ReplicableLayer { public func makeReplica() -> any Layer { Dense(configuration) } }
extension LSTM: ReplicableLayer { public func makeReplica() -> any Layer { LSTM(configuration) } }
extension GRU: ReplicableLayer { public func makeReplica() -> any Layer { GRU(configuration) } }
extension LayerNorm: ReplicableLayer { public func makeReplica() -> any Layer { LayerNorm(configuration) } }
extension AttentionPooling: ReplicableLayer { public func makeReplica() -> any Layer { AttentionPooling(configuration) } }
extension MaxPool1D: ReplicableLayer { public func makeReplica() -> any Layer { MaxPool1D(configuration) } }
extension AveragePool1D: ReplicableLayer { public func makeReplica() -> any Layer { AveragePool1D(configuration) } }
extension GlobalAveragePool1D: ReplicableLayer { public func makeReplica() -> any Layer { GlobalAveragePool1D() } }
extension GlobalMaxPool1D: ReplicableLayer { public func makeReplica() -> any Layer { GlobalMaxPool1D() } }
extension Flatten: ReplicableLayer { public func makeReplica() -> any Layer { Flatten() } }
extension ReLU: ReplicableLayer { public func makeReplica() -> any Layer { ReLU() } }
extension LeakyReLU: ReplicableLayer { public func makeReplica() -> any Layer { LeakyReLU(configuration) } }
extension ELU: ReplicableLayer { public func makeReplica() -> any Layer { ELU(configuration) } }
extension GELU: ReplicableLayer { public func makeReplica() -> any Layer { GELU() } }
extension Tanh: ReplicableLayer { public func makeReplica() -> any Layer { Tanh() } }
extension Sigmoid: ReplicableLayer { public func makeReplica() -> any Layer { Sigmoid() } }
extension Softmax: ReplicableLayer { public func makeReplica() -> any Layer { Softmax() } }
extension Conv2D: ReplicableLayer { public func makeReplica() -> any Layer { Conv2D(configuration) } }
extension MaxPool2D: ReplicableLayer { public func makeReplica() -> any Layer { MaxPool2D(configuration) } }
extension AveragePool2D: ReplicableLayer { public func makeReplica() -> any Layer { AveragePool2D(configuration) } }
extension ExpandChannels: ReplicableLayer { public func makeReplica() -> any Layer { ExpandChannels() } }
extension MergeFrequency: ReplicableLayer { public func makeReplica() -> any Layer { MergeFrequency() } }

/// A layer that draws random numbers in training (dropout masks), directly or through the layers it contains.
///
/// The trainer re-seeds every such layer at the start of each epoch from `(seed, epoch, position)`, so a run resumed
/// at an epoch boundary draws exactly the masks an uninterrupted run would, without saving generator states.
public protocol StochasticLayer: Layer {
    /// Replaces every generator this layer (and any layer inside it) draws from with one derived from `seed`.
    func reseed(_ seed: UInt64)
}

/// Derives the seed of part `index` of a composite layer from the composite's seed (SplitMix64-style mixing, so
/// neighbouring indices give unrelated streams).
func derivedSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
    RandomGenerator.splitMix64Finalizer(seed &+ UInt64(index &+ 1) &* 0x9E37_79B9_7F4A_7C15)
}
