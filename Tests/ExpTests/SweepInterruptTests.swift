import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

/// SIGTERM to the parent of `exp run … -j 2`, as a scheduler, `timeout`, systemd or a pod's init sends it: the
/// parent passes it on, so both trial workers stop after their current step with their last checkpoint instead of
/// training to the end.
@Suite struct SweepInterruptTests {
    @Test func sigtermToTheParentStopsEveryWorkerAfterItsStep() throws {
        let workspace = try RunCommandTests.Workspace()
        defer { workspace.remove() }
        let epochs = 40
        let process = Process()
        process.executableURL = RunCommandTests.executable
        process.arguments = ["run", workspace.spec.path, "optimizer.learning_rate=0.01,0.003", "training.epochs=\(epochs)",
                             "-j", "2", "--runs-dir", "runs", "--quiet"]
        process.currentDirectoryURL = workspace.root
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["EXP_CACHE": workspace.root.appendingPathComponent("cache").path]) { $1 }
        let log = workspace.root.appendingPathComponent("parent.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()

        // Both workers are training once each run has an epoch in its history.
        let runs = workspace.root.appendingPathComponent("runs/tiny")
        func runDirectories() -> [RunDirectory] {
            ((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []).filter { $0.hasPrefix("tiny-") }.sorted()
                .map { RunDirectory(existing: runs.appendingPathComponent($0)) }
        }
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline, process.isRunning {
            let started = runDirectories().filter { ((try? HistoryLog.read($0.history)) ?? []).count >= 1 }
            if started.count == 2 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(process.isRunning, "the sweep ended before both workers had trained an epoch")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let output = try String(contentsOf: log, encoding: .utf8)
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(output)")

        let directories = runDirectories()
        #expect(directories.count == 2)
        for directory in directories {
            let record = try #require(try RunRecord.read(directory.record))
            // Without forwarding, the workers trained all 40 epochs after the parent's signal.
            #expect(record.status == .interrupted, "\(directory.url.lastPathComponent): \(record.status)\n\(output)")
            #expect((1 ..< epochs).contains(record.epochsCompleted), "stopped after \(record.epochsCompleted) epochs")
            #expect(try HistoryLog.read(directory.history).map(\.epoch) == Array(1 ... record.epochsCompleted))
            let last = try Checkpoint.read(directory.checkpoint(.last))
            let loopText = try #require(last.metadata[SequentialTask.loopStateKey])
            let loop = try JSONDecoder().decode(LoopState.self, from: Data(loopText.utf8))
            #expect(loop.epoch == record.epochsCompleted)
        }
        let manifestURL = SweepManifest.url(root: workspace.root.appendingPathComponent("runs"), name: "tiny")
        let manifest = try #require(try SweepManifest.read(manifestURL))
        #expect(manifest.trials.map(\.status) == [.interrupted, .interrupted])
    }
}
