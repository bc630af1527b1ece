import Foundation

// The records `exp ensemble` writes and prints: one per group of runs tested on the same clips, and the summary over
// the groups.

/// One trained run scored as part of an ensemble group.
public struct EnsembleMember: Codable, Sendable, Equatable {
    /// The `--run` reference this run came from (an experiment name or a run directory).
    public var reference: String
    /// The run's experiment name.
    public var experiment: String
    /// The run id.
    public var runID: String
    /// The run directory.
    public var path: String
    /// The checkpoint scored (`best`, `average` or `last`).
    public var checkpoint: String

    enum CodingKeys: String, CodingKey {
        case reference, experiment, path, checkpoint
        case runID = "run_id"
    }
}

/// `<runs>/<name>/<group>/ensemble.json`: what one group's `metrics.json` beside it scored.
public struct EnsembleGroupRecord: Codable, Sendable, Equatable {
    /// The ensemble name (`<runs>/<name>/`).
    public var name: String
    /// The group key: `fold-<k>`, or `split-<hash>` of the test clip list.
    public var group: String
    /// `split.fold` shared by every member, when there is one.
    public var fold: Int?
    /// The classes, in output order (the metrics' class order).
    public var classes: [String]
    /// Clips scored: the members' common test split.
    public var testClips: Int
    /// The root of the corpus the clips were read from (the first member's `data`).
    public var corpusRoot: String
    /// How the probabilities were combined.
    public var combination: String
    /// The runs, in `--run` order.
    public var members: [EnsembleMember]

    enum CodingKeys: String, CodingKey {
        case name, group, fold, classes, combination, members
        case testClips = "test_clips"
        case corpusRoot = "corpus_root"
    }

    /// `combination`: every `--run`'s runs of the group are averaged first, then the `--run`s with equal weight.
    public static let meanOfMeans = "mean of class probabilities per --run, then mean over the --run arguments"
}

/// One group's record, its metrics and the directory they were written to.
public struct EnsembleGroupResult: Sendable {
    /// `ensemble.json`.
    public var record: EnsembleGroupRecord
    /// `metrics.json`: the schema of a run's own `metrics.json`.
    public var metrics: ClassificationMetrics
    /// `<runs>/<name>/<group>/`.
    public var directory: URL
}

/// Mean and sample standard deviation (n − 1; 0 for one value) of a metric over the groups, as
/// `exp compare --group-by` aggregates.
public struct MeanDeviation: Codable, Sendable, Equatable {
    /// The mean.
    public var mean: Double
    /// The sample standard deviation.
    public var std: Double

    /// The mean and sample standard deviation of `values` (at least one).
    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "MeanDeviation needs at least one value")
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        self.mean = mean
        std = values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : 0
    }
}

/// Every group of an ensemble with the mean ± std of UAR, accuracy and macro-F1 over the groups.
public struct EnsembleSummary: Sendable {
    /// The ensemble name.
    public var name: String
    /// The groups, ordered by fold (or by key).
    public var groups: [EnsembleGroupResult]

    /// UAR over the groups.
    public var uar: MeanDeviation { MeanDeviation(groups.map(\.metrics.uar)) }
    /// Accuracy over the groups.
    public var accuracy: MeanDeviation { MeanDeviation(groups.map(\.metrics.accuracy)) }
    /// Macro-F1 over the groups.
    public var macroF1: MeanDeviation { MeanDeviation(groups.map(\.metrics.macroF1)) }
}
