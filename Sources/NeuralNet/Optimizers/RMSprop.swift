/// RMSprop, optionally centered and with momentum, exactly as PyTorch `torch.optim.RMSprop`.
///
/// ```
/// g ← ∇θ + λ·θ
/// s ← α·s + (1 − α)·g²
/// a ← α·a + (1 − α)·g;  d ← √(s − a²) + ε     (centered)      d ← √s + ε   (otherwise)
/// b ← μ·b + g / d;  θ ← θ − η·b               (momentum)      θ ← θ − η·g / d
/// ```
///
/// Hinton, "Neural Networks for Machine Learning", lecture 6e, 2012;
/// https://pytorch.org/docs/stable/generated/torch.optim.RMSprop.html
public final class RMSprop: Optimizer {
    public let kind = "rmsprop"
    public var learningRate: Float
    /// Smoothing constant `α` (default 0.99, PyTorch; Keras uses `rho` 0.9).
    public let alpha: Float
    /// Added to the denominator `ε` (default 1e-8).
    public let epsilon: Float
    /// L2 penalty `λ` (default 0).
    public let weightDecay: Float
    /// Momentum `μ` (default 0).
    public let momentum: Float
    /// Normalise by the estimated variance instead of the raw second moment.
    public let centered: Bool
    private var store = SlotStore(names: ["square_avg", "momentum_buffer", "grad_avg"])

    /// RMSprop with learning rate `η` (default 0.01) and PyTorch's defaults for everything else.
    public init(learningRate: Float = 0.01, alpha: Float = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0,
                momentum: Float = 0, centered: Bool = false) {
        precondition(learningRate >= 0 && (0..<1).contains(alpha) && epsilon >= 0 && weightDecay >= 0 && momentum >= 0,
                     "RMSprop needs lr >= 0, alpha in [0, 1), epsilon, weightDecay, momentum >= 0; got \(learningRate), \(alpha), \(epsilon), \(weightDecay), \(momentum)")
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
    }

    public func step(_ parameters: [Parameter]) {
        let (lr, a, eps, decay, mu, centered) = (learningRate, alpha, epsilon, weightDecay, momentum, centered)
        for parameter in parameters {
            let gradient = parameter.gradient.storage
            store.with(parameter) { slots in
                update(&parameter.value.storage) { i, theta in
                    let g = gradient[i] + decay * theta
                    let square = a * slots[0][i] + (1 - a) * g * g
                    slots[0][i] = square
                    var variance = square
                    if centered {
                        let mean = slots[2][i] + (g - slots[2][i]) * (1 - a)
                        slots[2][i] = mean
                        variance = square - mean * mean
                    }
                    let denominator = variance.squareRoot() + eps
                    guard mu > 0 else { return theta - lr * (g / denominator) }
                    let buffer = mu * slots[1][i] + g / denominator
                    slots[1][i] = buffer
                    return theta - lr * buffer
                }
            }
        }
    }

    public func state(for parameters: [Parameter]) -> OptimizerState {
        OptimizerState(kind: kind, scalars: ["learning_rate": Double(learningRate)], tensors: store.tensors(for: parameters))
    }

    public func restore(_ state: OptimizerState, for parameters: [Parameter]) throws {
        try store.restore(state, kind: kind, for: parameters)
        learningRate = Float(try state.scalar("learning_rate"))
    }
}
