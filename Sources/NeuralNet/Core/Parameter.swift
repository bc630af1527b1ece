/// A trainable tensor with its accumulated gradient; layers own parameters and optimizers update them in place.
public final class Parameter {
    /// Stable path used by checkpoints and logs, e.g. `layers.4.weight_ih_l0` (PyTorch `state_dict` naming).
    public var name: String
    /// Current value.
    public var value: Tensor
    /// ∂L/∂value accumulated since the last `zeroGradient()`; always the same shape as `value`.
    public var gradient: Tensor

    /// Creates a parameter with a zero gradient.
    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.gradient = Tensor(shape: value.shape)
    }

    /// Clears the accumulated gradient (once per optimisation step).
    public func zeroGradient() {
        gradient.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
