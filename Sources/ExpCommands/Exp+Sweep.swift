import ArgumentParser
import EmotionCorpus
import ExperimentKit
import Foundation
import NeuralNet

extension Exp {
    /// `exp sweep run|show|slurm|k8s|status`: run a spec's sweep, list it, or submit or print a cluster job that shards it.
    struct Sweep: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run, list or distribute a spec's sweep (grid, zip, random, seeds, folds, multirun overrides).",
            subcommands: [RunTrials.self, Show.self, Slurm.self, Kubernetes.self, Status.self])
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
    /// What a cluster task passes to `exp run` after the spec: the overrides and `--runs-dir`.
    var runArguments: [String] { overrides + (runsDirectory.map { ["--runs-dir", $0] } ?? []) }

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
}
