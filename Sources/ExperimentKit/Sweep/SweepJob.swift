import Foundation

/// A cluster job submitted for a sweep, as recorded in `sweep.json`: which engine, its id, and how its array tasks
/// map onto trials (task `k` of `shards` runs the trials `i` with `i mod shards == k`).
public struct SweepJob: Codable, Sendable, Equatable {
    /// The engine (`slurm`).
    public var engine: String
    /// The engine's job id (Slurm: the array job id, `123` of `123_4`).
    public var id: String
    /// Number of shards the job's array covers.
    public var shards: Int
    /// When it was submitted (ISO 8601).
    public var submitted: String

    /// Creates a record.
    public init(engine: String, id: String, shards: Int, submitted: String = ISO8601DateFormatter().string(from: Date())) {
        self.engine = engine
        self.id = id
        self.shards = shards
        self.submitted = submitted
    }

    /// The array task that runs trial `index`.
    public func task(forTrial index: Int) -> Int { index % shards }
}
