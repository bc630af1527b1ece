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
        /// `--account` charged for the job, or `nil` for the user's default.
        public var account: String?
        /// `--qos`, or `nil` for the association's default.
        public var qos: String?
        /// `--mem` per node (Slurm's size syntax: `4G`, `500M`), or `nil` for the partition default.
        public var memory: String?
        /// `--constraint` on node features (`avx512`, `skylake|icelake`), or `nil`.
        public var constraint: String?
        /// Further `sbatch` options, one directive each (`--gres=gpu:1`), written after the others.
        public var extraDirectives: [String] = []
        /// Arguments of `exp run` after the spec: overrides and `--runs-dir`.
        public var runArguments: [String] = []

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
        /// Arguments of `exp run` after the spec: overrides and `--runs-dir`.
        public var runArguments: [String] = []

        /// Defaults: image `exp:latest`, 4 pods at once, claim `exp-runs`, 4 CPUs.
        public init() {}
    }

    /// An sbatch job-array script: task `i` of `shards` runs `exp run SPEC --shard i/shards`.
    public static func slurm(spec: String, name: String, shards: Int, options: Slurm) -> String {
        precondition(shards > 0, "a sweep needs at least one shard, got \(shards)")
        let limit = options.arrayParallelism.map { "%\($0)" } ?? ""
        var directives = ["--job-name=\(name)"]
        let optional: [(String, String?)] = [("partition", options.partition), ("account", options.account),
                                             ("qos", options.qos)]
        directives += optional.compactMap { key, value in value.map { "--\(key)=\(shellWord($0))" } }
        directives += ["--array=0-\(shards - 1)\(limit)", "--cpus-per-task=\(options.cpus)"]
        if let memory = options.memory { directives.append("--mem=\(memory)") }
        if let constraint = options.constraint { directives.append("--constraint=\(shellWord(constraint))") }
        directives += [
            "--time=\(options.time)",
            // In the submit directory: Slurm opens it before the script runs, so it cannot be under a runs/ not yet made.
            "--output=slurm-%x-%A_%a.out",
        ]
        directives += options.extraDirectives.map(slurmDirective)
        let arguments = options.runArguments.map { " " + shellQuoted($0) }.joined()
        var lines = ["#!/bin/bash"] + directives.map { "#SBATCH \($0)" }
        lines += [
            "",
            "# One array task per shard; runs/ on shared storage coordinates them (each trial is claimed once).",
            "# scancel or a requeue sends SIGTERM: exp stops after the current step and the next task resumes the trial.",
            "set -euo pipefail",
            "exec exp run \(shellQuoted(spec))\(arguments) --shard \"$SLURM_ARRAY_TASK_ID/\(shards)\" --threads \"$SLURM_CPUS_PER_TASK\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A batch/v1 Indexed Job: pod `i` of `shards` runs `exp run SPEC --shard $JOB_COMPLETION_INDEX/shards` in a
    /// working directory on a shared volume.
    public static func kubernetes(spec: String, name: String, shards: Int, options: Kubernetes) -> String {
        precondition(shards > 0, "a sweep needs at least one shard, got \(shards)")
        let jobName = RunID(name: "exp-sweep-\(name)", hash: "").slug
        let arguments = options.runArguments.map { " " + shellQuoted($0) }.joined()
        let command = "exec exp run \(shellQuoted(spec))\(arguments) --shard \"$JOB_COMPLETION_INDEX/\(shards)\" --threads \(options.cpus)"
        // Inside a double-quoted YAML string: backslashes and double quotes escaped.
        let quoted = command.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
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
                      args: ["\(quoted)"]
                      resources:
                        requests: {cpu: "\(options.cpus)"}
                      volumeMounts:
                        - {name: work, mountPath: /work}
                  volumes:
                    - name: work
                      persistentVolumeClaim: {claimName: \(options.volumeClaim)}

            """
    }

    /// An extra `--sbatch` value as a directive body: `#SBATCH ` and surrounding blanks removed, and `--` put before
    /// a long option written without it (`gres=gpu:1`, since the command line would take `--gres=…` for an option).
    public static func slurmDirective(_ text: String) -> String {
        var body = text.trimmingCharacters(in: .whitespaces)
        if body.hasPrefix("#SBATCH") { body = body.dropFirst(7).trimmingCharacters(in: .whitespaces) }
        return body.hasPrefix("-") || body.isEmpty ? body : "--" + body
    }

    /// A directive value: sbatch splits directive lines on blanks and honours quotes, as a shell would.
    static func shellWord(_ text: String) -> String {
        text.contains(where: { $0 == " " || $0 == "\t" || $0 == "'" || $0 == "\"" }) ? shellQuoted(text) : text
    }

    /// `text` quoted for a POSIX shell when it holds anything beyond `[A-Za-z0-9._/=,:+@%-]`.
    static func shellQuoted(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._/=,:+@%-".contains($0)) }) {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
