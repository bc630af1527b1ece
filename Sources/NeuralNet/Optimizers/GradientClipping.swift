/// Gradient clipping applied between `backward` and `Optimizer.step`.
public enum GradientClipping {
    /// Scales every gradient by `min(1, maxNorm / (‖g‖ + 1e-6))`, where `‖g‖` is the L2 norm of all gradients
    /// together, and returns that pre-clip norm (PyTorch `torch.nn.utils.clip_grad_norm_`).
    ///
    /// - Parameter maxNorm: Largest allowed global norm (> 0).
    @discardableResult
    public static func clipByGlobalNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
        precondition(maxNorm > 0, "maxNorm must be > 0, got \(maxNorm)")
        var sumOfSquares = 0.0
        for parameter in parameters {
            for g in parameter.gradient.storage { sumOfSquares += Double(g) * Double(g) }
        }
        let norm = Float(sumOfSquares.squareRoot())
        // PyTorch always multiplies, by a coefficient clamped to 1, so an unclipped step is unchanged.
        let coefficient = min(maxNorm / (norm + 1e-6), 1)
        if coefficient < 1 {
            for parameter in parameters {
                update(&parameter.gradient.storage) { _, g in g * coefficient }
            }
        }
        return norm
    }

    /// Clamps every gradient value to `[-limit, limit]` (PyTorch `torch.nn.utils.clip_grad_value_`).
    ///
    /// - Parameter limit: Largest allowed magnitude (> 0).
    public static func clipByValue(_ parameters: [Parameter], limit: Float) {
        precondition(limit > 0, "limit must be > 0, got \(limit)")
        for parameter in parameters {
            update(&parameter.gradient.storage) { _, g in min(max(g, -limit), limit) }
        }
    }
}
