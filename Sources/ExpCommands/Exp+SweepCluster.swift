import ArgumentParser
import ExperimentKit
import Foundation

extension Exp.Sweep {
    /// `exp sweep slurm SPEC`: an sbatch job-array script, one task per shard, printed or submitted.
    struct Slurm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print (or --submit) an sbatch job-array script running the sweep's shards.",
            discussion: """
                Task K runs `exp run SPEC --shard K/N` in the submit directory, which must be on storage shared by \
                the nodes. Trials are claimed in runs/, so overlapping or resubmitted tasks never train a trial \
                twice; a cancelled or requeued task's trial resumes from its last checkpoint in the next task.
                """)

        @OptionGroup var target: SweepTarget
        @Option(help: "Slurm partition.") var partition: String?
        @Option(help: "Account charged for the jobs.") var account: String?
        @Option(help: "Quality of service.") var qos: String?
        @Option(help: "Memory per task (sbatch --mem; sizes such as 4G, 500M).") var mem: String?
        @Option(help: "Node features required (Slurm --constraint).") var constraint: String?
        @Option(name: .customLong("sbatch"),
                help: "Another sbatch option for the script: --sbatch gres=gpu:1 or --sbatch=--gres=gpu:1 (repeatable).")
        var extraDirectives: [String] = []
        @Option(help: "Time limit per task (HH:MM:SS).") var time = "04:00:00"
        @Option(help: "CPUs per task (also the trial's compute threads).") var cpus = 4
        @Option(name: .customLong("array-parallelism"), help: "Most tasks running at once.") var arrayParallelism: Int?
        @Option(help: "Number of shards (default: one per trial).") var shards: Int?
        @Flag(name: .customLong("retry-failed"), help: "Tasks rerun failed and diverged trials too.") var retryFailed = false
        @Flag(help: "Submit the script with sbatch, record the job id in sweep.json and print it.") var submit = false

        func validate() throws {
            guard cpus > 0 else { throw ValidationError("--cpus must be > 0. Received: \(cpus)") }
            if let shards, shards <= 0 { throw ValidationError("--shards must be > 0. Received: \(shards)") }
            if let arrayParallelism, arrayParallelism <= 0 {
                throw ValidationError("--array-parallelism must be > 0. Received: \(arrayParallelism)")
            }
            if let mem, mem.wholeMatch(of: /[0-9]+[KMGTkmgt]?/) == nil {
                throw ValidationError("--mem must be a Slurm size such as 4G, 500M or 4096. Received: \(mem)")
            }
            for (name, value) in [("account", account), ("qos", qos), ("constraint", constraint), ("partition", partition)] {
                if let value, value.isEmpty || value.contains(where: \.isNewline) {
                    throw ValidationError("--\(name) must be one non-empty line. Received: '\(value)'")
                }
            }
            for line in extraDirectives where line.contains(where: \.isNewline) || SweepScripts.slurmDirective(line).isEmpty {
                throw ValidationError("--sbatch takes one sbatch option such as gres=gpu:1. Received: '\(line)'")
            }
        }

        func run() throws {
            let plan = try target.plan()
            var options = SweepScripts.Slurm()
            options.partition = partition
            options.account = account
            options.qos = qos
            options.memory = mem
            options.constraint = constraint
            options.extraDirectives = extraDirectives
            options.time = time
            options.cpus = cpus
            options.arrayParallelism = arrayParallelism
            options.runArguments = target.runArguments + (retryFailed ? ["--retry-failed"] : [])
            let count = shards ?? plan.trials.count
            let script = SweepScripts.slurm(spec: target.spec, name: plan.name, shards: count, options: options)
            guard submit else { return print(script, terminator: "") }
            let directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let id = try SlurmCommands().submit(script: script, directory: directory)
            try SweepManifest.update(plan: plan, root: target.runsRoot, job: SweepJob(engine: "slurm", id: id, shards: count))
            ProgressObserver.standardError("\(plan.name): submitted batch job \(id), \(count) array task(s); "
                + "follow it with: exp sweep status \(target.arguments.joined(separator: " "))\n")
            print(id)
        }
    }

    /// `exp sweep k8s SPEC`: a Kubernetes Indexed Job, one completion per shard.
    struct Kubernetes: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "k8s", abstract: "Print a Kubernetes Indexed Job running the sweep's shards.")

        @OptionGroup var target: SweepTarget
        @Option(help: "Container image with exp installed.") var image = "exp:latest"
        @Option(help: "Pods at once.") var parallelism = 4
        @Option(name: .customLong("volume-claim"), help: "PersistentVolumeClaim with the working directory and runs/.")
        var volumeClaim = "exp-runs"
        @Option(help: "CPUs per pod.") var cpus = 4
        @Option(help: "Number of shards (default: one per trial).") var shards: Int?
        @Flag(name: .customLong("retry-failed"), help: "Pods rerun failed and diverged trials too.") var retryFailed = false

        func validate() throws {
            guard parallelism > 0, cpus > 0 else { throw ValidationError("--parallelism and --cpus must be > 0.") }
            if let shards, shards <= 0 { throw ValidationError("--shards must be > 0. Received: \(shards)") }
        }

        func run() throws {
            let plan = try target.plan()
            var options = SweepScripts.Kubernetes()
            options.image = image
            options.parallelism = parallelism
            options.volumeClaim = volumeClaim
            options.cpus = cpus
            options.runArguments = target.runArguments + (retryFailed ? ["--retry-failed"] : [])
            print(SweepScripts.kubernetes(spec: target.spec, name: plan.name, shards: shards ?? plan.trials.count,
                                          options: options), terminator: "")
        }
    }

    /// `exp sweep status SPEC`: the trial table joined with the Slurm state of each trial's array task.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a sweep's trials with the state of the Slurm jobs recorded by --submit (squeue, sacct).")

        @OptionGroup var target: SweepTarget

        func run() throws {
            let plan = try target.plan()
            let root = target.runsRoot
            var manifest = SweepManifest(plan: plan, root: root)
            manifest.jobs = try SweepManifest.read(SweepManifest.url(root: root, name: plan.name))?.jobs
            let slurm = SlurmCommands()
            var states: [String: String] = [:]
            if let jobs = manifest.jobs, !jobs.isEmpty {
                if slurm.locate("squeue") == nil {
                    ProgressObserver.standardError("squeue not found on PATH: job states unknown\n")
                } else {
                    states = slurm.states(of: jobs.map(\.id))
                }
            }
            print(manifest.clusterTable(states: states), terminator: "")
        }
    }
}
