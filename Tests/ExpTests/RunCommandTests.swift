import EmotionCorpus
import Foundation
import Testing
@testable import ExperimentKit

/// `exp run`, `exp show` and `exp predict` as child processes on a tiny synthesised corpus, including a run
/// killed with SIGKILL mid-epoch and resumed.
@Suite(.serialized) struct RunCommandTests {
    /// The `exp` executable built next to this test bundle.
    static var executable: URL {
        let directory = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]))
            .deletingLastPathComponent()
        return directory.appendingPathComponent("exp")
    }

    /// A temporary workspace holding a 4-actor, 8 kHz demo corpus and a spec training on it.
    struct Workspace {
        let root: URL
        var spec: URL { root.appendingPathComponent("tiny.yaml") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("exp-cli-\(getpid())-\(UInt32.random(in: 0 ... .max))")
            let corpus = root.appendingPathComponent("corpus")
            _ = try DemoCorpus.write(to: corpus.path, configuration: .init(actorCount: 4, seed: 11, sampleRate: 8000))
            let text = """
                name: tiny
                seed: 3
                data: {corpus: ravdess, root: \(corpus.path), sample_rate: 8000, duration: 1.0, normalize: peak}
                features: {type: mfcc, n_mfcc: 8, n_fft: 256, hop_length: 256, n_mels: 20}
                augment: [{type: noise, snr_db: [15, 30]}]
                model:
                  layers:
                    - {type: conv1d, filters: 8, kernel_size: 3, activation: relu}
                    - {type: maxpool1d, pool_size: 2}
                    - {type: lstm, units: 8}
                    - {type: dropout, rate: 0.2}
                    - {type: dense, units: classes, activation: softmax}
                optimizer: {type: adam, learning_rate: 0.01}
                schedule: {type: reduce_on_plateau, factor: 0.5, patience: 0}
                training: {epochs: 4, batch_size: 16, class_weights: balanced, grad_clip_norm: 5.0}
                split: {type: speaker_holdout, test_speakers: ["04"], validation_speakers: ["03"]}

                """
            try text.write(to: spec, atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    /// Runs `exp arguments` (or another build of it, `binary`) to completion in `directory`, with a cache of its own
    /// and `environment` changes (`nil` removes a variable); returns the exit status, standard output and standard error.
    @discardableResult
    static func exp(_ arguments: [String], in directory: URL, binary: URL = executable,
                    environment: [String: String?] = [:]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var variables = ProcessInfo.processInfo.environment
        variables["EXP_CACHE"] = directory.appendingPathComponent("cache").path
        for (key, value) in environment { variables[key] = value }
        process.environment = variables
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self),
                String(decoding: errorData, as: UTF8.self))
    }

    /// Runs `exp run` on the workspace's spec with JSON events into `runsDirectory`, sends `signal` once step `step`
    /// of epoch `epoch` has ended, and reads its events to the end; returns the exited process, the events and whether
    /// the signal was sent.
    static func runSignalling(_ signal: Int32, epoch: Int, step: Int, workspace: Workspace,
                              runsDirectory: String) throws -> (process: Process, events: String, signalled: Bool) {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["run", workspace.spec.path, "--runs-dir", runsDirectory, "--threads", "1", "--log-format", "json"]
        process.currentDirectoryURL = workspace.root
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["EXP_CACHE": workspace.root.appendingPathComponent("cache").path]) { $1 }
        let events = Pipe()
        process.standardError = events
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var buffer = "", signalled = false
        while true {
            let chunk = events.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer += String(decoding: chunk, as: UTF8.self)
            // Whole lines only: the last piece may be a line still being written.
            if !signalled, buffer.split(separator: "\n", omittingEmptySubsequences: false).dropLast().contains(where: {
                $0.contains("\"epoch\":\(epoch),\"event\":\"step_ended\"") && $0.contains("\"step\":\(step),")
            }) {
                kill(process.processIdentifier, signal)
                signalled = true
            }
        }
        process.waitUntilExit()
        return (process, buffer, signalled)
    }

    @Test func executableIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable.path), "\(Self.executable.path)")
    }

    @Test func runKilledMidEpochResumesToTheUninterruptedMetrics() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let reference = try Self.exp(["run", workspace.spec.path, "--runs-dir", "a", "--threads", "1", "--quiet"],
                                     in: workspace.root)
        #expect(reference.status == 0, "\(reference.error)")
        #expect(reference.error.contains("completed after 4 epochs"))

        // Kill the second runner with SIGKILL in the middle of epoch 3 (after its 3rd step).
        let (process, buffer, killed) = try Self.runSignalling(SIGKILL, epoch: 3, step: 3, workspace: workspace,
                                                                runsDirectory: "b")
        #expect(killed, "never saw epoch 3 start: \(buffer.suffix(500))")
        #expect(process.terminationReason == .uncaughtSignal)
        let runs = workspace.root.appendingPathComponent("b/tiny")
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
        let directory = RunDirectory(existing: runs.appendingPathComponent(id))
        #expect(try RunRecord.read(directory.record)?.status == .running)
        #expect(try RunRecord.read(directory.record)?.epochsCompleted == 2)

        let resumed = try Self.exp(["run", workspace.spec.path, "--runs-dir", "b", "--threads", "1", "--quiet"],
                                   in: workspace.root)
        #expect(resumed.status == 0, "\(resumed.error)")
        let metrics = try Data(contentsOf: directory.metrics)
        let referenceMetrics = try Data(contentsOf: workspace.root.appendingPathComponent("a/tiny/\(id)/metrics.json"))
        #expect(metrics == referenceMetrics)
        // Batches of 16 train as two shards planned by batch size alone: two threads repeat one thread's numbers.
        let twoThreads = try Self.exp(["run", workspace.spec.path, "--runs-dir", "c", "--threads", "2", "--quiet"],
                                      in: workspace.root)
        #expect(twoThreads.status == 0, "\(twoThreads.error)")
        #expect(try Data(contentsOf: workspace.root.appendingPathComponent("c/tiny/\(id)/metrics.json")) == referenceMetrics)
        let history = try HistoryLog.read(directory.history).map { "\($0.epoch) \($0.train) \($0.learningRate)" }
        let referenceHistory = try HistoryLog.read(workspace.root.appendingPathComponent("a/tiny/\(id)/history.jsonl"))
            .map { "\($0.epoch) \($0.train) \($0.learningRate)" }
        #expect(history == referenceHistory)

        let shown = try Self.exp(["show", "tiny", "--runs-dir", "b"], in: workspace.root)
        #expect(shown.status == 0)
        #expect(shown.output.contains("status     completed after 4 epochs"))
        #expect(shown.output.contains("resumed 1×"))
        #expect(shown.output.contains("confusion matrix (rows = truth, columns = prediction)"))

        let again = try Self.exp(["run", workspace.spec.path, "--runs-dir", "b"], in: workspace.root)
        #expect(again.status == 0)
        #expect(again.error.contains("tiny/\(id): already completed, skipped (--force reruns it)"))

        let predicted = try Self.exp(["predict", "--run", "tiny", "--runs-dir", "b", "--format", "json",
                                      "corpus/Actor_04"], in: workspace.root)
        #expect(predicted.status == 0, "\(predicted.error)")
        let predictions = try JSONDecoder().decode([Prediction].self, from: Data(predicted.output.utf8))
        #expect(predictions.count == 60)
        // A run directory given by its absolute path works from any directory, with the default runs root.
        let elsewhere = FileManager.default.temporaryDirectory
        let byPath = try Self.exp(["predict", "--run", runs.appendingPathComponent(id).path, "--format", "json",
                                   workspace.root.appendingPathComponent("corpus/Actor_04").path], in: elsewhere)
        #expect(byPath.status == 0, "\(byPath.error)")
        let fromElsewhere = try JSONDecoder().decode([Prediction].self, from: Data(byPath.output.utf8))
        #expect(fromElsewhere.map(\.label) == predictions.map(\.label))
    }

    @Test func invalidSpecIsReportedWithItsLocationAndNothingRuns() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let text = try String(contentsOf: workspace.spec, encoding: .utf8)
            .replacingOccurrences(of: "{type: lstm, units: 8}", with: "{type: lstmm, units: 8}")
        try text.write(to: workspace.spec, atomically: true, encoding: .utf8)
        let result = try Self.exp(["run", workspace.spec.path, "--runs-dir", "runs"], in: workspace.root)
        #expect(result.status == 1)
        #expect(result.error.contains("tiny.yaml:10:14: model.layers[2].type: unknown layer type 'lstmm'"),
                "\(result.error)")
        #expect(result.error.contains("Did you mean 'lstm'?"))
        #expect(!FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent("runs/tiny").path))
    }
}
