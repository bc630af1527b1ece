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
}
