import Foundation

/// How the learning rate changes as training advances; `LearningRateScheduler` holds the counter and the state.
///
/// Values are computed in Double from the base rate `η₀` after `k` calls of `step` (PyTorch's `last_epoch`):
///
/// ```
/// constant:           η₀
/// step:               η₀ · γ^⌊k / stepSize⌋                                   (StepLR)
/// exponential:        η₀ · γ^k                                                (ExponentialLR)
/// cosine:             η₀ · (k + 1) / warmupSteps                              for k < warmupSteps, else
///                     η_min + (η₀ − η_min) · ½ · (1 + cos(π · min(1, (k − warmupSteps) / (totalSteps − warmupSteps))))
/// reduceOnPlateau:    η ← max(η · factor, η_min) after more than `patience` epochs without improvement
/// ```
public enum LearningRateSchedule: Sendable, Equatable {
    /// The base rate throughout (YAML `constant`).
    case constant
    /// Multiply by `gamma` every `stepSize` steps (YAML `step`; PyTorch `StepLR`).
    case step(stepSize: Int, gamma: Double)
    /// Multiply by `gamma` every step (YAML `exponential`; PyTorch `ExponentialLR`).
    case exponential(gamma: Double)
    /// Linear warmup over `warmupSteps`, then a half cosine down to `minimumLearningRate` at `totalSteps`
    /// (YAML `cosine`; PyTorch `LambdaLR` with that lambda, as Hugging Face `get_cosine_schedule_with_warmup`).
    case cosine(warmupSteps: Int, totalSteps: Int, minimumLearningRate: Double)
    /// Reduce when a monitored metric stops improving (YAML `reduce_on_plateau`; PyTorch `ReduceLROnPlateau`).
    case reduceOnPlateau(PlateauOptions)

    /// The YAML type name.
    public var kind: String {
        switch self {
        case .constant: "constant"
        case .step: "step"
        case .exponential: "exponential"
        case .cosine: "cosine"
        case .reduceOnPlateau: "reduce_on_plateau"
        }
    }

    /// Options of `reduceOnPlateau`, with PyTorch `ReduceLROnPlateau`'s defaults.
    public struct PlateauOptions: Sendable, Equatable {
        /// Whether the metric should go down (`min`, a loss) or up (`max`, an accuracy).
        public enum Mode: String, Sendable, Codable { case min, max }
        /// `relative`: better means beyond `best · (1 ∓ threshold)`; `absolute`: beyond `best ∓ threshold`.
        public enum ThresholdMode: String, Sendable, Codable { case relative = "rel", absolute = "abs" }

        /// `min` (default) or `max`.
        public var mode: Mode
        /// Multiplier applied on a plateau, in `(0, 1)` (default 0.1).
        public var factor: Double
        /// Epochs without improvement tolerated before reducing (default 10).
        public var patience: Int
        /// Smallest improvement that counts (default 1e-4).
        public var threshold: Double
        /// How `threshold` is applied (default relative).
        public var thresholdMode: ThresholdMode
        /// Epochs to wait after a reduction before counting bad epochs again (default 0).
        public var cooldown: Int
        /// Lower bound of the rate (default 0).
        public var minimumLearningRate: Double
        /// Reductions smaller than this are skipped (default 1e-8).
        public var epsilon: Double

        /// Options with PyTorch's defaults for everything not given.
        public init(mode: Mode = .min, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
                    thresholdMode: ThresholdMode = .relative, cooldown: Int = 0, minimumLearningRate: Double = 0,
                    epsilon: Double = 1e-8) {
            precondition(factor > 0 && factor < 1, "factor must lie in (0, 1), got \(factor)")
            precondition(patience >= 0 && cooldown >= 0 && threshold >= 0 && minimumLearningRate >= 0,
                         "patience, cooldown, threshold and minimumLearningRate must be >= 0")
            (self.mode, self.factor, self.patience, self.threshold) = (mode, factor, patience, threshold)
            (self.thresholdMode, self.cooldown, self.minimumLearningRate, self.epsilon)
                = (thresholdMode, cooldown, minimumLearningRate, epsilon)
        }

        /// Whether `value` improves on `best` (PyTorch `is_better`).
        func isBetter(_ value: Double, than best: Double) -> Bool {
            switch (mode, thresholdMode) {
            case (.min, .relative): value < best * (1 - threshold)
            case (.min, .absolute): value < best - threshold
            case (.max, .relative): value > best * (threshold + 1)
            case (.max, .absolute): value > best + threshold
            }
        }
    }

    /// The rate after `k` steps for the stateless schedules (`reduceOnPlateau` returns `base`).
    func learningRate(base: Double, after k: Int) -> Double {
        switch self {
        case .constant, .reduceOnPlateau:
            return base
        case let .step(stepSize, gamma):
            return base * pow(gamma, Double(k / stepSize))
        case let .exponential(gamma):
            return base * pow(gamma, Double(k))
        case let .cosine(warmupSteps, totalSteps, minimum):
            if k < warmupSteps { return base * Double(k + 1) / Double(warmupSteps) }
            let progress = min(1, Double(k - warmupSteps) / Double(max(1, totalSteps - warmupSteps)))
            return minimum + (base - minimum) * 0.5 * (1 + cos(Double.pi * progress))
        }
    }
}
