import Foundation
import Testing
import Yams
@testable import ExperimentKit

@Suite struct SweepScriptTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Snapshots")

    func snapshot(_ name: String) throws -> String {
        try String(contentsOf: Self.snapshots.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func slurmScriptMatchesSnapshotAndArrayCoversEveryShard() throws {
        var options = SweepScripts.Slurm()
        options.partition = "cpu"
        options.time = "02:00:00"
        options.cpus = 8
        options.arrayParallelism = 4
        let script = SweepScripts.slurm(spec: "experiments/lr grid.yaml", name: "cnn-lstm", shards: 12, options: options)
        #expect(script == (try snapshot("sweep-slurm.sh")))
        let directives = script.split(separator: "\n").filter { $0.hasPrefix("#SBATCH ") }.map { $0.dropFirst(8) }
        #expect(directives.contains("--array=0-11%4"))
        #expect(directives.contains("--partition=cpu"))
        #expect(directives.contains("--cpus-per-task=8"))
        #expect(directives.contains("--time=02:00:00"))
        #expect(script.hasPrefix("#!/bin/bash\n"))
        #expect(script.contains("exp run 'experiments/lr grid.yaml' --shard \"$SLURM_ARRAY_TASK_ID/12\""))
        // sbatch stops reading directives at the first command line.
        let firstCommand = try #require(script.split(separator: "\n").firstIndex { !$0.hasPrefix("#") && !$0.isEmpty })
        let lastDirective = try #require(script.split(separator: "\n").lastIndex { $0.hasPrefix("#SBATCH") })
        #expect(lastDirective < firstCommand)
        // The script is valid shell (bash -n parses without running).
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/bin/bash")
        check.arguments = ["-n", "-c", script]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }

    @Test func kubernetesJobMatchesSnapshotAndIsAnIndexedJob() throws {
        var options = SweepScripts.Kubernetes()
        options.image = "registry.example/exp:0.1"
        options.parallelism = 3
        let text = SweepScripts.kubernetes(spec: "experiments/grid.yaml", name: "cnn_lstm", shards: 6, options: options)
        #expect(text == (try snapshot("sweep-k8s.yaml")))
        let job = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(job["apiVersion"] as? String == "batch/v1")
        #expect(job["kind"] as? String == "Job")
        let metadata = try #require(job["metadata"] as? [String: Any])
        #expect(metadata["name"] as? String == "exp-sweep-cnn-lstm")
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(spec["completionMode"] as? String == "Indexed")
        #expect(spec["completions"] as? Int == 6)
        #expect(spec["parallelism"] as? Int == 3)
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        #expect(pod["restartPolicy"] as? String == "Never")
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(container["image"] as? String == "registry.example/exp:0.1")
        let args = try #require(container["args"] as? [String])
        #expect(args == ["exec exp run experiments/grid.yaml --shard \"$JOB_COMPLETION_INDEX/6\" --threads 4"])
        let mount = try #require((container["volumeMounts"] as? [[String: Any]])?.first)
        let volume = try #require((pod["volumes"] as? [[String: Any]])?.first)
        #expect(mount["name"] as? String == volume["name"] as? String)
        #expect(mount["mountPath"] as? String == container["workingDir"] as? String)
        #expect((volume["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String == "exp-runs")
    }

    @Test func dryRunTableListsEveryTrialWithItsStatus() throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try makePlan(try writeSweepSpec("sweep:\n  grid: {optimizer.learning_rate: [0.001, 0.01]}\n  seeds: [1, 2]\n",
                                                   directory: directory))
        let table = SweepManifest(plan: plan, root: directory).table()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[0] == "trial  run              status   optimizer.learning_rate  seed")
        #expect(lines[1] == "0      \(plan.trials[0].runID)  pending  0.001                    1")
        #expect(lines[4] == "3      \(plan.trials[3].runID)  pending  0.01                     2")
        #expect(lines[5] == "4 trial(s): 4 pending")
    }
}
