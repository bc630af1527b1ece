import ArgumentParser
import EmotionCorpus
import ExperimentKit
import Foundation

/// `--format` of `exp ensemble`.
enum EnsembleFormat: String, ExpressibleByArgument, CaseIterable {
    case table, md, csv, json
}

extension Exp {
    /// `exp ensemble --run EXP_OR_RUN --run EXP_OR_RUN ...`: several trained experiments scored as one soft-voting
    /// predictor on each fold's own test speakers.
    struct Ensemble: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score several trained experiments as one late-fusion ensemble, fold by fold.",
            discussion: """
                Each --run is an experiment name (all of its completed runs, e.g. the folds of a sweep) or a run \
                directory. Runs are grouped by their test split (the same corpus and the same test clips); every \
                group needs a run of every --run. Each run scores the group's test clips with its own features, \
                normalisation and checkpoint; the mean of the class probabilities is scored (the runs of one --run \
                in a group, e.g. seeds, are averaged first). Writes <runs-dir>/<name>/<group>/metrics.json (the \
                schema of a run's metrics.json) and ensemble.json, prints each group and the mean ± std over the \
                groups. See docs/ensembles.md.
                """)

        @Option(name: .customLong("run"),
                help: "An experiment name, <name>/<run-id> or a run directory; repeat for each member (at least one).")
        var runReferences: [String] = []

        @Option(help: "Ensemble name: results go to <runs-dir>/<name>/ (default: the experiment names joined with '+').")
        var name: String?

        @Option(help: "Which checkpoint: best, last or average (default: average when a run averaged checkpoints, else best).")
        var checkpoint: CheckpointKind?

        @Option(name: .customLong("runs-dir"), help: "Root of the run directories (default $EXP_RUNS_DIR or runs).")
        var runsDirectory: String?

        @Option(help: "Output format: table, md, csv or json.")
        var format: EnsembleFormat = .table

        func validate() throws {
            guard !runReferences.isEmpty else { throw ValidationError("Please provide at least one --run.") }
            if let name, let problem = EnsembleEvaluator.nameProblem(name) {
                throw ValidationError("--name '\(name)' is not usable: \(problem).")
            }
        }

        func run() throws {
            let summary = try EnsembleEvaluator.evaluate(
                references: runReferences, name: name, runsRoot: RunOptions.runsRoot(option: runsDirectory),
                registries: RegistryScope.current, checkpoint: checkpoint,
                featureCache: FeatureCache(directory: FeatureCache.defaultDirectory()),
                progress: { FileHandle.standardError.write(Data($0.utf8)) })
            print(try summary.render(format: format.rawValue), terminator: "")
        }
    }
}
