/// A sweep that cannot be planned or run as asked (the spec itself is reported with `SpecErrors`).
public enum SweepError: Error, Sendable, Equatable, CustomStringConvertible {
    /// More trials than `limit` without `--yes`.
    case tooManyTrials(count: Int, limit: Int)
    /// Several trials resolve to the same run, so they would be one run.
    case duplicateTrials(runID: String, indices: [Int])
    /// `--shard I/N` out of range or malformed.
    case invalidShard(String)
    /// `--trial K` out of range.
    case trialOutOfRange(index: Int, count: Int)
    /// A child `exp` process could not be started.
    case launchFailed(String)
    /// A Slurm command is missing or failed.
    case slurm(String)

    public var description: String {
        switch self {
        case .tooManyTrials(let count, let limit):
            return "the sweep has \(count) trials, more than \(limit); check it with --dry-run and pass --yes to run it"
        case .duplicateTrials(let runID, let indices):
            return "trials \(indices.map(String.init).joined(separator: ", ")) resolve to the same run \(runID); "
                + "remove the repeated values from the sweep"
        case .invalidShard(let text):
            return "--shard must be I/N with 0 <= I < N. Received: \(text)"
        case .trialOutOfRange(let index, let count):
            return "--trial \(index) is out of range: the sweep has \(count) trial(s), numbered 0..<\(count)"
        case .launchFailed(let reason):
            return "cannot start a worker process: \(reason)"
        case .slurm(let reason):
            return "slurm: \(reason)"
        }
    }
}
