import Foundation
import Testing
@testable import ExperimentKit

@Suite struct SweepExecutorTests {
    func sixTrials(_ directory: URL) throws -> SweepPlan {
        try makePlan(try writeSweepSpec("sweep:\n  grid: {training.batch_size: [8, 16, 32]}\n  seeds: [1, 2]\n",
                                        directory: directory))
    }

    func manifestStatuses(_ root: URL, _ plan: SweepPlan) throws -> [SweepManifest.Status] {
        let manifest = try #require(try SweepManifest.read(SweepManifest.url(root: root, name: plan.name)))
        return manifest.trials.sorted { $0.index < $1.index }.map(\.status)
    }

    @Test func rerunContinuesWhereItStoppedAndRetryFailedRerunsOnlyFailures() throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("runs")
        let plan = try sixTrials(directory)
        var options = SweepExecutor.Options(runsRoot: root)
        options.write = { _ in }
        let interrupt = options.interrupt

        // First invocation: trial 2 fails, 3 is interrupted, 4 diverges and Ctrl-C stops the sweep before 5.
        let first = FakeTrialRunner(root: root) { trial in
            switch trial.index {
            case 2: return .failed
            case 3: return .interrupted
            case 4: interrupt.raise(); return .diverged
            default: return .completed
            }
        }
        let summary = try SweepExecutor.run(plan, options: options, runner: first)
        #expect(summary.ran == [0: .completed, 1: .completed, 2: .failed, 3: .interrupted, 4: .diverged])
        #expect(try manifestStatuses(root, plan) == [.completed, .completed, .failed, .interrupted, .diverged, .pending])
        let manifest = try #require(try SweepManifest.read(SweepManifest.url(root: root, name: plan.name)))
        #expect(manifest.trials[5].values == ["training.batch_size": "32", "seed": "2"])
        #expect(manifest.trials.map(\.runID) == plan.trials.map(\.runID))
        #expect(manifest.trials.map(\.configHash) == plan.trials.map(\.configHash))

        // Rerun: only the interrupted and the never-started trial.
        options.interrupt = InterruptFlag()
        let second = FakeTrialRunner(root: root)
        let rerun = try SweepExecutor.run(plan, options: options, runner: second)
        #expect(second.startCounts == [3: 1, 5: 1])
        #expect(rerun.skipped == [0: .completed, 1: .completed, 2: .failed, 4: .diverged])
        #expect(try manifestStatuses(root, plan) == [.completed, .completed, .failed, .completed, .diverged, .completed])

        // --retry-failed: the failed and the diverged trial, nothing else.
        options.retryFailed = true
        let third = FakeTrialRunner(root: root)
        let retried = try SweepExecutor.run(plan, options: options, runner: third)
        #expect(third.startCounts == [2: 1, 4: 1])
        #expect(retried.ran == [2: .completed, 4: .completed])
        #expect(try manifestStatuses(root, plan) == Array(repeating: .completed, count: 6))

        // Everything done: nothing runs.
        let fourth = FakeTrialRunner(root: root)
        _ = try SweepExecutor.run(plan, options: options, runner: fourth)
        #expect(fourth.startCounts.isEmpty)
    }

    @Test(arguments: [1, 2, 3, 5, 7]) func shardsPartitionTheSweep(_ count: Int) throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try sixTrials(directory)
        var seen: [Int] = []
        for index in 0..<count {
            var options = SweepExecutor.Options(runsRoot: directory)
            options.shard = try SweepShard(parsing: "\(index)/\(count)")
            let share = try SweepExecutor.selected(plan, options: options).map(\.index)
            #expect(share == (try SweepExecutor.selected(plan, options: options).map(\.index)))
            seen += share
        }
        #expect(seen.sorted() == Array(0..<6))
        #expect(Set(seen).count == seen.count)
    }

    @Test func shardAndTrialArgumentsAreChecked() {
        #expect(throws: SweepError.invalidShard("3/3")) { try SweepShard(parsing: "3/3") }
        #expect(throws: SweepError.invalidShard("1")) { try SweepShard(parsing: "1") }
        #expect(throws: SweepError.invalidShard("-1/2")) { try SweepShard(parsing: "-1/2") }
        #expect(SweepError.invalidShard("3/3").description == "--shard must be I/N with 0 <= I < N. Received: 3/3")
        #expect(SweepExecutor.threadsPerWorker(jobs: 3, cores: 8) == 2)
        #expect(SweepExecutor.threadsPerWorker(jobs: 4, cores: 2) == 1)
        #expect(SweepExecutor.threadsPerWorker(jobs: 1, cores: 2) == 2)
    }

    /// Several `exp run`s on one sweep, each with several workers, through the run layer's claims: every trial
    /// is trained exactly once, whether the runners share the whole sweep or each takes a shard.
    @Test(arguments: [2, 4]) func concurrentRunnersTrainEachTrialOnce(_ runners: Int) throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("runs")
        let plan = try makePlan(try writeSweepSpec("sweep:\n  grid: {training.batch_size: [4, 8, 16, 32, 64]}\n  seeds: [1, 2, 3]\n",
                                                   directory: directory))
        let fake = FakeTrialRunner(root: root, delay: 0.01)
        let summaries = Summaries()
        DispatchQueue.concurrentPerform(iterations: runners) { _ in
            var options = SweepExecutor.Options(runsRoot: root)
            options.jobs = 2
            options.write = { _ in }
            summaries.append(Result { try SweepExecutor.run(plan, options: options, runner: fake) })
        }
        #expect(fake.startCounts == Dictionary(uniqueKeysWithValues: (0..<15).map { ($0, 1) }))
        #expect(try manifestStatuses(root, plan) == Array(repeating: .completed, count: 15))
        #expect(summaries.values.count == runners)
        #expect(summaries.values.allSatisfy { (try? $0.get()) != nil })

        // The same with shards, as Slurm array tasks would run them.
        let sharded = FakeTrialRunner(root: directory.appendingPathComponent("sharded"), delay: 0.005)
        DispatchQueue.concurrentPerform(iterations: runners) { index in
            var options = SweepExecutor.Options(runsRoot: directory.appendingPathComponent("sharded"))
            options.shard = try? SweepShard(parsing: "\(index)/\(runners)")
            options.write = { _ in }
            summaries.append(Result { try SweepExecutor.run(plan, options: options, runner: sharded) })
        }
        #expect(sharded.startCounts == Dictionary(uniqueKeysWithValues: (0..<15).map { ($0, 1) }))
    }

    @Test func aDeadClaimantsTrialIsResumed() throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("runs")
        let plan = try sixTrials(directory)
        let trial = plan.trials[1]
        // A record left `running` by a process that no longer exists, with its claim still on disk.
        let run = try RunDirectory.create(root: root, name: plan.name, runID: trial.runID)
        var record = RunRecord(id: trial.runID, name: plan.name, seed: 1, threads: 1, expVersion: "test", gitCommit: nil,
                               host: RunClaim.hostName(), created: Date())
        record.status = .running
        try record.write(run.record)
        try FileManager.default.createDirectory(at: run.claim, withIntermediateDirectories: true)
        let dead = RunClaim.Owner(pid: Int32.max - 7, host: RunClaim.hostName(), started: "2026-01-01T00:00:00Z",
                                  processStart: nil)
        try JSONEncoder().encode(dead).write(to: run.claim.appendingPathComponent("lock"))
        #expect(SweepManifest.status(of: trial, root: root) == .interrupted)

        var options = SweepExecutor.Options(runsRoot: root)
        options.write = { _ in }
        let fake = FakeTrialRunner(root: root)
        _ = try SweepExecutor.run(plan, options: options, runner: fake)
        #expect(fake.startCounts == Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, 1) }))
        #expect(try RunRecord.read(run.record)?.resumes == 1)
    }
}

/// Results gathered from concurrent runners.
final class Summaries: @unchecked Sendable {  // `storage` is guarded by `lock`.
    private let lock = NSLock()
    private var storage: [Result<SweepExecutor.Summary, any Error>] = []
    var values: [Result<SweepExecutor.Summary, any Error>] { lock.withLock { storage } }
    func append(_ value: Result<SweepExecutor.Summary, any Error>) { lock.withLock { storage.append(value) } }
}
