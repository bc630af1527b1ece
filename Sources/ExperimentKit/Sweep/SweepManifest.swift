import Foundation

/// `runs/<name>/sweep.json`: every trial of a sweep with its run id, config hash, swept values and status.
///
/// Each run's own `run.json` is the truth; the manifest is the sweep-level view of it, rewritten atomically (under
/// an `flock` on `runs/<name>/.sweep.lock`, since several `exp run` processes may share a sweep) whenever a trial
/// starts or ends.
public struct SweepManifest: Codable, Sendable, Equatable {
    /// A trial's state as the sweep sees it.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Not started.
        case pending
        /// A live process is training it.
        case running
        /// Trained and evaluated.
        case completed
        /// Stopped by an error (`--retry-failed` reruns it).
        case failed
        /// Stopped by a NaN/infinite loss (`--retry-failed` reruns it).
        case diverged
        /// Stopped by Ctrl-C or a killed process; the next run resumes it.
        case interrupted
    }

    /// One row.
    public struct Trial: Codable, Sendable, Equatable {
        /// Index in the sweep.
        public var index: Int
        /// Run directory name.
        public var runID: String
        /// SHA-256 of the resolved spec.
        public var configHash: String
        /// Swept key → value text.
        public var values: [String: String]
        /// Last known status.
        public var status: Status

        enum CodingKeys: String, CodingKey {
            case index, values, status
            case runID = "run_id"
            case configHash = "config_hash"
        }
    }

    /// Experiment name.
    public var name: String
    /// The spec file the sweep came from.
    public var spec: String
    /// The swept key paths.
    public var paths: [String]
    /// Every trial, by index.
    public var trials: [Trial]
    /// Cluster jobs submitted for this sweep (`exp sweep slurm --submit`), oldest first; absent when none was.
    public var jobs: [SweepJob]?

    /// The manifest of `plan` with each trial's status read from `root`.
    public init(plan: SweepPlan, root: URL) {
        name = plan.name
        spec = plan.file
        paths = plan.paths
        trials = plan.trials.map { trial in
            Trial(index: trial.index, runID: trial.runID, configHash: trial.configHash,
                  values: Dictionary(trial.values.map { ($0.path, $0.value) }) { first, _ in first },
                  status: Self.status(of: trial, root: root))
        }
    }

    /// Where the manifest of experiment `name` lives.
    public static func url(root: URL, name: String) -> URL {
        root.appendingPathComponent(name).appendingPathComponent("sweep.json")
    }

    /// Reads a manifest, or `nil` when there is none.
    /// - Throws: `RunError.readFailed` for an unreadable or malformed file.
    public static func read(_ url: URL) throws -> SweepManifest? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(SweepManifest.self, from: data)
        } catch {
            throw RunError.readFailed(path: url.path, reason: "\(error)")
        }
    }

    /// A trial's status from its run directory: no `run.json` is pending, a `running` record whose claimant is gone
    /// is interrupted.
    public static func status(of trial: SweepTrial, root: URL) -> Status {
        let directory = RunDirectory(existing: root.appendingPathComponent(trial.spec.resolved.name)
            .appendingPathComponent(trial.runID))
        guard let record = try? RunRecord.read(directory.record) else { return .pending }
        switch record.status {
        case .completed: return .completed
        case .failed: return .failed
        case .diverged: return .diverged
        case .interrupted: return .interrupted
        case .running:
            guard let owner = RunClaim.owner(of: directory) else { return .interrupted }
            return owner.host != RunClaim.hostName() || RunClaim.isAlive(owner) ? .running : .interrupted
        }
    }

    /// Rewrites `root/<plan.name>/sweep.json`: with `index`, only that trial's row changes (to `status`, or to what
    /// its run directory says); without, or when the file on disk belongs to another sweep, every row is read
    /// from the run directories. A `job` is appended to the recorded jobs.
    /// - Throws: `RunError.writeFailed`.
    public static func update(plan: SweepPlan, root: URL, index: Int? = nil, status: Status? = nil,
                              job: SweepJob? = nil) throws {
        let directory = root.appendingPathComponent(plan.name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let lockURL = directory.appendingPathComponent(".sweep.lock")
        let descriptor = open(lockURL.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AtomicFile.failure(lockURL, errno) }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw AtomicFile.failure(lockURL, errno) }
        defer { flock(descriptor, LOCK_UN) }

        let url = Self.url(root: root, name: plan.name)
        // Reading every run.json per update would make a sweep quadratic in its trials; one row is enough.
        let existing = try? read(url)
        var manifest: SweepManifest
        if let index, let existing, existing.trials.map(\.runID) == plan.trials.map(\.runID),
           existing.trials.map(\.index) == plan.trials.map(\.index) {
            manifest = existing
            manifest.spec = plan.file
            manifest.trials[index].status = status ?? Self.status(of: plan.trials[index], root: root)
        } else {
            manifest = SweepManifest(plan: plan, root: root)
            if let index, let status { manifest.trials[index].status = status }
            manifest.jobs = existing?.name == plan.name ? existing?.jobs : nil
        }
        if let job { manifest.jobs = (manifest.jobs ?? []) + [job] }
        try AtomicFile.writeJSON(manifest, to: url)
    }
}
