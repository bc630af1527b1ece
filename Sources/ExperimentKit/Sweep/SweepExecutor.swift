import Foundation

/// Which share of a sweep one process runs: trial `i` belongs to shard `i mod count`.
public struct SweepShard: Sendable, Equatable, CustomStringConvertible {
    /// This shard, `0..<count`.
    public var index: Int
    /// Number of shards.
    public var count: Int

    /// Parses `I/N` (`--shard 2/8`, `$SLURM_ARRAY_TASK_ID/8`).
    /// - Throws: `SweepError.invalidShard` unless `0 <= I < N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count > 0, (0..<count).contains(index)
        else { throw SweepError.invalidShard(text) }
        self.index = index
        self.count = count
    }

    /// Whether trial `index` is in this shard. Round-robin, so every shard gets a similar mix of the sweep.
    public func contains(_ trial: Int) -> Bool { trial % count == index }

    public var description: String { "\(index)/\(count)" }
}

/// Runs the trials of a sweep plan: skips what is done, resumes what was interrupted, records every start and end
/// in `sweep.json`, and runs up to `jobs` trials at once. Exclusivity comes from the run layer's claims: a trial
/// held by another live process is left to it.
public enum SweepExecutor {
    /// How a sweep runs.
    public struct Options: Sendable {
        /// The runs root.
        public var runsRoot: URL
        /// Rerun failed and diverged trials (`--retry-failed`).
        public var retryFailed = false
        /// Rerun every trial not held by a live process, completed ones included (`--force`; the runner must
        /// force too).
        public var force = false
        /// Run only this share (`--shard I/N`).
        public var shard: SweepShard?
        /// Run only this trial (`--trial K`, how `-j N` workers are started).
        public var trial: Int?
        /// Trials run at once (`-j N`).
        public var jobs = 1
        /// Stop starting trials once raised.
        public var interrupt = InterruptFlag()
        /// Progress lines (default standard error).
        public var write: @Sendable (String) -> Void = { ProgressObserver.standardError($0) }

        /// Creates options.
        public init(runsRoot: URL) {
            self.runsRoot = runsRoot
        }
    }

    /// What a sweep invocation did.
    public struct Summary: Sendable, Equatable {
        /// Trial index → status reached, for trials this invocation ran.
        public var ran: [Int: SweepManifest.Status] = [:]
        /// Trial index → status, for trials left alone (completed, or failed without `--retry-failed`).
        public var skipped: [Int: SweepManifest.Status] = [:]
        /// Trials held by another live process.
        public var busy: [Int] = []
        /// Whether every trial this invocation ran completed.
        public var allCompleted: Bool { ran.values.allSatisfy { $0 == .completed } }
    }

    /// The trials this invocation is responsible for (`--trial`, `--shard`), in sweep order.
    /// - Throws: `SweepError.trialOutOfRange`.
    public static func selected(_ plan: SweepPlan, options: Options) throws -> [SweepTrial] {
        if let index = options.trial {
            guard plan.trials.indices.contains(index) else {
                throw SweepError.trialOutOfRange(index: index, count: plan.trials.count)
            }
            return [plan.trials[index]]
        }
        guard let shard = options.shard else { return plan.trials }
        return plan.trials.filter { shard.contains($0.index) }
    }

    /// Whether a trial in `status` is run: pending and interrupted ones are; failed and diverged ones only with
    /// `retryFailed`; completed and running (by a live process) ones never.
    public static func shouldRun(_ status: SweepManifest.Status, retryFailed: Bool) -> Bool {
        switch status {
        case .pending, .interrupted: true
        case .failed, .diverged: retryFailed
        case .completed, .running: false
        }
    }

    /// Runs the selected trials with `runner`.
    /// - Throws: `SweepError.trialOutOfRange`; `RunError` when `sweep.json` cannot be written.
    public static func run(_ plan: SweepPlan, options: Options, runner: any TrialRunner) throws -> Summary {
        let trials = try selected(plan, options: options)
        let manifest = plan.isSweep
        if manifest { try SweepManifest.update(plan: plan, root: options.runsRoot) }
        let state = SharedState()
        let jobs = max(1, min(options.jobs, trials.count))
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while !options.interrupt.isRaised, let position = state.next(below: trials.count) {
                let trial = trials[position]
                let status = SweepManifest.status(of: trial, root: options.runsRoot)
                guard shouldRun(status, retryFailed: options.retryFailed) || (options.force && status != .running) else {
                    state.record { $0.skipped[trial.index] = status }
                    continue
                }
                do {
                    if status == .diverged { try reopenDiverged(trial, root: options.runsRoot) }
                    if manifest { try SweepManifest.update(plan: plan, root: options.runsRoot, index: trial.index, status: .running) }
                    if manifest {
                        options.write("[\(trial.index + 1)/\(plan.trials.count)] \(plan.name)/\(trial.runID) "
                            + describe(trial) + "\n")
                    }
                    let result = runner.run(trial, of: plan)
                    if manifest { try SweepManifest.update(plan: plan, root: options.runsRoot, index: trial.index) }
                    state.record { summary in
                        switch result {
                        case .finished(let status): summary.ran[trial.index] = status
                        case .doneElsewhere(let status): summary.skipped[trial.index] = status
                        case .busy: summary.busy.append(trial.index)
                        }
                    }
                } catch {
                    state.fail(error)
                    options.interrupt.raise()
                }
            }
        }
        if let error = state.error { throw error }
        var summary = state.summary
        summary.busy.sort()
        return summary
    }

    /// `a=1 b=x` for a trial's swept values.
    public static func describe(_ trial: SweepTrial) -> String {
        trial.values.map { "\($0.path)=\($0.value)" }.joined(separator: " ")
    }

    /// A diverged run is skipped by the run layer (it would diverge again unchanged); `--retry-failed` asks for it
    /// anyway, so under the run's claim its record becomes `failed`, which the run layer retries from scratch.
    static func reopenDiverged(_ trial: SweepTrial, root: URL) throws {
        let directory = RunDirectory(existing: root.appendingPathComponent(trial.spec.resolved.name)
            .appendingPathComponent(trial.runID))
        let claim: RunClaim
        do {
            claim = try RunClaim.acquire(directory)
        } catch RunError.claimedByOther {
            return  // Another process has it; the runner will report it busy.
        }
        defer { claim.release() }
        guard var record = try RunRecord.read(directory.record), record.status == .diverged else { return }
        record.status = .failed
        record.error = "diverged (\(record.error ?? "non-finite loss")); rerun by --retry-failed"
        try record.write(directory.record)
    }

    /// BLAS threads per worker so that `jobs × threads ≤ cores` (at least 1).
    public static func threadsPerWorker(jobs: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        max(1, cores / max(1, jobs))
    }
}

/// The work queue and results shared by the executor's worker threads.
private final class SharedState: @unchecked Sendable {  // Every field is guarded by `lock`.
    private let lock = NSLock()
    private var position = 0
    private(set) var summary = SweepExecutor.Summary()
    private(set) var error: (any Error)?

    func next(below count: Int) -> Int? {
        lock.withLock {
            guard position < count, error == nil else { return nil }
            defer { position += 1 }
            return position
        }
    }

    func record(_ change: (inout SweepExecutor.Summary) -> Void) {
        lock.withLock { change(&summary) }
    }

    func fail(_ error: any Error) {
        lock.withLock { if self.error == nil { self.error = error } }
    }
}
