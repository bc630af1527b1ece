import Foundation
import Testing
@testable import ExperimentKit

/// `exp sweep slurm --submit` and `exp sweep status` as child processes against stand-in `sbatch` and `squeue`
/// scripts on PATH, which record what exp passed them; `make test-cluster` runs the same commands on a real cluster.
@Suite struct SweepClusterCommandTests {
    /// A workspace with the 6-trial `grid.yaml` of `SweepCommandTests` and a `bin/` of stand-in Slurm commands.
    func workspace(sbatch: String) throws -> (root: URL, environment: [String: String?]) {
        let root = try SweepCommandTests().workspace()
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let squeue = """
            #!/bin/sh
            # Knows job 4242 only, as squeue does once other jobs are purged.
            case "$*" in *--jobs=4242*) printf '4242_0|RUNNING\\n4242_1|PENDING\\n';; *) echo "Invalid job id" >&2; exit 1;; esac

            """
        for (name, text) in [("sbatch", sbatch), ("squeue", squeue)] {
            let url = bin.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return (root, ["PATH": path])
    }

    @Test func submitRecordsTheJobAndStatusJoinsItWithTheQueue() throws {
        let (root, environment) = try workspace(sbatch: """
            #!/bin/sh
            echo "$*" > "$(dirname "$0")/sbatch.args"
            cat > "$(dirname "$0")/submitted.sbatch"
            echo "4242;exptest"

            """)
        defer { try? FileManager.default.removeItem(at: root) }
        let submitted = try RunCommandTests.exp(["sweep", "slurm", "grid.yaml", "--runs-dir", "runs", "--account", "lab",
                                                 "--mem", "2G", "--sbatch", "gres=gpu:1", "--retry-failed", "--submit"],
                                                in: root, environment: environment)
        #expect(submitted.status == 0, "\(submitted.error)")
        #expect(submitted.output == "4242\n")
        #expect(submitted.error.contains("grid: submitted batch job 4242, 6 array task(s)"))
        let bin = root.appendingPathComponent("bin")
        #expect(try String(contentsOf: bin.appendingPathComponent("sbatch.args"), encoding: .utf8) == "--parsable\n")
        let script = try String(contentsOf: bin.appendingPathComponent("submitted.sbatch"), encoding: .utf8)
        for line in ["#SBATCH --account=lab", "#SBATCH --mem=2G", "#SBATCH --gres=gpu:1", "#SBATCH --array=0-5"] {
            #expect(script.contains(line + "\n"), "\(line) missing from\n\(script)")
        }
        #expect(script.contains("exec exp run grid.yaml --runs-dir runs --retry-failed --shard"))
        let manifest = try #require(try SweepManifest.read(SweepManifest.url(root: root.appendingPathComponent("runs"), name: "grid")))
        #expect(manifest.jobs?.map(\.id) == ["4242"])
        #expect(manifest.jobs?.first?.shards == 6)
        #expect(manifest.jobs?.first?.engine == "slurm")

        let status = try RunCommandTests.exp(["sweep", "status", "grid.yaml", "--runs-dir", "runs"], in: root, environment: environment)
        #expect(status.status == 0, "\(status.error)")
        let rows = status.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.first == ["trial", "run", "status", "job", "job_state"])
        #expect(rows.dropFirst().prefix(3).map { Array($0.suffix(3)) } == [["pending", "4242_0", "RUNNING"],
                                                                          ["pending", "4242_1", "PENDING"],
                                                                          ["pending", "4242_2", "-"]])
    }

    @Test func aFailingSbatchIsReportedAndNothingIsRecorded() throws {
        let (root, environment) = try workspace(sbatch: """
            #!/bin/sh
            echo "sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified" >&2
            exit 1

            """)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try RunCommandTests.exp(["sweep", "slurm", "grid.yaml", "--runs-dir", "runs", "--account", "nope", "--submit"],
                                             in: root, environment: environment)
        #expect(result.status != 0)
        #expect(result.error.contains("slurm: sbatch exited with status 1: sbatch: error: Batch job submission failed: "
            + "Invalid account or account/partition combination specified"))
        #expect(try SweepManifest.read(SweepManifest.url(root: root.appendingPathComponent("runs"), name: "grid"))?.jobs == nil)
    }

    @Test func badSlurmOptionsAreRejectedBeforeAnythingIsSubmitted() throws {
        let root = try SweepCommandTests().workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let memory = try RunCommandTests.exp(["sweep", "slurm", "grid.yaml", "--mem", "4 GB"], in: root)
        #expect(memory.status != 0)
        #expect(memory.error.contains("--mem must be a Slurm size such as 4G, 500M or 4096. Received: 4 GB"))
        let extra = try RunCommandTests.exp(["sweep", "slurm", "grid.yaml", "--sbatch", "#SBATCH"], in: root)
        #expect(extra.status != 0)
        #expect(extra.error.contains("--sbatch takes one sbatch option such as gres=gpu:1. Received: '#SBATCH'"))
    }
}
