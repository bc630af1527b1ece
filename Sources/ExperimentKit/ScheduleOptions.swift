import NeuralNet

// Spec vocabularies of NeuralNet's learning-rate schedules. Counts are scheduler steps: the runner steps the
// schedule once per epoch, so they read as epochs. Checks mirror NeuralNet's preconditions.

/// `step` options (`StepLR`): multiply by `gamma` every `step_size` epochs.
public struct StepScheduleOptions: ComponentConfiguration, Equatable, Validatable {
    /// Epochs between reductions (`step_size`, int > 0, required).
    public var stepSize: Int
    /// Multiplier (`gamma`, float > 0, default 0.1).
    public var gamma = 0.1

    public enum CodingKeys: String, CodingKey, CaseIterable { case stepSize = "step_size", gamma }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.required("step_size", "int > 0", example: "10", "Epochs between reductions"),
         .optional("gamma", "float > 0", "Multiplier applied every step_size epochs")]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stepSize = try c.decode(Int.self, forKey: .stepSize)
        gamma = try c.decodeIfPresent(Double.self, forKey: .gamma) ?? gamma
    }

    public func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(stepSize, 0, key: CodingKeys.stepSize),
         ValueIssue.greaterThan(gamma, 0, key: CodingKeys.gamma)].compactMap { $0 }
    }
}

/// `exponential` options (`ExponentialLR`): multiply by `gamma` every epoch.
public struct ExponentialScheduleOptions: ComponentConfiguration, Equatable, Validatable {
    /// Multiplier per epoch (`gamma`, float > 0, required).
    public var gamma: Double

    public enum CodingKeys: String, CodingKey, CaseIterable { case gamma }

    /// The option descriptions.
    public static var options: [OptionInfo] { [.required("gamma", "float > 0", example: "0.95", "Multiplier per epoch")] }

    public init(from decoder: any Decoder) throws {
        gamma = try decoder.container(keyedBy: CodingKeys.self).decode(Double.self, forKey: .gamma)
    }

    public func validate() -> [ValueIssue] { [ValueIssue.greaterThan(gamma, 0, key: CodingKeys.gamma)].compactMap { $0 } }
}

/// `cosine` options: linear warmup, then a half cosine down to `min_learning_rate` at `total_steps`.
public struct CosineScheduleOptions: ComponentConfiguration, Equatable, Validatable {
    /// Warmup epochs (`warmup_steps`, int >= 0, default 0).
    public var warmupSteps = 0
    /// Epoch at which the minimum is reached (`total_steps`, int > warmup_steps, required).
    public var totalSteps: Int
    /// Final rate (`min_learning_rate`, float >= 0, default 0).
    public var minimumLearningRate = 0.0

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case warmupSteps = "warmup_steps", totalSteps = "total_steps", minimumLearningRate = "min_learning_rate"
    }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.optional("warmup_steps", "int >= 0", "Epochs of linear warmup"),
         .required("total_steps", "int > warmup_steps", example: "60", "Epoch at which the rate reaches its minimum"),
         .optional("min_learning_rate", "float >= 0", "Final learning rate")]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        warmupSteps = try c.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? warmupSteps
        totalSteps = try c.decode(Int.self, forKey: .totalSteps)
        minimumLearningRate = try c.decodeIfPresent(Double.self, forKey: .minimumLearningRate) ?? minimumLearningRate
    }

    public func validate() -> [ValueIssue] {
        [ValueIssue.atLeast(warmupSteps, 0, key: CodingKeys.warmupSteps),
         ValueIssue.greaterThan(totalSteps, warmupSteps, key: CodingKeys.totalSteps),
         ValueIssue.atLeast(minimumLearningRate, 0, key: CodingKeys.minimumLearningRate)].compactMap { $0 }
    }
}

/// `reduce_on_plateau` options (`ReduceLROnPlateau`, PyTorch's defaults); the monitored metric sets the mode.
public struct PlateauScheduleOptions: ComponentConfiguration, Equatable, Validatable {
    /// Validation metric watched (`monitor`, default `val_loss`); `val_loss` is minimised, the others maximised.
    public var monitor = "val_loss"
    /// Multiplier on a plateau (`factor`, in (0, 1), default 0.1).
    public var factor = 0.1
    /// Epochs without improvement before reducing (`patience`, int >= 0, default 10).
    public var patience = 10
    /// Smallest improvement that counts (`threshold`, >= 0, default 1e-4, relative).
    public var threshold = 1e-4
    /// Epochs to wait after a reduction (`cooldown`, int >= 0, default 0).
    public var cooldown = 0
    /// Lower bound of the rate (`min_learning_rate`, >= 0, default 0).
    public var minimumLearningRate = 0.0

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case monitor, factor, patience, threshold, cooldown, minimumLearningRate = "min_learning_rate"
    }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.optional("monitor", "val_loss | val_accuracy | val_uar | val_macro_f1", "Validation metric watched",
                   choices: EarlyStopping.monitorChoices),
         .optional("factor", "float in (0, 1)", "Multiplier applied on a plateau"),
         .optional("patience", "int >= 0", "Epochs without improvement before reducing"),
         .optional("threshold", "float >= 0", "Smallest relative improvement that counts"),
         .optional("cooldown", "int >= 0", "Epochs to wait after a reduction"),
         .optional("min_learning_rate", "float >= 0", "Lower bound of the rate")]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        monitor = try c.decodeIfPresent(String.self, forKey: .monitor) ?? monitor
        factor = try c.decodeIfPresent(Double.self, forKey: .factor) ?? factor
        patience = try c.decodeIfPresent(Int.self, forKey: .patience) ?? patience
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold) ?? threshold
        cooldown = try c.decodeIfPresent(Int.self, forKey: .cooldown) ?? cooldown
        minimumLearningRate = try c.decodeIfPresent(Double.self, forKey: .minimumLearningRate) ?? minimumLearningRate
    }

    public func validate() -> [ValueIssue] {
        var issues = [ValueIssue.oneOf(monitor, EarlyStopping.monitorChoices, key: CodingKeys.monitor),
                      ValueIssue.atLeast(patience, 0, key: CodingKeys.patience),
                      ValueIssue.atLeast(threshold, 0, key: CodingKeys.threshold),
                      ValueIssue.atLeast(cooldown, 0, key: CodingKeys.cooldown),
                      ValueIssue.atLeast(minimumLearningRate, 0, key: CodingKeys.minimumLearningRate)].compactMap { $0 }
        if !(factor > 0 && factor < 1) {
            issues.append(ValueIssue(key: "factor", message: "factor must be in (0, 1). Received: factor=\(factor)"))
        }
        return issues
    }

    /// The schedule: `min` mode for `val_loss`, `max` for the others.
    public var schedule: LearningRateSchedule {
        .reduceOnPlateau(.init(mode: monitor == "val_loss" ? .min : .max, factor: factor, patience: patience,
                               threshold: threshold, cooldown: cooldown, minimumLearningRate: minimumLearningRate))
    }
}
