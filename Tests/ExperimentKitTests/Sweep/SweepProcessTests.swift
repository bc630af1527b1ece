import Foundation
import Testing
@testable import ExperimentKit

/// Real `exp` processes on a real (tiny, synthesised) sweep: several runners at once, `-j` workers and shards.
@Suite(.serialized) struct SweepProcessTests {
    /// The `exp` built next to this test bundle.
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("exp")

    static let spec = """
        name: e2e
        seed: 3
        data: {corpus: ravdess, root: corpus, sample_rate: 8000, duration: 0.5, normalize: peak}
        features: {type: mfcc, n_mfcc: 8, n_fft: 256, hop_length: 128, win_length: 256, n_mels: 16, deltas: false}
        model:
          layers:
            - {type: global_average_pooling1d}
            - {type: dense, units: classes, activation: softmax}
        split: {type: speaker_kfold, k: 2}
        training: {epochs: 1, batch_size: 32}
        sweep:
          grid: {optimizer.learning_rate: [0.01, 0.001]}
          folds: all

        """

    /// Starts `exp arguments` in `directory`; returns a handle to wait on and the file its stderr goes to.
    func start(_ arguments: [String], in directory: URL, label: String) throws -> (Process, URL) {
        let log = directory.appendingPathComponent("\(label).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["EXP_CACHE"] = directory.appendingPathComponent("cache").path
        process.environment = environment
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return (process, log)
    }

    /// Runs the processes to the end; returns each one's exit status and the count of its "N ran" summary.
    func finish(_ started: [(Process, URL)]) throws -> [(status: Int32, ran: Int, log: String)] {
        try started.map { process, log in
            process.waitUntilExit()
            let text = try String(contentsOf: log, encoding: .utf8)
            let ran = text.firstMatch(of: /e2e: (\d+) ran/).flatMap { Int($0.1) } ?? -1
            return (process.terminationStatus, ran, text)
        }
    }

    @Test func concurrentProcessesAndShardsTrainEachTrialOnce() throws {
        let directory = try makeTemporaryDirectory("exp-sweep-e2e")
        defer { try? FileManager.default.removeItem(at: directory) }
        let synth = try finish([try start(["data", "synth", "--out", "corpus", "--actors", "2", "--sample-rate", "8000"],
                                          in: directory, label: "synth")])
        #expect(synth[0].status == 0, "\(synth[0].log)")
        try Self.spec.write(to: directory.appendingPathComponent("e2e.yaml"), atomically: true, encoding: .utf8)
        let plan = try makePlan(directory.appendingPathComponent("e2e.yaml").path)
        #expect(plan.trials.count == 4)

        // Three runners on one sweep, one of them with two worker processes.
        let common = ["sweep", "run", "e2e.yaml", "--runs-dir", "runs", "--quiet", "--threads", "1"]
        let runners = try finish([
            try start(common, in: directory, label: "a"),
            try start(common, in: directory, label: "b"),
            try start(common + ["-j", "2"], in: directory, label: "c"),
        ])
        for runner in runners { #expect(runner.status == 0, "\(runner.log)") }
        #expect(runners.map(\.ran).reduce(0, +) == 4, "\(runners.map(\.log))")
        let root = directory.appendingPathComponent("runs")
        let manifest = try #require(try SweepManifest.read(SweepManifest.url(root: root, name: "e2e")))
        #expect(manifest.trials.map(\.status) == Array(repeating: .completed, count: 4))
        for trial in plan.trials {
            let run = root.appendingPathComponent("e2e").appendingPathComponent(trial.runID)
            let record = try #require(try RunRecord.read(run.appendingPathComponent("run.json")))
            #expect(record.status == .completed)
            #expect(record.resumes == 0)
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("metrics.json").path))
        }

        // Rerun: nothing left to do.
        let again = try finish([try start(common, in: directory, label: "again")])
        #expect(again[0].ran == 0)
        #expect(again[0].log.contains("4 already completed"))

        // Two shards at once, as two array tasks: disjoint halves whose union is the sweep.
        let sharded = ["sweep", "run", "e2e.yaml", "--runs-dir", "sharded", "--quiet", "--threads", "1", "--shard"]
        let shards = try finish([try start(sharded + ["0/2"], in: directory, label: "s0"),
                                 try start(sharded + ["1/2"], in: directory, label: "s1")])
        #expect(shards.map(\.status) == [0, 0], "\(shards.map(\.log))")
        #expect(shards.map(\.ran) == [2, 2])
        let runIDs = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("sharded/e2e").path)
            .filter { $0.hasPrefix("e2e-") }
        #expect(Set(runIDs) == Set(plan.trials.map(\.runID)))
    }
}
