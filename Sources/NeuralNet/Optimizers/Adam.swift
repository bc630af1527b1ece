import Foundation

/// Adam with bias correction (on by default, as PyTorch, llm.c and tinygrad; MLX-Swift defaults it off) and either
/// L2 weight decay added to the gradient (`torch.optim.Adam`) or decoupled weight decay (`torch.optim.AdamW`).
///
/// ```
/// θ ← θ·(1 − η·λ)                      (decoupled, AdamW)     g ← ∇θ + λ·θ   (L2, Adam)
/// m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  t ← t + 1
/// θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
///
/// Kingma & Ba, "Adam: A Method for Stochastic Optimization", 2015; Loshchilov & Hutter, "Decoupled Weight Decay
/// Regularization", 2019; https://pytorch.org/docs/stable/generated/torch.optim.Adam.html
public final class Adam: Optimizer {
    public var kind: String { decoupledWeightDecay ? "adamw" : "adam" }
    public var learningRate: Float
    /// Decay of the first moment `β₁` (default 0.9).
    public let beta1: Float
    /// Decay of the second moment `β₂` (default 0.999).
    public let beta2: Float
    /// Added to the denominator `ε` (default 1e-8).
    public let epsilon: Float
    /// Weight decay `λ` (default 0).
    public let weightDecay: Float
    /// Decay the weights directly (AdamW) instead of adding `λ·θ` to the gradient (Adam).
    public let decoupledWeightDecay: Bool
    /// Divide by `1 − βᵗ` (default true, as PyTorch).
    public let biasCorrection: Bool
    /// Steps taken, `t`.
    public private(set) var stepCount = 0
    private var store = SlotStore(names: ["exp_avg", "exp_avg_sq"])

    /// Adam with learning rate `η` (default 1e-3) and PyTorch's defaults for everything else.
    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupledWeightDecay: Bool = false, biasCorrection: Bool = true) {
        precondition(learningRate >= 0 && (0..<1).contains(beta1) && (0..<1).contains(beta2) && epsilon >= 0 && weightDecay >= 0,
                     "Adam needs lr >= 0, betas in [0, 1), epsilon >= 0, weightDecay >= 0; got \(learningRate), \(beta1), \(beta2), \(epsilon), \(weightDecay)")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        self.biasCorrection = biasCorrection
    }

    public func step(_ parameters: [Parameter]) {
        stepCount += 1
        let t = Double(stepCount)
        // PyTorch computes the corrections in Python doubles, then rounds them when they meet the float tensors.
        let correction1 = biasCorrection ? 1 - pow(Double(beta1), t) : 1
        let correction2Root = biasCorrection ? (1 - pow(Double(beta2), t)).squareRoot() : 1
        let stepSize = Float(Double(learningRate) / correction1)
        let rootCorrection = Float(correction2Root)
        let (b1, b2, eps, lr, decay) = (beta1, beta2, epsilon, learningRate, weightDecay)
        let decoupled = decoupledWeightDecay
        for parameter in parameters {
            let gradient = parameter.gradient.storage
            store.with(parameter) { slots in
                // Raw pointers let the loop vectorise; the arithmetic is the same, in the same order.
                slots.withUnsafeMutableBufferPointer { slot in
                slot[0].withUnsafeMutableBufferPointer { first in
                slot[1].withUnsafeMutableBufferPointer { second in
                parameter.value.storage.withUnsafeMutableBufferPointer { values in
                gradient.withUnsafeBufferPointer { gradients in
                    precondition(gradients.count == values.count && first.count == values.count,
                                 "Adam: \(parameter.name) has \(values.count) values, \(gradients.count) gradients")
                    guard !values.isEmpty else { return }
                    let (mp, vp, theta, gp) = (first.baseAddress!, second.baseAddress!, values.baseAddress!,
                                               gradients.baseAddress!)
                    for i in 0..<values.count {
                        var value = theta[i], g = gp[i]
                        if decoupled { value *= 1 - lr * decay } else { g += decay * value }
                        let m = mp[i] + (g - mp[i]) * (1 - b1)
                        let v = b2 * vp[i] + (1 - b2) * g * g
                        mp[i] = m
                        vp[i] = v
                        theta[i] = value - stepSize * (m / (v.squareRoot() / rootCorrection + eps))
                    }
                }}}}}
            }
        }
    }

    public func state(for parameters: [Parameter]) -> OptimizerState {
        OptimizerState(kind: kind, scalars: ["learning_rate": Double(learningRate), "step": Double(stepCount)],
                       tensors: store.tensors(for: parameters))
    }

    public func restore(_ state: OptimizerState, for parameters: [Parameter]) throws {
        try store.restore(state, kind: kind, for: parameters)
        learningRate = Float(try state.scalar("learning_rate"))
        stepCount = Int(try state.scalar("step"))
    }
}

extension Adam {
    /// AdamW: Adam with decoupled weight decay `λ` (default 0.01, as PyTorch `torch.optim.AdamW`).
    public static func adamW(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                             epsilon: Float = 1e-8, weightDecay: Float = 0.01) -> Adam {
        Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
             decoupledWeightDecay: true)
    }
}
