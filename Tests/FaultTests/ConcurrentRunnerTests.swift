import Foundation
import Testing
@testable import ExperimentKit

/// Two and four `exp run` processes started together on one sweep, with `exp compare` called over and over while
/// they work: every trial is trained exactly once and completes, and compare never fails on a half-written run.
@Suite(.serialized) struct ConcurrentRunnerTests {
    static let sweep = """
        sweep:
          grid:
            optimizer.learning_rate: [0.01, 0.02, 0.005]
          seeds: [1, 2]
        """
    static let trials = 6
    static let epochs = 3

    @Test(arguments: [2, 4]) func concurrentRunnersTrainEachTrialOnce(runners: Int) throws {
        let workspace = try FaultWorkspace("concurrent\(runners)")
        defer { workspace.remove() }
        try workspace.spec("grid", epochs: Self.epochs, extra: Self.sweep)
        let arguments = ["run", "grid.yaml", "--runs-dir", "runs", "--threads", "1", "--quiet"]
        let children = try (0 ..< runners).map { _ in try workspace.start(arguments) }

        let runs = workspace.root.appendingPathComponent("runs")
        var compares = 0
        while children.contains(where: \.isRunning) {
            // Compare needs at least one run directory to exist; from then on it must always succeed.
            let started = RunIntegrity.files(under: runs).contains { $0.lastPathComponent == "spec.yaml" }
            guard started else {
                Thread.sleep(forTimeInterval: 0.02)
                continue
            }
            let compare = try workspace.exp(["compare", "runs", "--format", "json", "--all-params"])
            #expect(compare.succeeded, "compare failed during the sweep: \(compare.error)")
            #expect((try? JSONSerialization.jsonObject(with: Data(compare.output.utf8))) != nil,
                    "compare printed unparseable JSON: \(compare.output.prefix(300))")
            compares += 1
        }
        for (index, child) in children.enumerated() {
            let ending = child.wait()
            #expect(ending.succeeded, "runner \(index): \(ending.error)")
        }
        #expect(compares > 0)

        let folder = runs.appendingPathComponent("grid")
        let ids = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("grid-") }
        #expect(ids.count == Self.trials, "\(ids)")
        for id in ids {
            let run = folder.appendingPathComponent(id)
            let integrity = RunIntegrity(run)
            #expect(integrity.torn.isEmpty, "\(integrity.torn)")
            #expect(integrity.temporaries.isEmpty, "\(integrity.temporaries)")
            #expect(integrity.record?.status == .completed, "\(id): \(String(describing: integrity.record?.status))")
            #expect(integrity.record?.resumes == 0, "\(id) was resumed")
            let log = try String(contentsOf: run.appendingPathComponent("log.txt"), encoding: .utf8)
            let starts = log.split(separator: "\n").filter { $0.contains(" epochs × ") }
            #expect(starts.count == 1, "\(id) was started \(starts.count) times:\n\(log)")
            #expect(try HistoryLog.read(run.appendingPathComponent("history.jsonl")).map(\.epoch)
                    == Array(1 ... Self.epochs))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasPrefix(".claim") }
            #expect(leftovers.isEmpty, "\(id): \(leftovers)")
        }
        let manifest = try #require(try SweepManifest.read(SweepManifest.url(root: runs, name: "grid")))
        #expect(manifest.trials.map(\.status) == Array(repeating: .completed, count: Self.trials))
        let final = try workspace.exp(["compare", "runs", "--format", "json"])
        #expect(final.succeeded, "\(final.error)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(final.output.utf8)) as? [Any])
        #expect(rows.count == Self.trials)
    }

    /// A runner killed with `SIGKILL` while it holds trial 0 leaves a stale claim: of two runners started next, exactly
    /// one takes it over and resumes the trial once; every other trial is trained once.
    @Test func aKilledRunnersClaimIsTakenOverAndTheTrialResumedOnce() throws {
        let workspace = try FaultWorkspace("takeover")
        defer { workspace.remove() }
        try workspace.spec("grid", epochs: Self.epochs, extra: Self.sweep)
        let arguments = ["run", "grid.yaml", "--runs-dir", "runs", "--threads", "1", "--quiet"]
        // Step 5 is epoch 2, step 2 of trial 0 (3 steps per epoch).
        let killed = try workspace.exp(arguments, environment: [FaultInjection.variable: "step:5"])
        try #require(killed.killed, "\(killed.error)")
        let runs = workspace.root.appendingPathComponent("runs")
        let manifest = try #require(try SweepManifest.read(SweepManifest.url(root: runs, name: "grid")))
        let first = runs.appendingPathComponent("grid/\(manifest.trials[0].runID)")
        #expect(FileManager.default.fileExists(atPath: first.appendingPathComponent(".claim/lock").path))
        #expect(try RunRecord.read(first.appendingPathComponent("run.json"))?.epochsCompleted == 1)

        let children = try (0 ..< 2).map { _ in try workspace.start(arguments) }
        for (index, child) in children.enumerated() {
            let ending = child.wait()
            #expect(ending.succeeded, "runner \(index): \(ending.error)")
        }
        for trial in try #require(try SweepManifest.read(SweepManifest.url(root: runs, name: "grid"))).trials {
            let run = runs.appendingPathComponent("grid/\(trial.runID)")
            let record = try #require(try RunRecord.read(run.appendingPathComponent("run.json")))
            #expect(record.status == .completed)
            #expect(record.resumes == (trial.index == 0 ? 1 : 0), "trial \(trial.index): \(record.resumes) resumes")
            let log = try String(contentsOf: run.appendingPathComponent("log.txt"), encoding: .utf8)
            let starts = log.split(separator: "\n").filter { $0.contains(" epochs × ") }
            #expect(starts.count == (trial.index == 0 ? 2 : 1), "trial \(trial.index):\n\(log)")
            if trial.index == 0 { #expect(starts.last?.hasSuffix("resuming at epoch 2") == true, "\(log)") }
            #expect(try HistoryLog.read(run.appendingPathComponent("history.jsonl")).map(\.epoch)
                    == Array(1 ... Self.epochs))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasPrefix(".") }
            #expect(leftovers.isEmpty, "trial \(trial.index): \(leftovers)")
        }
    }
}
