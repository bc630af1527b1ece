import Foundation

/// Loss and headline metrics of one pass over a split; the compact form stored per epoch in `history.jsonl`.
public struct MetricSummary: Codable, Sendable, Equatable {
    /// Mean loss per example.
    public var loss: Double
    /// Fraction correct.
    public var accuracy: Double
    /// Unweighted average recall.
    public var uar: Double
    /// Macro-averaged F1.
    public var macroF1: Double

    enum CodingKeys: String, CodingKey {
        case loss, accuracy, uar
        case macroF1 = "macro_f1"
    }

    /// Creates a summary from its values.
    public init(loss: Double, accuracy: Double, uar: Double, macroF1: Double) {
        self.loss = loss
        self.accuracy = accuracy
        self.uar = uar
        self.macroF1 = macroF1
    }

    /// The summary of full metrics (loss 0 when none was recorded, e.g. for predictions without a loss).
    public init(_ metrics: ClassificationMetrics) {
        self.init(loss: metrics.loss ?? 0, accuracy: metrics.accuracy, uar: metrics.uar, macroF1: metrics.macroF1)
    }

    /// The value of `loss`, `accuracy`, `uar` or `macro_f1`.
    public func value(named name: String) -> Double? {
        switch name {
        case "loss": return loss
        case "accuracy", "acc": return accuracy
        case "uar", "balanced_accuracy": return uar
        case "macro_f1", "f1": return macroF1
        default: return nil
        }
    }
}

/// What happened in one epoch: one line of `history.jsonl`.
public struct EpochMetrics: Codable, Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Learning rate used during this epoch.
    public var learningRate: Double
    /// Metrics over the training batches, accumulated during the epoch.
    public var train: MetricSummary
    /// Metrics on the validation split, if there is one.
    public var validation: MetricSummary?
    /// Wall-clock seconds of training and validation (the checkpoint writes that follow are not included; `log.txt`
    /// reports the overall share of time outside compute).
    public var seconds: Double
    /// Of `seconds`, the time in forward, backward and optimiser updates and in validation (batch assembly excluded).
    public var computeSeconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch, train, validation, seconds
        case learningRate = "learning_rate"
        case computeSeconds = "compute_seconds"
    }

    /// Creates the record of one epoch.
    public init(epoch: Int, learningRate: Double, train: MetricSummary, validation: MetricSummary?,
                seconds: Double, computeSeconds: Double) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.train = train
        self.validation = validation
        self.seconds = seconds
        self.computeSeconds = computeSeconds
    }

    /// A monitored value in Keras naming: `val_uar`, `val_loss`, `loss`, `accuracy`, `train_uar` ….
    public func value(named name: String) -> Double? {
        if name.hasPrefix("val_") { return validation?.value(named: String(name.dropFirst(4))) }
        if name.hasPrefix("train_") { return train.value(named: String(name.dropFirst(6))) }
        return train.value(named: name)
    }
}

/// Static facts about a run, announced when training starts.
public struct RunInfo: Sendable, Equatable {
    /// Experiment name (`runs/<name>/`).
    public var name: String
    /// Run id (`runs/<name>/<id>/`).
    public var id: String
    /// Total epochs requested.
    public var epochs: Int
    /// Optimisation steps per epoch.
    public var stepsPerEpoch: Int
    /// First epoch this process will train (1, or later when resuming).
    public var firstEpoch: Int

    /// Creates the record.
    public init(name: String, id: String, epochs: Int, stepsPerEpoch: Int, firstEpoch: Int) {
        self.name = name
        self.id = id
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.firstEpoch = firstEpoch
    }
}

/// Running figures within an epoch, for the progress line.
public struct StepProgress: Sendable, Equatable {
    /// 1-based epoch.
    public var epoch: Int
    /// 1-based step within the epoch.
    public var step: Int
    /// Steps in this epoch.
    public var stepsPerEpoch: Int
    /// Mean training loss so far this epoch.
    public var loss: Double
    /// Training accuracy so far this epoch.
    public var accuracy: Double

    /// Creates the record.
    public init(epoch: Int, step: Int, stepsPerEpoch: Int, loss: Double, accuracy: Double) {
        self.epoch = epoch
        self.step = step
        self.stepsPerEpoch = stepsPerEpoch
        self.loss = loss
        self.accuracy = accuracy
    }
}

/// Which checkpoint file was written.
public enum CheckpointKind: String, Codable, Sendable {
    /// `checkpoints/best.safetensors`: the best epoch by the monitored metric.
    case best
    /// `checkpoints/last.safetensors`: the most recent epoch, with everything needed to resume.
    case last
    /// `checkpoints/average.safetensors`: the mean weights of the best epochs (`training.average_checkpoints`).
    case average
}

/// How a run ended (or that it is still going): the `status` field of `run.json`.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    /// A process is training it, or one was killed while training it (then it is resumed on the next `exp run`).
    case running
    /// Trained and evaluated; `exp run` skips it unless `--force`.
    case completed
    /// Stopped by an error, recorded in `run.json`.
    case failed
    /// Stopped because the loss became NaN or infinite.
    case diverged
    /// Stopped by SIGINT after writing the current checkpoint; resumed on the next `exp run`.
    case interrupted

    /// Whether `exp run` continues this run from its last checkpoint instead of skipping it.
    public var isResumable: Bool { self == .running || self == .interrupted }
}

/// The outcome of a run, announced when it ends.
public struct RunSummary: Sendable, Equatable {
    /// Final status.
    public var status: RunStatus
    /// Epochs completed in total (including earlier processes when resumed).
    public var epochsCompleted: Int
    /// Epoch of the best checkpoint, if any.
    public var bestEpoch: Int?
    /// Test metrics of the best checkpoint, when the run completed.
    public var test: ClassificationMetrics?
    /// The error text for `failed`/`diverged`.
    public var error: String?

    /// Creates the record.
    public init(status: RunStatus, epochsCompleted: Int, bestEpoch: Int?, test: ClassificationMetrics?,
                error: String?) {
        self.status = status
        self.epochsCompleted = epochsCompleted
        self.bestEpoch = bestEpoch
        self.test = test
        self.error = error
    }
}

/// Everything the training loop reports to its observers (swift-models' `TrainingLoopEvent`, closed).
public enum TrainingEvent: Sendable, Equatable {
    /// Training begins (or resumes) in this process.
    case runStarted(RunInfo)
    /// One optimisation step finished.
    case stepEnded(StepProgress)
    /// One epoch finished, validation included.
    case epochEnded(EpochMetrics)
    /// A checkpoint file was written for `epoch`.
    case checkpointSaved(kind: CheckpointKind, epoch: Int)
    /// The run ended with `summary`.
    case runEnded(RunSummary)
}

/// What an observer asks the training loop to do next; early stopping is a decision, never a thrown error.
public enum TrainingDecision: Sendable, Equatable {
    /// Keep training.
    case proceed
    /// Stop after the current epoch (its checkpoint is still written).
    case stop
}

/// Receives training events (keras callbacks) and may ask the loop to stop.
public protocol TrainingObserver: AnyObject {
    /// Handles `event`; any observer returning `.stop` after an epoch ends training.
    func handle(_ event: TrainingEvent) -> TrainingDecision
}
