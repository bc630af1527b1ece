import NeuralNet

// Spec vocabularies of NeuralNet's optimizers (PyTorch names and defaults). The checks mirror the optimizers'
// preconditions, so a spec that validates never traps when its optimizer is built.

/// `adam` options (`torch.optim.Adam`); `AdamWOptions` is the same with decoupled decay.
public struct AdamOptions: ComponentConfiguration, Equatable, Validatable {
    /// Step size η (`learning_rate`, float > 0, default 0.001).
    public var learningRate = 0.001
    /// First-moment decay (`beta1`, in [0, 1), default 0.9).
    public var beta1 = 0.9
    /// Second-moment decay (`beta2`, in [0, 1), default 0.999).
    public var beta2 = 0.999
    /// Denominator guard (`epsilon`, >= 0, default 1e-8).
    public var epsilon = 1e-8
    /// Weight decay λ (`weight_decay`, >= 0; default 0 for `adam`, 0.01 for `adamw`).
    public var weightDecay = 0.0

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case learningRate = "learning_rate", beta1, beta2, epsilon, weightDecay = "weight_decay"
    }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.optional("learning_rate", "float > 0", "Step size"),
         .optional("beta1", "float in [0, 1)", "Decay of the gradient average"),
         .optional("beta2", "float in [0, 1)", "Decay of the squared-gradient average"),
         .optional("epsilon", "float >= 0", "Added to the denominator"),
         .optional("weight_decay", "float >= 0", "L2 penalty (adam) or decoupled decay (adamw)")]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
        beta1 = try c.decodeIfPresent(Double.self, forKey: .beta1) ?? beta1
        beta2 = try c.decodeIfPresent(Double.self, forKey: .beta2) ?? beta2
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? epsilon
        weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay) ?? weightDecay
    }

    public func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(learningRate, 0, key: CodingKeys.learningRate),
         ValueIssue.inHalfOpen(beta1, 0..<1, key: CodingKeys.beta1),
         ValueIssue.inHalfOpen(beta2, 0..<1, key: CodingKeys.beta2),
         ValueIssue.atLeast(epsilon, 0, key: CodingKeys.epsilon),
         ValueIssue.atLeast(weightDecay, 0, key: CodingKeys.weightDecay)].compactMap { $0 }
    }

    /// The optimizer; `decoupled` makes it AdamW.
    public func make(decoupled: Bool) -> Adam {
        Adam(learningRate: Float(learningRate), beta1: Float(beta1), beta2: Float(beta2), epsilon: Float(epsilon),
             weightDecay: Float(weightDecay), decoupledWeightDecay: decoupled)
    }
}

/// `adamw` options (`torch.optim.AdamW`): Adam's, with decoupled weight decay defaulting to 0.01.
public struct AdamWOptions: ComponentConfiguration, Equatable, Validatable {
    /// The Adam options (`weight_decay` defaults to 0.01).
    public var adam: AdamOptions

    public typealias CodingKeys = AdamOptions.CodingKeys

    /// The option descriptions.
    public static var options: [OptionInfo] {
        AdamOptions.options.map { option in
            var option = option
            if option.name == "weight_decay" { option.doc = "Decoupled weight decay (θ ← θ·(1 − η·λ))" }
            return option
        }
    }

    public init(from decoder: any Decoder) throws {
        adam = try AdamOptions(from: decoder)
        if try !decoder.container(keyedBy: CodingKeys.self).contains(.weightDecay) { adam.weightDecay = 0.01 }
    }

    public func encode(to encoder: any Encoder) throws { try adam.encode(to: encoder) }

    public func validate() -> [ValueIssue] { adam.validate() }
}

/// `sgd` options (`torch.optim.SGD`).
public struct SGDOptions: ComponentConfiguration, Equatable, Validatable {
    /// Step size η (`learning_rate`, float > 0, default 0.01).
    public var learningRate = 0.01
    /// Momentum μ (`momentum`, in [0, 1), default 0).
    public var momentum = 0.0
    /// Nesterov momentum (`nesterov`, default false; needs momentum > 0).
    public var nesterov = false
    /// L2 penalty λ (`weight_decay`, >= 0, default 0).
    public var weightDecay = 0.0

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case learningRate = "learning_rate", momentum, nesterov, weightDecay = "weight_decay"
    }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.optional("learning_rate", "float > 0", "Step size"),
         .optional("momentum", "float in [0, 1)", "Momentum"),
         .optional("nesterov", "bool", "Nesterov momentum (needs momentum > 0)"),
         .optional("weight_decay", "float >= 0", "L2 penalty added to the gradient")]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
        momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? momentum
        nesterov = try c.decodeIfPresent(Bool.self, forKey: .nesterov) ?? nesterov
        weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay) ?? weightDecay
    }

    public func validate() -> [ValueIssue] {
        var issues = [ValueIssue.greaterThan(learningRate, 0, key: CodingKeys.learningRate),
                      ValueIssue.inHalfOpen(momentum, 0..<1, key: CodingKeys.momentum),
                      ValueIssue.atLeast(weightDecay, 0, key: CodingKeys.weightDecay)].compactMap { $0 }
        if nesterov && momentum <= 0 {
            issues.append(ValueIssue(key: "nesterov", message: "nesterov needs momentum > 0. Received: momentum=\(momentum)"))
        }
        return issues
    }
}

/// `rmsprop` options (`torch.optim.RMSprop`).
public struct RMSpropOptions: ComponentConfiguration, Equatable, Validatable {
    /// Step size η (`learning_rate`, float > 0, default 0.01).
    public var learningRate = 0.01
    /// Smoothing constant (`alpha`, in [0, 1), default 0.99).
    public var alpha = 0.99
    /// Denominator guard (`epsilon`, >= 0, default 1e-8).
    public var epsilon = 1e-8
    /// L2 penalty (`weight_decay`, >= 0, default 0).
    public var weightDecay = 0.0
    /// Momentum (`momentum`, >= 0, default 0).
    public var momentum = 0.0
    /// Normalise by the centred second moment (`centered`, default false).
    public var centered = false

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case learningRate = "learning_rate", alpha, epsilon, weightDecay = "weight_decay", momentum, centered
    }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.optional("learning_rate", "float > 0", "Step size"),
         .optional("alpha", "float in [0, 1)", "Decay of the squared-gradient average"),
         .optional("epsilon", "float >= 0", "Added to the denominator"),
         .optional("weight_decay", "float >= 0", "L2 penalty added to the gradient"),
         .optional("momentum", "float >= 0", "Momentum"),
         .optional("centered", "bool", "Subtract the squared mean gradient")]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? alpha
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? epsilon
        weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay) ?? weightDecay
        momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? momentum
        centered = try c.decodeIfPresent(Bool.self, forKey: .centered) ?? centered
    }

    public func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(learningRate, 0, key: CodingKeys.learningRate),
         ValueIssue.inHalfOpen(alpha, 0..<1, key: CodingKeys.alpha),
         ValueIssue.atLeast(epsilon, 0, key: CodingKeys.epsilon),
         ValueIssue.atLeast(weightDecay, 0, key: CodingKeys.weightDecay),
         ValueIssue.atLeast(momentum, 0, key: CodingKeys.momentum)].compactMap { $0 }
    }
}
