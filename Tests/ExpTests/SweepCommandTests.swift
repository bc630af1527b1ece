import Foundation
import Testing
import Yams

/// `exp sweep show|slurm|k8s` and the sweep flags as child processes (no training: these only plan).
@Suite struct SweepCommandTests {
    /// Runs `exp arguments` in `directory`; returns status, stdout and stderr.
    func exp(_ arguments: [String], in directory: URL) throws -> (status: Int32, out: String, err: String) {
        let result = try RunCommandTests.exp(arguments, in: directory)
        return (result.status, result.output, result.error)
    }

    func workspace() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("exp-sweep-cli-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try """
            name: grid
            data: {corpus: ravdess, root: data/none}
            split: {type: speaker_kfold, k: 3}
            sweep:
              grid: {optimizer.learning_rate: [0.001, 0.01]}
              folds: all

            """.write(to: root.appendingPathComponent("grid.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    @Test func showListsTrialsAndShardsSplitThem() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let all = try exp(["sweep", "show", "grid.yaml"], in: root)
        #expect(all.status == 0, "\(all.err)")
        #expect(all.out.hasSuffix("6 trial(s): 6 pending\n"))
        let shard = try exp(["sweep", "run", "grid.yaml", "--dry-run", "--shard", "1/4"], in: root)
        #expect(shard.status == 0, "\(shard.err)")
        #expect(shard.out.split(separator: "\n").dropFirst().prefix(2).map { $0.prefix(1) } == ["1", "5"])
        let multirun = try exp(["sweep", "show", "grid.yaml", "training.epochs=1,2"], in: root)
        #expect(multirun.out.hasSuffix("12 trial(s): 12 pending\n"))
    }

    @Test func clusterJobsCoverOneShardPerTrial() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let slurm = try exp(["sweep", "slurm", "grid.yaml", "--partition", "cpu", "--cpus", "2"], in: root)
        #expect(slurm.status == 0, "\(slurm.err)")
        #expect(slurm.out.contains("#SBATCH --array=0-5\n"))
        #expect(slurm.out.contains("--shard \"$SLURM_ARRAY_TASK_ID/6\""))
        let k8s = try exp(["sweep", "k8s", "grid.yaml", "--image", "exp:test", "--shards", "3"], in: root)
        #expect(k8s.status == 0, "\(k8s.err)")
        let job = try #require(try Yams.load(yaml: k8s.out) as? [String: Any])
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(job["kind"] as? String == "Job")
        #expect(spec["completions"] as? Int == 3)
        #expect(spec["completionMode"] as? String == "Indexed")
    }

    @Test func sweepErrorsStopBeforeAnythingRuns() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try exp(["sweep", "run", "grid.yaml", "--runs-dir", "runs", "optimizer.learning_rat=1,2"], in: root)
        #expect(result.status != 0)
        #expect(result.err.contains("optimizer.learning_rat: unknown key 'learning_rat' for optimizer type 'adam'"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("runs").path))
        let shard = try exp(["sweep", "run", "grid.yaml", "--shard", "4/4"], in: root)
        #expect(shard.status != 0)
        #expect(shard.err.contains("--shard must be I/N with 0 <= I < N. Received: 4/4"))
    }
}
