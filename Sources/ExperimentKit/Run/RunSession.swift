import Foundation

/// One run's life on disk: claim its directory, decide fresh/resume/skip, write `spec.yaml` and `run.json`, and
/// record the outcome (`metrics.json`, final `run.json`) before releasing the claim.
public final class RunSession {
    /// What `exp run` does with a run directory.
    public enum Plan: Sendable, Equatable {
        /// Nothing usable there (or `--force`): train from scratch.
        case fresh
        /// A run that was interrupted or killed: continue from `checkpoints/last.safetensors`.
        case resume(fromEpoch: Int)
        /// Already completed (or diverged, which would diverge again with the same spec): nothing to do.
        case skip(RunStatus)
    }

    /// The run directory.
    public let directory: RunDirectory
    /// What this session does.
    public let plan: Plan
    /// The record as last written.
    public private(set) var record: RunRecord
    private let claim: RunClaim?

    /// Opens `<root>/<name>/<id>/`, claims it and plans the work.
    ///
    /// Completed and diverged runs are skipped and failed runs are retried from scratch, unless `force` reruns
    /// everything from scratch. A skipped session holds no claim.
    /// - Throws: `RunError.claimedByOther` when another live process owns the run; `RunError` on file errors.
    public init(root: URL, name: String, id: String, resolvedSpec: String, seed: UInt64, threads: Int,
                expVersion: String, force: Bool, now: Date = Date()) throws {
        let directory = try RunDirectory.create(root: root, name: name, runID: id)
        let claim = try RunClaim.acquire(directory)
        self.directory = directory
        let existing: RunRecord?
        do {
            existing = try RunRecord.read(directory.record)
        } catch {
            // An unreadable record cannot come from an atomic write; treat the directory as unusable and start over.
            existing = nil
        }
        let host = RunClaim.hostName()
        if let existing, !force, existing.status == .completed || existing.status == .diverged {
            claim.release()
            self.claim = nil
            self.plan = .skip(existing.status)
            self.record = existing
            return
        }
        self.claim = claim
        try directory.prepare()
        // A killed writer may have left temporaries anywhere in the run (dvclive/ and tensorboard/ included).
        AtomicFile.removeStaleTemporaries(in: directory.url, recursive: true)
        if let existing, !force, existing.status.isResumable {
            var record = existing
            record.status = .running
            record.error = nil
            record.resumes += 1
            record.host = host
            record.blas = .current
            record.timings.started = now
            record.timings.ended = nil
            self.record = record
            self.plan = .resume(fromEpoch: existing.epochsCompleted)
        } else {
            try Self.removeArtifacts(directory)
            self.record = RunRecord(id: id, name: name, seed: seed, threads: threads, expVersion: expVersion,
                                    gitCommit: Provenance.gitCommit(), host: host, created: now)
            self.record.blas = .current
            self.plan = .fresh
            try AtomicFile.write(resolvedSpec, to: directory.spec)
        }
        try record.write(directory.record)
    }

    /// Updates `run.json` (e.g. with the data fingerprint and split, or after each epoch).
    /// - Throws: `RunError.writeFailed`.
    public func update(_ change: (inout RunRecord) -> Void) throws {
        change(&record)
        try record.write(directory.record)
    }

    /// Records the loop's outcome: `metrics.json` when completed, then the final `run.json`; releases the claim.
    /// - Throws: `RunError.writeFailed`; the claim is released either way.
    public func finish(_ outcome: TrainingLoop.Outcome, now: Date = Date()) throws {
        defer { claim?.release() }
        // The outcome is the one write worth a directory fsync: a run reported finished must stay finished.
        if let test = outcome.test { try AtomicFile.writeJSON(test, to: directory.metrics, durable: true) }
        record.status = outcome.status
        record.error = outcome.error
        record.epochsCompleted = outcome.epochsCompleted
        record.bestEpoch = outcome.bestEpoch
        record.timings.elapsedSeconds = outcome.elapsedSeconds
        record.timings.ended = outcome.status == .interrupted ? nil : now
        try AtomicFile.writeJSON(record, to: directory.record, durable: true)
    }

    /// Records a failure before the loop could start (e.g. unreadable data), then releases the claim.
    /// - Throws: `RunError.writeFailed`.
    public func fail(_ error: any Error, now: Date = Date()) throws {
        defer { claim?.release() }
        record.status = .failed
        record.error = "\(error)"
        record.timings.ended = now
        try record.write(directory.record)
    }

    /// Gives the claim up without recording anything (the run stays resumable).
    public func release() {
        claim?.release()
    }

    private static func removeArtifacts(_ directory: RunDirectory) throws {
        for url in [directory.history, directory.metrics, directory.log, directory.checkpoint(.best),
                    directory.checkpoint(.last), directory.spec] {
            if unlink(url.path) != 0 && errno != ENOENT { throw AtomicFile.failure(url, errno) }
        }
    }
}
