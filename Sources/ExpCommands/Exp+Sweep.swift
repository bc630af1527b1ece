import ArgumentParser
import EmotionCorpus
import ExperimentKit
import Foundation
import NeuralNet

extension Exp {
    /// `exp sweep run|show|slurm|k8s`: run a spec's sweep, list it, or print a cluster job that shards it.
    struct Sweep: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run, list or distribute a spec's sweep (grid, zip, random, seeds, folds, multirun overrides).",
            subcommands: [RunTrials.self, Show.self, Slurm.self, Kubernetes.self])
    }
}

/// The spec file and overrides every sweep subcommand takes.
struct SweepTarget: ParsableArguments {
    @Argument(help: "The spec file, then overrides (key=value; key=a,b sweeps over a and b).")
    var arguments: [String] = []

    @Option(name: .customLong("runs-dir"), help: "Root of the run directories (default $EXP_RUNS_DIR or runs).")
    var runsDirectory: String?

    var spec: String { SweepOptions.partition(arguments).specs.first ?? "" }
    var overrides: [String] { SweepOptions.partition(arguments).overrides }
    var runsRoot: URL { RunOptions.runsRoot(option: runsDirectory) }

    func validate() throws {
        let specs = SweepOptions.partition(arguments).specs
        guard specs.count == 1 else { throw ValidationError("Please provide exactly one spec file (got \(specs.count)).") }
        guard FileManager.default.fileExists(atPath: spec) else { throw ValidationError("Spec file '\(spec)' does not exist.") }
    }

    func plan(confirmLarge: Bool = true) throws -> SweepPlan {
        try SweepPlan.make(file: spec, overrides: overrides, registries: RegistryScope.current,
                           classCount: Emotion.allCases.count, confirmLarge: confirmLarge)
    }
}

extension Exp.Sweep {
    /// `exp sweep run SPEC [overrides]`: the sweep part of `exp run`, and how `-j` workers run one trial.
    struct RunTrials: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a spec's sweep.")

        @OptionGroup var target: SweepTarget
        @OptionGroup var sweep: SweepOptions

        @Flag(help: "Print only the end of each run.")
        var quiet = false

        @Flag(help: "Rerun completed trials from scratch.")
        var force = false

        @Option(help: "Compute threads per trial (default: all processors).")
        var threads: Int = ProcessInfo.processInfo.activeProcessorCount

        func run() throws {
            BLASRuntime.threadCount = max(1, threads)
            let interrupt = InterruptFlag()
            interrupt.installSignalHandlers()
            let options = RunOptions(runsRoot: target.runsRoot, force: force, progress: quiet ? .quiet : .automatic(), threads: threads,
                                     interrupt: interrupt, featureCache: FeatureCache(directory: FeatureCache.defaultDirectory()),
                                     expVersion: Exp.configuration.version)
            let problems = try SweepCommand.run(file: target.spec, overrides: target.overrides, sweep: sweep,
                                                runOptions: options)
            if interrupt.isRaised { throw ExitCode(130) }
            if problems > 0 { throw ExitCode.failure }
        }
    }

    /// `exp sweep show SPEC`: the trial table with each trial's status.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a sweep's trials with run ids and status.")

        @OptionGroup var target: SweepTarget

        func run() throws {
            print(SweepManifest(plan: try target.plan(), root: target.runsRoot).table(), terminator: "")
        }
    }

    /// `exp sweep slurm SPEC`: an sbatch job-array script, one task per shard.
    struct Slurm: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an sbatch job-array script running the sweep's shards.")

        @OptionGroup var target: SweepTarget
        @Option(help: "Slurm partition.") var partition: String?
        @Option(help: "Time limit per task (HH:MM:SS).") var time = "04:00:00"
        @Option(help: "CPUs per task (also the trial's compute threads).") var cpus = 4
        @Option(name: .customLong("array-parallelism"), help: "Most tasks running at once.") var arrayParallelism: Int?
        @Option(help: "Number of shards (default: one per trial).") var shards: Int?

        func validate() throws {
            guard cpus > 0 else { throw ValidationError("--cpus must be > 0. Received: \(cpus)") }
            if let shards, shards <= 0 { throw ValidationError("--shards must be > 0. Received: \(shards)") }
            if let arrayParallelism, arrayParallelism <= 0 {
                throw ValidationError("--array-parallelism must be > 0. Received: \(arrayParallelism)")
            }
        }

        func run() throws {
            let plan = try target.plan()
            var options = SweepScripts.Slurm()
            options.partition = partition
            options.time = time
            options.cpus = cpus
            options.arrayParallelism = arrayParallelism
            print(SweepScripts.slurm(spec: target.spec, name: plan.name, shards: shards ?? plan.trials.count,
                                     options: options), terminator: "")
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
            print(SweepScripts.kubernetes(spec: target.spec, name: plan.name, shards: shards ?? plan.trials.count,
                                          options: options), terminator: "")
        }
    }
}
