import Foundation
import Testing
@testable import ExperimentKit

@Suite struct RunLoopTests {
    let configuration = TrainingLoop.Configuration(epochs: 8, batchSize: 8, seed: 42, monitor: Monitor("val_uar"),
                                                   patience: 20)

    /// Trains the session's run with `task`; returns the outcome after recording it.
    func train(_ task: SoftmaxTask, root: URL, force: Bool = false, configuration: TrainingLoop.Configuration? = nil,
               observers: (InterruptFlag) -> [any TrainingObserver] = { _ in [] }) throws
        -> (RunSession, TrainingLoop.Outcome?) {
        let session = try RunSession(root: root, name: "softmax", id: "softmax-0001", resolvedSpec: "name: softmax\n",
                                     seed: 42, threads: 1, expVersion: "test", force: force)
        if case .skip = session.plan { return (session, nil) }
        let flag = InterruptFlag()
        let loop = TrainingLoop(task: task, directory: session.directory, name: "softmax", id: "softmax-0001",
                                configuration: configuration ?? self.configuration, observers: observers(flag),
                                interrupt: flag)
        loop.epochCommitted = { state in try session.update { $0.epochsCompleted = state.epoch } }
        var resume = false
        if case .resume = session.plan { resume = true }
        let outcome = loop.run(resume: resume)
        try session.finish(outcome)
        return (session, outcome)
    }

    /// Metric fields of the history (timings differ between processes and are left out).
    func metricHistory(_ directory: RunDirectory) throws -> [String] {
        try HistoryLog.read(directory.history).map {
            "\($0.epoch) \($0.learningRate) \($0.train) \(String(describing: $0.validation))"
        }
    }

    @Test func interruptedThenResumedRunEndsExactlyLikeAnUninterruptedOne() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        let otherRoot = try makeTemporaryDirectory("exp-runs")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: otherRoot)
        }
        let (reference, referenceOutcome) = try train(SoftmaxTask(), root: otherRoot)
        #expect(referenceOutcome?.status == .completed)
        #expect(referenceOutcome?.epochsCompleted == 8)

        let first = SoftmaxTask()
        let (session, outcome) = try train(first, root: root) { [InterruptAfterEpoch(epoch: 3, flag: $0)] }
        #expect(outcome?.status == .interrupted)
        #expect(outcome?.epochsCompleted == 3)
        #expect(try RunRecord.read(session.directory.record)?.status == .interrupted)
        #expect(!FileManager.default.fileExists(atPath: session.directory.metrics.path))
        #expect(!FileManager.default.fileExists(atPath: session.directory.claim.path))

        let second = SoftmaxTask()
        let (resumed, resumedOutcome) = try train(second, root: root)
        #expect(resumed.plan == .resume(fromEpoch: 3))
        #expect(second.epochsBegun == [4, 5, 6, 7, 8])
        #expect(second.stepsTaken == 5 * 8)
        #expect(resumedOutcome?.test == referenceOutcome?.test)
        #expect(resumedOutcome?.bestEpoch == referenceOutcome?.bestEpoch)
        #expect(try metricHistory(resumed.directory) == metricHistory(reference.directory))
        let metrics = try Data(contentsOf: resumed.directory.metrics)
        #expect(metrics == (try Data(contentsOf: reference.directory.metrics)))
        let record = try #require(try RunRecord.read(resumed.directory.record))
        #expect(record.status == .completed && record.resumes == 1 && record.epochsCompleted == 8)
    }

    /// A kill after the history line of epoch 5 but before its checkpoint: run.json still says `running`, the history
    /// has one line more than the checkpoint. Resuming must drop that line and redo epoch 5.
    @Test func killedRunIsResumedWithTheHistoryTruncatedToItsCheckpoint() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        let otherRoot = try makeTemporaryDirectory("exp-runs")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: otherRoot)
        }
        let (reference, referenceOutcome) = try train(SoftmaxTask(), root: otherRoot)
        let (session, _) = try train(SoftmaxTask(), root: root) { [InterruptAfterEpoch(epoch: 4, flag: $0)] }
        var history = try HistoryLog.read(session.directory.history)
        history.append(epochRecord(5, valUAR: 0.99))
        try HistoryLog.write(history, to: session.directory.history)
        try session.update { $0.status = .running }
        try Data("torn".utf8).write(to: session.directory.checkpoints.appendingPathComponent(".tmp-last.safetensors.1.2"))

        let task = SoftmaxTask()
        let (resumed, outcome) = try train(task, root: root)
        #expect(resumed.plan == .resume(fromEpoch: 4))
        #expect(task.epochsBegun.first == 5)
        #expect(outcome?.test == referenceOutcome?.test)
        #expect(try metricHistory(resumed.directory) == metricHistory(reference.directory))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: resumed.directory.checkpoints.path).sorted()
        #expect(leftovers == ["best.safetensors", "last.safetensors"])
    }

    @Test func completedRunsAreSkippedAndForceRerunsThem() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try train(SoftmaxTask(), root: root)
        let task = SoftmaxTask()
        let (skipped, outcome) = try train(task, root: root)
        #expect(skipped.plan == .skip(.completed))
        #expect(outcome == nil && task.stepsTaken == 0)
        let forced = SoftmaxTask()
        let (rerun, rerunOutcome) = try train(forced, root: root, force: true)
        #expect(rerun.plan == .fresh)
        #expect(forced.epochsBegun == Array(1 ... 8))
        #expect(rerunOutcome?.status == .completed)
        #expect(try HistoryLog.read(rerun.directory.history).count == 8)
    }

    @Test func divergedRunStopsAndIsNotRetried() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: root) }
        let task = SoftmaxTask()
        task.divergeAtEpoch = 3
        let (session, outcome) = try train(task, root: root)
        #expect(outcome?.status == .diverged)
        #expect(outcome?.error == "training loss became nan in epoch 3, step 1")
        #expect(outcome?.epochsCompleted == 2)
        let record = try #require(try RunRecord.read(session.directory.record))
        #expect(record.status == .diverged && record.error == "training loss became nan in epoch 3, step 1")
        #expect(try HistoryLog.read(session.directory.history).count == 2)
        let (again, _) = try train(SoftmaxTask(), root: root)
        #expect(again.plan == .skip(.diverged))
    }

    @Test func failedRunRecordsTheErrorAndIsRetriedFromScratch() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: root) }
        let task = SoftmaxTask()
        task.failAtEpoch = 2
        let (session, outcome) = try train(task, root: root)
        #expect(outcome?.status == .failed)
        #expect(try RunRecord.read(session.directory.record)?.error == "epoch 2: feature file vanished")
        let retry = SoftmaxTask()
        let (again, againOutcome) = try train(retry, root: root)
        #expect(again.plan == .fresh && againOutcome?.status == .completed)
        #expect(retry.epochsBegun.first == 1)
    }

    @Test func earlyStoppingStopsAndTheBestEpochIsEvaluated() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: root) }
        var configuration = self.configuration
        configuration.epochs = 40
        configuration.patience = 2
        configuration.monitor = Monitor("val_loss")
        let task = SoftmaxTask()
        let recorder = EventRecorder()
        let (session, outcome) = try train(task, root: root, configuration: configuration) { _ in [recorder] }
        let history = try HistoryLog.read(session.directory.history)
        let outcomeValue = try #require(outcome)
        #expect(outcomeValue.status == .completed)
        #expect(outcomeValue.epochsCompleted < 40, "early stopping never triggered")
        let losses = history.compactMap { $0.validation?.loss }
        let bestEpoch = try #require(outcomeValue.bestEpoch)
        #expect(losses[bestEpoch - 1] == losses.min())
        #expect(outcomeValue.epochsCompleted - bestEpoch == 2)
        #expect(outcomeValue.processSeconds >= outcomeValue.processComputeSeconds)
        #expect(outcomeValue.processComputeSeconds > 0)
        let overhead = try #require(outcomeValue.overheadFraction)
        #expect((0 ... 1).contains(overhead))
        // The test metrics are those of the best weights: re-evaluating best.safetensors gives the same.
        let check = SoftmaxTask()
        _ = try check.loadCheckpoint(from: session.directory.checkpoint(.best))
        #expect(try check.evaluate(.test) == outcomeValue.test)
        let bestSaves = recorder.events.filter {
            if case .checkpointSaved(.best, _) = $0 { return true } else { return false }
        }
        #expect(bestSaves.count == Set(history.indices.filter { losses[$0] == losses[...$0].min() }).count)
        guard case .runEnded(let summary) = recorder.events.last else {
            Issue.record("last event is not runEnded")
            return
        }
        #expect(summary.status == .completed && summary.bestEpoch == bestEpoch)
    }

    @Test func dataOrderIsAPermutationFixedBySeedAndEpoch() {
        let a = DataOrder.permutation(count: 50, seed: 42, epoch: 3)
        #expect(a.sorted() == Array(0 ..< 50))
        #expect(a == DataOrder.permutation(count: 50, seed: 42, epoch: 3))
        #expect(a != DataOrder.permutation(count: 50, seed: 42, epoch: 4))
        #expect(a != DataOrder.permutation(count: 50, seed: 43, epoch: 3))
        #expect(DataOrder.permutation(count: 1, seed: 1, epoch: 1) == [0])
    }
}
