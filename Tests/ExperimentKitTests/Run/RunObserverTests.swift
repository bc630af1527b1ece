import Foundation
import Testing
@testable import ExperimentKit

@Suite struct RunObserverTests {
    @Test func monitorModeIsInferredFromTheName() {
        #expect(Monitor("val_loss").mode == .min)
        #expect(Monitor("loss").mode == .min)
        #expect(Monitor("val_uar").mode == .max)
        #expect(Monitor("val_accuracy").mode == .max)
        #expect(Monitor("val_loss", mode: .max).mode == .max)
        #expect(Monitor.validNames.contains("train_macro_f1"))
    }

    @Test func earlyStoppingFollowsKerasPatienceAndMinDelta() {
        let stopping = EarlyStopper(monitor: Monitor("val_uar"), patience: 2, minDelta: 0.01)
        let values = [0.30, 0.50, 0.505, 0.60, 0.59, 0.605]
        var decisions: [TrainingDecision] = []
        for (index, value) in values.enumerated() {
            decisions.append(stopping.handle(.epochEnded(epochRecord(index + 1, valUAR: value))))
        }
        // 0.505 and 0.605 are within min_delta of the best, so epochs 5 and 6 are the two non-improving ones.
        #expect(decisions == [.proceed, .proceed, .proceed, .proceed, .proceed, .stop])
        #expect(stopping.state == EarlyStopper.State(best: 0.60, bestEpoch: 4, wait: 2, stoppedEpoch: 6))
    }

    @Test func earlyStoppingOnLossMinimisesAndResumesFromState() {
        let first = EarlyStopper(monitor: Monitor("val_loss"), patience: 1)
        _ = first.handle(.epochEnded(epochRecord(1, valUAR: 0.5, loss: 1.0)))
        _ = first.handle(.epochEnded(epochRecord(2, valUAR: 0.5, loss: 0.8)))
        #expect(first.state.bestEpoch == 2)
        // A resumed run restores the state and must stop exactly where the uninterrupted one would.
        let resumed = EarlyStopper(monitor: Monitor("val_loss"), patience: 1)
        resumed.state = first.state
        #expect(resumed.handle(.epochEnded(epochRecord(3, valUAR: 0.5, loss: 0.9))) == .stop)
        #expect(resumed.state.stoppedEpoch == 3)
    }

    @Test func nonFiniteOrMissingValuesNeverImprove() {
        let stopping = EarlyStopper(monitor: Monitor("val_uar"), patience: 1)
        #expect(stopping.handle(.epochEnded(epochRecord(1, valUAR: .nan))) == .stop)
        let noValidation = EarlyStopper(monitor: Monitor("val_uar"), patience: 3)
        for epoch in 1 ... 2 { #expect(noValidation.handle(.epochEnded(epochRecord(epoch))) == .proceed) }
        #expect(noValidation.handle(.epochEnded(epochRecord(3))) == .stop)
        #expect(noValidation.state.bestEpoch == nil)
    }

    @Test func bestTrackerReportsNewBests() {
        var tracker = BestTracker(monitor: Monitor("val_uar"))
        let improved = [0.4, 0.4, 0.7].enumerated().map { tracker.update(epochRecord($0.offset + 1, valUAR: $0.element)) }
        #expect(improved == [true, false, true])
        #expect(tracker.bestEpoch == 3 && tracker.best == 0.7)
    }

    @Test func plainProgressPrintsOneLinePerEpochAndNoSteps() {
        var output = ""
        var now = 0.0
        let observer = ProgressObserver(style: .plain, write: { output += $0 }, clock: { now })
        let info = RunInfo(name: "demo", id: "demo-ab12", epochs: 4, stepsPerEpoch: 2, firstEpoch: 1)
        _ = observer.handle(.runStarted(info))
        for step in 1 ... 2 {
            now += 1
            _ = observer.handle(.stepEnded(StepProgress(epoch: 1, step: step, stepsPerEpoch: 2, loss: 1, accuracy: 0)))
        }
        _ = observer.handle(.epochEnded(epochRecord(1, valUAR: 0.25)))
        _ = observer.handle(.runEnded(RunSummary(status: .completed, epochsCompleted: 1, bestEpoch: 1, test: nil,
                                                 error: nil)))
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines == [
            "demo/demo-ab12: 4 epochs × 2 steps",
            "epoch 1/4 loss 1.0000 acc 0.5000 uar 0.5000 | val loss 1.0000 acc 0.2500 uar 0.2500 f1 0.2500 "
                + "lr 0.001 (1.5s) ETA 6.0s",
            "demo/demo-ab12: completed after 1 epochs (best 1)",
            "",
        ])
        #expect(!output.contains("\r"))
    }

    @Test func progressWithASelectionShowsTheSpecsMetricsOnly() {
        var output = ""
        let observer = ProgressObserver(style: .plain, write: { output += $0 }, clock: { 0 },
                                        selection: MetricSelection([.uar]))
        _ = observer.handle(.runStarted(RunInfo(name: "demo", id: "demo-ab12", epochs: 4, stepsPerEpoch: 2,
                                                firstEpoch: 1)))
        _ = observer.handle(.epochEnded(epochRecord(1, valUAR: 0.25)))
        let test = ClassificationMetrics(truth: [0, 1, 1, 0], predicted: [0, 1, 0, 0], classNames: ["a", "b"], loss: 0.5)
        _ = observer.handle(.runEnded(RunSummary(status: .completed, epochsCompleted: 1, bestEpoch: 1, test: test,
                                                 error: nil)))
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("epoch 1/4 loss 1.0000 uar 0.5000 | val loss 1.0000 uar 0.2500 lr 0.001"))
        #expect(lines[2] == "demo/demo-ab12: completed after 1 epochs (best 1): test loss 0.5000  uar 0.7500")
        #expect(!output.contains("acc") && !output.contains("f1"))
    }

    @Test func terminalProgressRewritesOneLine() {
        var output = ""
        var now = 0.0
        let observer = ProgressObserver(style: .terminal, write: { output += $0 }, clock: { now })
        _ = observer.handle(.runStarted(RunInfo(name: "d", id: "i", epochs: 2, stepsPerEpoch: 3, firstEpoch: 2)))
        for step in 1 ... 3 {
            now += 0.5
            _ = observer.handle(.stepEnded(StepProgress(epoch: 2, step: step, stepsPerEpoch: 3, loss: 0.5,
                                                        accuracy: 0.75)))
        }
        #expect(output.contains("resuming at epoch 2"))
        #expect(output.contains("\r\u{1B}[2Kepoch 2/2 step 3/3 loss 0.5000 acc 0.7500 ETA 0.0s"))
        #expect(output.filter { $0 == "\n" }.count == 1)
        _ = observer.handle(.epochEnded(epochRecord(2)))
        #expect(output.hasSuffix("\r\u{1B}[2Kepoch 2/2 loss 1.0000 acc 0.5000 uar 0.5000 lr 0.001 (1.5s) ETA 0.0s\n"))
    }

    @Test func jsonProgressIsOneObjectPerLine() throws {
        var output = ""
        let observer = ProgressObserver(style: .json, write: { output += $0 })
        _ = observer.handle(.epochEnded(epochRecord(3, valUAR: 0.5)))
        _ = observer.handle(.checkpointSaved(kind: .best, epoch: 3))
        _ = observer.handle(.runEnded(RunSummary(status: .diverged, epochsCompleted: 3, bestEpoch: nil, test: nil,
                                                 error: "loss became NaN")))
        let lines = output.split(separator: "\n")
        #expect(lines.count == 3)
        let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects[0]["event"] as? String == "epoch_ended")
        #expect((objects[0]["metrics"] as? [String: Any])?["epoch"] as? Int == 3)
        #expect(objects[1]["kind"] as? String == "best")
        #expect(objects[2]["status"] as? String == "diverged")
        #expect(objects[2]["error"] as? String == "loss became NaN")
    }

    @Test func quietProgressPrintsOnlyTheEnd() {
        var output = ""
        let observer = ProgressObserver(style: .quiet, write: { output += $0 })
        _ = observer.handle(.epochEnded(epochRecord(1)))
        #expect(output.isEmpty)
        _ = observer.handle(.runEnded(RunSummary(status: .failed, epochsCompleted: 0, bestEpoch: nil, test: nil,
                                                 error: "boom")))
        #expect(output == "failed after 0 epochs: boom\n")
    }

    @Test func logFileKeepsEarlierContentAndIsWrittenPerEpoch() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("log.txt")
        try "from the first process\n".write(to: file, atomically: true, encoding: .utf8)
        let log = LogFileObserver(url: file)
        log.note("resumed from epoch 1")
        _ = log.handle(.stepEnded(StepProgress(epoch: 2, step: 1, stepsPerEpoch: 1, loss: 1, accuracy: 1)))
        _ = log.handle(.epochEnded(epochRecord(2)))
        #expect(try String(contentsOf: file, encoding: .utf8) == "from the first process\n")
        _ = log.handle(.checkpointSaved(kind: .last, epoch: 2))
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasPrefix("from the first process\nresumed from epoch 1\nepoch 2 loss 1.0000"))
        #expect(!text.contains("step"))
    }
}
