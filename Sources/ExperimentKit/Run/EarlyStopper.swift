import Foundation

/// A metric watched during training, and whether larger or smaller is better.
public struct Monitor: Codable, Sendable, Equatable {
    /// Whether the monitored value should go down or up.
    public enum Mode: String, Codable, Sendable {
        case min, max
    }

    /// Keras-style name: `val_uar`, `val_loss`, `val_accuracy`, `val_macro_f1`, `loss`, `train_uar` ….
    public var name: String
    /// Direction of improvement.
    public var mode: Mode

    /// Creates a monitor; without `mode`, names ending in `loss` are minimised and all others maximised (Keras `auto`).
    public init(_ name: String, mode: Mode? = nil) {
        self.name = name
        self.mode = mode ?? (name.hasSuffix("loss") ? .min : .max)
    }

    /// Every name `EpochMetrics.value(named:)` resolves, for validation messages.
    public static let validNames: [String] = ["", "train_", "val_"].flatMap { prefix in
        ["loss", "accuracy", "uar", "macro_f1"].map { prefix + $0 }
    }

    /// Whether `value` beats `best` by more than `minDelta` (any finite value beats no best).
    public func improves(_ value: Double, over best: Double?, minDelta: Double = 0) -> Bool {
        guard value.isFinite else { return false }
        guard let best else { return true }
        switch mode {
        case .min: return value < best - minDelta
        case .max: return value > best + minDelta
        }
    }
}

/// Stops training when the monitored metric has not improved for `patience` epochs (Keras `EarlyStopping`).
///
/// The runner always keeps the best checkpoint by the same monitor and evaluates it on the test split, which is
/// Keras' `restore_best_weights=True`; with `restoreBest` false the last epoch's weights are evaluated instead.
public final class EarlyStopper: TrainingObserver {
    /// Progress of the criterion, saved in `last.safetensors` so a resumed run stops at the same epoch.
    public struct State: Codable, Sendable, Equatable {
        /// Best monitored value so far.
        public var best: Double?
        /// Epoch of `best`.
        public var bestEpoch: Int?
        /// Epochs since the last improvement.
        public var wait: Int
        /// Epoch at which training was stopped, if it was.
        public var stoppedEpoch: Int?

        enum CodingKeys: String, CodingKey {
            case best, wait
            case bestEpoch = "best_epoch"
            case stoppedEpoch = "stopped_epoch"
        }

        /// The state before any epoch.
        public static let initial = State(best: nil, bestEpoch: nil, wait: 0, stoppedEpoch: nil)
    }

    /// The watched metric.
    public let monitor: Monitor
    /// Non-improving epochs after which training stops (≥ 0; as Keras, 0 and 1 both stop at the first one).
    public let patience: Int
    /// Smallest change that counts as an improvement (≥ 0), in the metric's units.
    public let minDelta: Double
    /// Whether the best epoch's weights (rather than the last) are the final model.
    public let restoreBest: Bool
    /// Current progress; restore it when resuming.
    public var state: State = .initial

    /// Creates the criterion.
    /// - Parameters:
    ///   - monitor: Metric to watch (default `val_uar`, maximised).
    ///   - patience: Epochs without improvement before stopping (≥ 0), default 10.
    ///   - minDelta: Minimum improvement (≥ 0), default 0.
    ///   - restoreBest: Evaluate the best epoch's weights at the end, default true.
    public init(monitor: Monitor = Monitor("val_uar"), patience: Int = 10, minDelta: Double = 0,
                restoreBest: Bool = true) {
        precondition(patience >= 0, "EarlyStopper patience must be >= 0, got \(patience)")
        precondition(minDelta >= 0, "EarlyStopper minDelta must be >= 0, got \(minDelta)")
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBest = restoreBest
    }

    public func handle(_ event: TrainingEvent) -> TrainingDecision {
        guard case let .epochEnded(metrics) = event else { return .proceed }
        // A missing value (e.g. val_* without a validation split) never improves, so training stops after `patience`.
        let value = metrics.value(named: monitor.name)
        if let value, monitor.improves(value, over: state.best, minDelta: minDelta) {
            state.best = value
            state.bestEpoch = metrics.epoch
            state.wait = 0
            return .proceed
        }
        state.wait += 1
        if state.wait >= patience {
            state.stoppedEpoch = metrics.epoch
            return .stop
        }
        return .proceed
    }
}

/// Tracks the best epoch by a monitor, deciding when `best.safetensors` is rewritten (independent of early stopping).
public struct BestTracker: Codable, Sendable, Equatable {
    /// The watched metric.
    public var monitor: Monitor
    /// Best value so far.
    public var best: Double?
    /// Epoch of `best`.
    public var bestEpoch: Int?

    enum CodingKeys: String, CodingKey {
        case monitor, best
        case bestEpoch = "best_epoch"
    }

    /// A tracker that has seen no epoch.
    public init(monitor: Monitor) {
        self.monitor = monitor
    }

    /// Records `metrics`; returns true when this epoch is the new best.
    public mutating func update(_ metrics: EpochMetrics) -> Bool {
        guard let value = metrics.value(named: monitor.name), monitor.improves(value, over: best) else { return false }
        best = value
        bestEpoch = metrics.epoch
        return true
    }
}
