import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

/// Ctrl-C during `exp run`: SIGINT mid-epoch stops the run at the next step boundary with status `interrupted`
/// and exit code 130, leaves a complete last checkpoint, and a second `exp run` resumes it to exactly the
/// metrics of an uninterrupted run (one thread, same seed).
@Suite struct InterruptCommandTests {
    @Test func ctrlCInterruptsCleanlyAndTheRerunResumesToTheUninterruptedMetrics() throws {
        let workspace = try RunCommandTests.Workspace()
        defer { workspace.remove() }
        let environment = ProcessInfo.processInfo.environment.merging(
            ["EXP_CACHE": workspace.root.appendingPathComponent("cache").path]) { $1 }

        // The uninterrupted reference trains concurrently in its own runs root.
        let reference = Process()
        reference.executableURL = RunCommandTests.executable
        reference.arguments = ["run", workspace.spec.path, "--runs-dir", "a", "--threads", "1", "--quiet"]
        reference.currentDirectoryURL = workspace.root
        reference.environment = environment
        reference.standardOutput = FileHandle.nullDevice
        reference.standardError = FileHandle.nullDevice
        try reference.run()

        let (process, buffer, signalled) = try RunCommandTests.runSignalling(SIGINT, epoch: 3, step: 2,
                                                                             workspace: workspace, runsDirectory: "b")
        #expect(signalled, "never saw epoch 3 start: \(buffer.suffix(500))")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130)
        #expect(buffer.contains("interrupt: stopping after the current step"))

        let runs = workspace.root.appendingPathComponent("b/tiny")
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
        let directory = RunDirectory(existing: runs.appendingPathComponent(id))
        let record = try #require(try RunRecord.read(directory.record))
        #expect(record.status == .interrupted)
        // The flag is read between steps, so the run stops inside epoch 3 (or, if the signal arrived late on a loaded
        // machine, right after it): never at the end of training, and the history matches the checkpoint.
        let completed = record.epochsCompleted
        #expect(completed == 2 || completed == 3, "stopped after \(completed) epochs")
        #expect(try HistoryLog.read(directory.history).map(\.epoch) == Array(1...completed))

        // The last checkpoint is whole: it parses and validates, carries that epoch's loop state, and its optimizer
        // state file parses too; `exp predict` loads it into the network.
        let last = try Checkpoint.read(directory.checkpoint(.last))
        let loopText = try #require(last.metadata[SequentialTask.loopStateKey])
        let loop = try JSONDecoder().decode(LoopState.self, from: Data(loopText.utf8))
        #expect(loop.epoch == completed)
        #expect(!last.tensors.isEmpty)
        let optimizerFile = try #require(last.metadata[SequentialTask.optimizerFileKey])
        #expect(optimizerFile == String(format: "optimizer-e%05d.safetensors", completed))
        _ = try Checkpoint.read(directory.checkpoint(.last).deletingLastPathComponent().appendingPathComponent(optimizerFile))
        let predicted = try RunCommandTests.exp(["predict", "--run", "tiny", "--runs-dir", "b", "--checkpoint", "last",
                                                 "--format", "json", "corpus/Actor_04"], in: workspace.root)
        #expect(predicted.status == 0, "\(predicted.error)")
        #expect(try JSONDecoder().decode([Prediction].self, from: Data(predicted.output.utf8)).count == 60)

        let resumed = try RunCommandTests.exp(["run", workspace.spec.path, "--runs-dir", "b", "--threads", "1", "--quiet"],
                                              in: workspace.root)
        #expect(resumed.status == 0, "\(resumed.error)")
        let finished = try #require(try RunRecord.read(directory.record))
        #expect(finished.status == .completed && finished.epochsCompleted == 4 && finished.resumes == 1)

        reference.waitUntilExit()
        #expect(reference.terminationStatus == 0)
        let referenceDirectory = workspace.root.appendingPathComponent("a/tiny/\(id)")
        #expect(try Data(contentsOf: directory.metrics) == Data(contentsOf: referenceDirectory.appendingPathComponent("metrics.json")))
        let history = try HistoryLog.read(directory.history).map { "\($0.epoch) \($0.train) \($0.validation.map { "\($0)" } ?? "-") \($0.learningRate)" }
        let referenceHistory = try HistoryLog.read(referenceDirectory.appendingPathComponent("history.jsonl"))
            .map { "\($0.epoch) \($0.train) \($0.validation.map { "\($0)" } ?? "-") \($0.learningRate)" }
        #expect(history == referenceHistory)
    }
}
