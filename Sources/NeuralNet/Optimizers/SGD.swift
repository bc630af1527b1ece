/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, exactly as PyTorch
/// `torch.optim.SGD` (dampening 0).
///
/// ```
/// g ← ∇θ + λ·θ
/// b ← g (first step),  b ← μ·b + g (later steps)
/// d ← g + μ·b (Nesterov) or b (momentum) or g (μ = 0)
/// θ ← θ − η·d
/// ```
///
/// Sutskever et al., "On the importance of initialization and momentum in deep learning", 2013;
/// https://pytorch.org/docs/stable/generated/torch.optim.SGD.html
public final class SGD: Optimizer {
    public let kind = "sgd"
    public var learningRate: Float
    /// Momentum `μ` in `[0, 1)` (default 0).
    public let momentum: Float
    /// Use Nesterov momentum (needs `μ > 0`).
    public let nesterov: Bool
    /// L2 penalty `λ` added to the gradient (PyTorch `weight_decay`, default 0).
    public let weightDecay: Float
    private var store = SlotStore(names: ["momentum_buffer"])

    /// SGD with learning rate `η` (> 0), momentum `μ`, Nesterov and weight decay `λ`.
    public init(learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(learningRate >= 0 && (0..<1).contains(momentum) && weightDecay >= 0,
                     "SGD needs learningRate >= 0, momentum in [0, 1), weightDecay >= 0; got \(learningRate), \(momentum), \(weightDecay)")
        precondition(!nesterov || momentum > 0, "Nesterov momentum needs momentum > 0")
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [Parameter]) {
        let (lr, mu, decay) = (learningRate, momentum, weightDecay)
        for parameter in parameters {
            let gradient = parameter.gradient.storage
            if mu == 0 {
                update(&parameter.value.storage) { i, theta in
                    theta - lr * (gradient[i] + decay * theta)
                }
                continue
            }
            let first = !store.has(parameter)
            store.with(parameter) { slots in
                update(&parameter.value.storage) { i, theta in
                    let g = gradient[i] + decay * theta
                    let buffer = first ? g : mu * slots[0][i] + g
                    slots[0][i] = buffer
                    return theta - lr * (nesterov ? g + mu * buffer : buffer)
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

/// Replaces each value with `rule(index, value)`.
@inline(__always)
func update(_ values: inout [Float], _ rule: (Int, Float) -> Float) {
    for i in values.indices { values[i] = rule(i, values[i]) }
}
