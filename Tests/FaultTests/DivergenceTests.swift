import Foundation
import Testing
@testable import ExperimentKit

/// NaN and infinity in the middle of training: the run is marked `diverged` with the epoch, and the sweep goes on.
@Suite struct DivergenceTests {
    /// Trial 0 gets a NaN in a first-layer gradient in its 8th step (epoch 3, step 2 of 3): the ReLU after that layer
    /// hides it from the loss, so only the end-of-epoch weight check can see it. Trial 1 has a learning rate that
    /// overflows the logits for real. Trial 2 is healthy.
    @Test func divergedTrialsAreMarkedWithTheirEpochAndTheSweepGoesOn() throws {
        let workspace = try FaultWorkspace("diverge")
        defer { workspace.remove() }
        try workspace.spec("blowup", epochs: 4, extra: """
            sweep:
              grid:
                optimizer.learning_rate: [0.01, 3.0e+38, 0.02]
            """)
        let arguments = ["run", "blowup.yaml", "--runs-dir", "runs", "--threads", "1", "--quiet"]
        let ending = try workspace.exp(arguments, environment: [FaultInjection.variable: "nan-gradient:8"])
        #expect(!ending.killed)
        #expect(ending.status != 0, "a sweep with diverged trials reports them")

        let runs = workspace.root.appendingPathComponent("runs")
        let manifest = try #require(try SweepManifest.read(SweepManifest.url(root: runs, name: "blowup")))
        #expect(manifest.trials.map(\.status) == [.diverged, .diverged, .completed])
        let records = try manifest.trials.map { trial in
            try #require(try RunRecord.read(runs.appendingPathComponent("blowup/\(trial.runID)/run.json")))
        }
        #expect(records[0].status == .diverged)
        #expect(records[0].epochsCompleted == 2)
        #expect(records[0].error?.contains("0.weight became NaN or infinite in epoch 3") == true, "\(records[0].error ?? "no error")")
        #expect(records[1].status == .diverged)
        #expect(records[1].error?.contains("in epoch 1") == true, "\(records[1].error ?? "no error")")
        #expect(records[2].status == .completed)
        #expect(records[2].epochsCompleted == 4)
        for trial in manifest.trials {
            let integrity = RunIntegrity(runs.appendingPathComponent("blowup/\(trial.runID)"))
            #expect(integrity.torn.isEmpty, "\(integrity.torn)")
            #expect(integrity.temporaries.isEmpty)
        }
        // The diverged run keeps its last good epochs: history and checkpoint of epoch 2.
        let diverged = runs.appendingPathComponent("blowup/\(manifest.trials[0].runID)")
        #expect(try HistoryLog.read(diverged.appendingPathComponent("history.jsonl")).map(\.epoch) == [1, 2])

        // Running the sweep again leaves diverged trials alone (they would diverge again) and retrains nothing.
        let again = try workspace.exp(arguments)
        #expect(again.error.contains("0 ran"), "\(again.error)")
        #expect(try RunRecord.read(diverged.appendingPathComponent("run.json"))?.status == .diverged)
    }
}
