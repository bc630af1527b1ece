/// Job definitions that run a sweep's shards on existing cluster engines; `runs/` on shared storage is the only
/// coordination (each shard claims its trials through the run layer).
public enum SweepScripts {
    /// Options of `exp sweep slurm`.
    public struct Slurm: Sendable, Equatable {
        /// `--partition`, or `nil` for the cluster default.
        public var partition: String?
        /// `--time` limit per array task (`HH:MM:SS`).
        public var time = "04:00:00"
        /// `--cpus-per-task`.
        public var cpus = 4
        /// Most array tasks at once (`%K`), or `nil` for no limit.
        public var arrayParallelism: Int?

        /// Defaults: 4 hours, 4 CPUs per task, no partition or parallelism limit.
        public init() {}
    }

    /// Options of `exp sweep k8s`.
    public struct Kubernetes: Sendable, Equatable {
        /// The container image with `exp` installed.
        public var image = "exp:latest"
        /// Pods at once.
        public var parallelism = 4
        /// The PersistentVolumeClaim holding the working directory (spec, data, `runs/`).
        public var volumeClaim = "exp-runs"
        /// CPUs requested per pod.
        public var cpus = 4

        /// Defaults: image `exp:latest`, 4 pods at once, claim `exp-runs`, 4 CPUs.
        public init() {}
    }

    /// An sbatch job-array script: task `i` of `shards` runs `exp run SPEC --shard i/shards`.
    public static func slurm(spec: String, name: String, shards: Int, options: Slurm) -> String {
        precondition(shards > 0, "a sweep needs at least one shard, got \(shards)")
        let limit = options.arrayParallelism.map { "%\($0)" } ?? ""
        var lines = [
            "#!/bin/bash",
            "#SBATCH --job-name=\(name)",
            "#SBATCH --array=0-\(shards - 1)\(limit)",
            "#SBATCH --cpus-per-task=\(options.cpus)",
            "#SBATCH --time=\(options.time)",
            // In the submit directory: Slurm opens it before the script runs, so it cannot be under a runs/ not yet made.
            "#SBATCH --output=slurm-%x-%A_%a.out",
        ]
        if let partition = options.partition { lines.insert("#SBATCH --partition=\(partition)", at: 2) }
        lines += [
            "",
            "# One array task per shard; runs/ on shared storage coordinates them (each trial is claimed once).",
            "set -euo pipefail",
            "exec exp run \(shellQuoted(spec)) --shard \"$SLURM_ARRAY_TASK_ID/\(shards)\" --threads \"$SLURM_CPUS_PER_TASK\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A batch/v1 Indexed Job: pod `i` of `shards` runs `exp run SPEC --shard $JOB_COMPLETION_INDEX/shards` in a
    /// working directory on a shared volume.
    public static func kubernetes(spec: String, name: String, shards: Int, options: Kubernetes) -> String {
        precondition(shards > 0, "a sweep needs at least one shard, got \(shards)")
        let jobName = RunID(name: "exp-sweep-\(name)", hash: "").slug
        return """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: \(jobName)
              labels: {app: exp, experiment: \(jobName)}
            spec:
              completionMode: Indexed
              completions: \(shards)
              parallelism: \(min(options.parallelism, shards))
              backoffLimitPerIndex: 1
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: exp
                      image: \(options.image)
                      workingDir: /work
                      command: ["/bin/sh", "-c"]
                      args: ["exec exp run \(shellQuoted(spec)) --shard \\"$JOB_COMPLETION_INDEX/\(shards)\\" --threads \(options.cpus)"]
                      resources:
                        requests: {cpu: "\(options.cpus)"}
                      volumeMounts:
                        - {name: work, mountPath: /work}
                  volumes:
                    - name: work
                      persistentVolumeClaim: {claimName: \(options.volumeClaim)}

            """
    }

    /// `text` quoted for a POSIX shell when it holds anything beyond `[A-Za-z0-9._/=-]`.
    static func shellQuoted(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._/=-".contains($0)) }) {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
