/// Drives an optimizer's learning rate through a `LearningRateSchedule`, one `step` per epoch (or per batch, as the
/// caller decides), and saves its counters for exact resume.
///
/// ```swift
/// let scheduler = LearningRateScheduler(.step(stepSize: 10, gamma: 0.5), baseLearningRate: 1e-3)
/// for epoch in 0..<epochs {
///     optimizer.learningRate = scheduler.learningRate
///     train(epoch); scheduler.step(metric: validationLoss)
/// }
/// ```
public final class LearningRateScheduler {
    /// The schedule.
    public let schedule: LearningRateSchedule
    /// The rate at step 0, `η₀` (> 0).
    public let baseLearningRate: Double
    /// Calls of `step` so far, `k` (PyTorch `last_epoch`).
    public private(set) var stepCount = 0
    /// The rate for the current step, in Double as PyTorch keeps it.
    public private(set) var currentLearningRate: Double
    // ReduceLROnPlateau's state (PyTorch names: best, num_bad_epochs, cooldown_counter).
    private var best: Double
    private var badEpochs = 0
    private var cooldownCounter = 0

    /// A scheduler at step 0 with rate `schedule`'s value for `baseLearningRate`.
    public init(_ schedule: LearningRateSchedule, baseLearningRate: Double) {
        precondition(baseLearningRate >= 0, "baseLearningRate must be >= 0, got \(baseLearningRate)")
        switch schedule {
        case let .step(stepSize, gamma):
            precondition(stepSize > 0 && gamma > 0, "step schedule needs stepSize > 0 and gamma > 0, got \(stepSize), \(gamma)")
        case let .exponential(gamma):
            precondition(gamma > 0, "exponential schedule needs gamma > 0, got \(gamma)")
        case let .cosine(warmupSteps, totalSteps, minimum):
            precondition(warmupSteps >= 0 && totalSteps > warmupSteps && minimum >= 0,
                         "cosine schedule needs 0 <= warmupSteps < totalSteps and minimumLearningRate >= 0, got \(warmupSteps), \(totalSteps), \(minimum)")
        case .constant, .reduceOnPlateau:
            break
        }
        self.schedule = schedule
        self.baseLearningRate = baseLearningRate
        currentLearningRate = schedule.learningRate(base: baseLearningRate, after: 0)
        best = Self.worst(for: schedule)
    }

    /// The rate for the current step as the optimizers take it.
    public var learningRate: Float { Float(currentLearningRate) }

    /// Advances one step; `metric` (the monitored value, e.g. validation loss) is required by `reduceOnPlateau`.
    @discardableResult
    public func step(metric: Double? = nil) -> Float {
        stepCount += 1
        guard case let .reduceOnPlateau(options) = schedule else {
            currentLearningRate = schedule.learningRate(base: baseLearningRate, after: stepCount)
            return learningRate
        }
        guard let metric else { preconditionFailure("reduce_on_plateau needs a metric at every step") }
        if options.isBetter(metric, than: best) {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badEpochs = 0
        }
        if badEpochs > options.patience {
            let reduced = max(currentLearningRate * options.factor, options.minimumLearningRate)
            if currentLearningRate - reduced > options.epsilon { currentLearningRate = reduced }
            cooldownCounter = options.cooldown
            badEpochs = 0
        }
        return learningRate
    }

    /// Sets `optimizer.learningRate` to the current rate.
    public func apply(to optimizer: any Optimizer) { optimizer.learningRate = learningRate }

    /// The counters needed to resume: `step`, `learning_rate`, and for `reduce_on_plateau` `best`, `bad_epochs`,
    /// `cooldown_counter`.
    public var state: [String: Double] {
        ["step": Double(stepCount), "learning_rate": currentLearningRate, "best": best,
         "bad_epochs": Double(badEpochs), "cooldown_counter": Double(cooldownCounter)]
    }

    /// Restores the counters saved by `state`.
    ///
    /// - Throws: `CheckpointError.missingMetadata` naming the first absent key.
    public func restore(_ state: [String: Double]) throws {
        func value(_ key: String) throws -> Double {
            guard let value = state[key] else { throw CheckpointError.missingMetadata(file: "schedule state", key: key) }
            return value
        }
        stepCount = Int(try value("step"))
        currentLearningRate = try value("learning_rate")
        best = try value("best")
        badEpochs = Int(try value("bad_epochs"))
        cooldownCounter = Int(try value("cooldown_counter"))
    }

    private static func worst(for schedule: LearningRateSchedule) -> Double {
        if case let .reduceOnPlateau(options) = schedule, options.mode == .max { return -.infinity }
        return .infinity
    }
}
