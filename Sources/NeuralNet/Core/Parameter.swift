/// A trainable tensor with its accumulated gradient; layers own parameters and optimizers update them in place.
public final class Parameter {
    /// Stable path used by checkpoints and logs, e.g. `layers.4.weight_ih_l0` (PyTorch `state_dict` naming).
    public var name: String
    /// The name inside its owning layer or block (`weight`, or `0.weight` inside a `Residual`), which a
    /// `Sequential` prefixes with the layer index.
    var localName: String
    /// Current value.
    public var value: Tensor
    /// ∂L/∂value accumulated since the last `zeroGradient()`; always the same shape as `value`.
    public var gradient: Tensor

    /// Creates a parameter with a zero gradient.
    public init(name: String, value: Tensor) {
        self.name = name
        self.localName = name
        self.value = value
        self.gradient = Tensor(shape: value.shape)
    }

    /// Prefixes the local name with a block's `scope` (`0`, `projection`), as a nested `torch.nn.Module` does.
    func nest(under scope: String) {
        localName = scope + "." + localName
        name = localName
    }

    /// Replaces the local name (a layer reused under its container's naming, e.g. `self_attn.in_proj_weight`).
    func rename(_ local: String) {
        localName = local
        name = local
    }

    /// Clears the accumulated gradient (once per optimisation step).
    public func zeroGradient() {
        gradient.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
