import Foundation
import Testing
import Yams
@testable import ExperimentKit

/// The cluster options of `exp sweep slurm|k8s`, the jobs recorded in `sweep.json` and the `exp sweep status` table.
/// `make test-cluster` runs the same scripts through a real Slurm cluster and validates the Job against the
/// Kubernetes API schema.
@Suite struct SweepClusterTests {
    @Test func slurmOptionsBecomeDirectivesBeforeTheCommandAndOverridesReachExpRun() throws {
        var options = SweepScripts.Slurm()
        options.account = "speech-lab"
        options.qos = "long"
        options.memory = "8G"
        options.constraint = "avx512|avx2"
        options.extraDirectives = ["gres=gpu:1", "#SBATCH --mail-type=END", " --nice=10 "]
        options.runArguments = ["optimizer.learning_rate=0.1,0.01", "--runs-dir", "shared runs"]
        let script = SweepScripts.slurm(spec: "grid.yaml", name: "grid", shards: 4, options: options)
        let lines = script.split(separator: "\n").map(String.init)
        let directives = lines.filter { $0.hasPrefix("#SBATCH ") }.map { String($0.dropFirst(8)) }
        #expect(directives == ["--job-name=grid", "--account=speech-lab", "--qos=long", "--array=0-3", "--cpus-per-task=4",
                               "--mem=8G", "--constraint=avx512|avx2", "--time=04:00:00", "--output=slurm-%x-%A_%a.out",
                               "--gres=gpu:1", "--mail-type=END", "--nice=10"])
        #expect(lines.last == "exec exp run grid.yaml optimizer.learning_rate=0.1,0.01 --runs-dir 'shared runs' "
            + "--shard \"$SLURM_ARRAY_TASK_ID/4\" --threads \"$SLURM_CPUS_PER_TASK\"")
        // sbatch reads directives only up to the first command.
        let firstCommand = try #require(lines.firstIndex { !$0.hasPrefix("#") && !$0.isEmpty })
        #expect(try #require(lines.lastIndex { $0.hasPrefix("#SBATCH") }) < firstCommand)
        // What the task's shell hands to exp: each argument whole, the quoted one included.
        let echoed = script.replacingOccurrences(of: "exec exp run", with: "printf '%s\\n'")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/bin/bash")
        check.arguments = ["-c", echoed]
        check.environment = ["SLURM_ARRAY_TASK_ID": "2", "SLURM_CPUS_PER_TASK": "3"]
        let output = Pipe()
        check.standardOutput = output
        try check.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
        #expect(printed.split(separator: "\n") == ["grid.yaml", "optimizer.learning_rate=0.1,0.01", "--runs-dir", "shared runs",
                                                   "--shard", "2/4", "--threads", "3"])
    }

    @Test func kubernetesArgumentsSurviveYAMLQuoting() throws {
        var options = SweepScripts.Kubernetes()
        options.runArguments = ["data.root=\"/mnt/a b\"", "--runs-dir", "runs\\x"]
        let text = SweepScripts.kubernetes(spec: "grid.yaml", name: "grid", shards: 2, options: options)
        let job = try #require(try Yams.load(yaml: text) as? [String: Any])
        let pod = try #require(((job["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(container["args"] as? [String] == ["exec exp run grid.yaml 'data.root=\"/mnt/a b\"' --runs-dir 'runs\\x' "
            + "--shard \"$JOB_COMPLETION_INDEX/2\" --threads 4"])
    }

    @Test func submittedJobsSurviveManifestRewritesAndMapTasksToTrials() throws {
        let directory = try makeTemporaryDirectory("exp-sweep-jobs")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try makePlan(try writeSweepSpec("sweep:\n  grid: {optimizer.learning_rate: [0.1, 0.01, 0.001]}\n",
                                                   directory: directory))
        let url = SweepManifest.url(root: directory, name: plan.name)
        try SweepManifest.update(plan: plan, root: directory, job: SweepJob(engine: "slurm", id: "41", shards: 3, submitted: "t1"))
        try SweepManifest.update(plan: plan, root: directory, index: 1, status: .running)
        try SweepManifest.update(plan: plan, root: directory)
        try SweepManifest.update(plan: plan, root: directory, job: SweepJob(engine: "slurm", id: "57", shards: 2, submitted: "t2"))
        var manifest = try #require(try SweepManifest.read(url))
        #expect(manifest.jobs?.map(\.id) == ["41", "57"])
        #expect(manifest.jobs?.last?.task(forTrial: 2) == 0)

        manifest.trials[1].status = .interrupted
        let table = manifest.clusterTable(states: ["57_0": "RUNNING", "57_1": "CANCELLED", "41_2": "COMPLETED"])
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0] == "trial  run              status       job   job_state")
        #expect(lines[1] == "0      \(plan.trials[0].runID)  pending      57_0  RUNNING")
        #expect(lines[2] == "1      \(plan.trials[1].runID)  interrupted  57_1  CANCELLED")
        #expect(lines[3] == "2      \(plan.trials[2].runID)  pending      57_0  RUNNING")
        #expect(lines[4] == "3 trial(s): 2 pending, 1 interrupted; jobs 41 (t1), 57 (t2)")

        // A trial still claimed by a task Slurm has ended (a crashed node) gets a way out.
        manifest.trials[0].status = .running
        let stale = manifest.clusterTable(states: ["57_0": "NODE_FAIL", "57_1": "RUNNING"]).split(separator: "\n").map(String.init)
        #expect(stale.last == "trial 0 is claimed but its task 57_0 is NODE_FAIL: once no exp process holds it, "
            + "remove \(plan.name)/\(plan.trials[0].runID)/.claim under the runs root and resubmit")
        #expect(stale.count == 6)
    }

    @Test func queueLinesParseIntoTaskStates() {
        let text = "120_0|RUNNING\n120_1|PENDING\n121_3|CANCELLED by 0\n\nmalformed\n122_0|\n"
        #expect(SlurmCommands.parse(text) == ["120_0": "RUNNING", "120_1": "PENDING", "121_3": "CANCELLED"])
    }
}
