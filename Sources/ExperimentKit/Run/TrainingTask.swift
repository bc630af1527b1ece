import Foundation

/// The loss and predictions of one batch.
public struct BatchResult: Sendable, Equatable {
    /// Mean loss over the batch's examples (NaN or infinite means the run diverged).
    public var loss: Double
    /// True class index per example.
    public var truth: [Int]
    /// Predicted class index per example.
    public var predicted: [Int]
    /// Seconds of forward, backward and optimiser update alone (batch assembly excluded), if the task measured it.
    public var computeSeconds: Double?

    /// Creates the record.
    public init(loss: Double, truth: [Int], predicted: [Int], computeSeconds: Double? = nil) {
        self.loss = loss
        self.truth = truth
        self.predicted = predicted
        self.computeSeconds = computeSeconds
    }
}

/// Which held-out side of the split to evaluate.
public enum EvaluationSplit: String, Sendable {
    case validation, test
}

/// What `TrainingLoop` trains: a model with its loss, optimiser, schedule and data, behind a small surface.
///
/// The loop owns the order of epochs and batches, events, early stopping, the best epoch and the artifacts; the task
/// owns every tensor. Keeping the boundary here lets the loop's resume logic be tested with a small model, and keeps
/// the model types out of the loop.
public protocol TrainingTask: AnyObject {
    /// Class names, fixing `K`.
    var classNames: [String] { get }
    /// Number of training examples.
    var trainingCount: Int { get }
    /// Whether a validation side exists.
    var hasValidation: Bool { get }
    /// Learning rate the next step will use.
    var learningRate: Double { get }
    /// Prepares epoch `epoch` (1-based), e.g. re-seeding dropout from the run seed and the epoch.
    func beginEpoch(_ epoch: Int)
    /// One optimisation step on the training examples at `indices`.
    /// - Throws: any error; the run is then marked `failed`.
    func trainStep(_ indices: [Int]) throws -> BatchResult
    /// Lets the schedule react to a finished epoch (e.g. reduce-on-plateau).
    func endEpoch(_ metrics: EpochMetrics)
    /// Metrics of the current weights on `split`, loss included.
    /// - Throws: any error; the run is then marked `failed`.
    func evaluate(_ split: EvaluationSplit) throws -> ClassificationMetrics
    /// Writes a checkpoint with model, optimiser and schedule state, plus the loop's `state` (JSON) as metadata.
    /// - Throws: an error naming the path.
    func saveCheckpoint(to url: URL, loopState: Data) throws
    /// Restores model, optimiser and schedule from the checkpoint at `url` and returns the loop's state.
    /// - Throws: an error naming the path.
    func loadCheckpoint(from url: URL) throws -> Data
    /// The name of a parameter holding NaN or infinity, if any (checked once per epoch).
    var nonFiniteParameter: String? { get }
    /// Writes the model weights alone (with the prediction metadata) to `url`, for checkpoint averaging.
    /// - Throws: an error naming the path.
    func saveWeights(to url: URL) throws
    /// Sets the model weights to the element-wise mean of the weight files at `urls` (written by `saveWeights`).
    /// - Throws: an error naming the file that cannot be read or does not match the model.
    func loadAverageWeights(of urls: [URL]) throws
}

extension TrainingTask {
    /// Tasks that cannot inspect their weights rely on the loss check alone.
    public var nonFiniteParameter: String? { nil }

    /// Tasks without weight files cannot average checkpoints.
    public func saveWeights(to url: URL) throws {
        throw RunError.invalid("\(url.path): this training task cannot save weights for checkpoint averaging")
    }

    /// Tasks without weight files cannot average checkpoints.
    public func loadAverageWeights(of urls: [URL]) throws {
        throw RunError.invalid("this training task cannot average checkpoints")
    }
}

/// An epoch kept for checkpoint averaging, with its monitored value.
public struct RankedEpoch: Codable, Sendable, Equatable {
    /// The epoch (1-based).
    public var epoch: Int
    /// Its value of the monitor.
    public var value: Double
}

/// The loop's own progress, stored in every checkpoint so a resumed run continues exactly.
public struct LoopState: Codable, Sendable, Equatable {
    /// Epochs completed when the checkpoint was written.
    public var epoch: Int
    /// Early-stopping progress.
    public var earlyStopping: EarlyStopper.State?
    /// Best epoch so far.
    public var best: BestTracker
    /// Whether early stopping asked to stop after `epoch`.
    public var stopped: Bool
    /// Training seconds accumulated up to `epoch`.
    public var elapsedSeconds: Double
    /// With checkpoint averaging, the best epochs so far (best first) whose weight files are kept.
    public var topEpochs: [RankedEpoch]?

    enum CodingKeys: String, CodingKey {
        case epoch, best, stopped
        case earlyStopping = "early_stopping"
        case elapsedSeconds = "elapsed_seconds"
        case topEpochs = "top_epochs"
    }
}
