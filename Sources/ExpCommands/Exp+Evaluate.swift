import ArgumentParser
import EmotionCorpus
import ExperimentKit
import Foundation

extension Exp {
    /// `exp evaluate --run RUN [--run RUN...] CORPUS...`: scores trained runs on other corpora (cross-corpus
    /// evaluation).
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a trained run on other corpora; results go to eval/<corpus>/ in the run directory.",
            discussion: """
                Each CORPUS is a YAML file holding one corpus entry ({corpus: emodb, root: data/emodb}, with the \
                reader's options, an optional name for eval/<name>/ and optional labels: {map: {...}, keep: [...]}) \
                or inline key=value pairs: corpus=emodb,root=data/emodb,name=emodb. The run's own features, clip \
                preparation, normalisation and labels mapping are used; clips of classes the model lacks are left \
                out and counted, the model's classes the corpus lacks are listed. Writes eval/<corpus>/metrics.json \
                (the schema of the run's metrics.json) and eval/<corpus>/evaluation.json; `exp show` prints them \
                and `exp compare` offers eval.<corpus>.uar and the other metrics as columns.
                """)

        @Option(name: .customLong("run"),
                help: "A run directory, <name>/<run-id>, or an experiment name; repeat to score several runs (e.g. the folds of a sweep).")
        var runReferences: [String] = []

        @Option(help: "Which checkpoint: best, last or average (default: average when the run averaged checkpoints, else best).")
        var checkpoint: CheckpointKind?

        @Option(name: .customLong("runs-dir"), help: "Root of the run directories (default $EXP_RUNS_DIR or runs).")
        var runsDirectory: String?

        @Argument(help: "Corpora: YAML files or corpus=<type>,<option>=<value>,... arguments.")
        var corpora: [String] = []

        func validate() throws {
            guard !runReferences.isEmpty else { throw ValidationError("Please provide at least one --run.") }
            guard !corpora.isEmpty else {
                throw ValidationError("Please provide at least one corpus (a YAML file or corpus=<type>,root=<dir>).")
            }
        }

        func run() throws {
            let registries = RegistryScope.current
            let directories = try runReferences.map { reference in
                let directory = try RunLocator.locate(reference, runsRoot: RunOptions.runsRoot(option: runsDirectory))
                guard try RunRecord.read(RunDirectory(existing: directory).record)?.status == .completed else {
                    throw RunError.invalid("\(directory.path) is not a completed run: train it to the end first (exp run)")
                }
                return directory
            }
            let targets: [EvaluationTarget]
            do {
                targets = try corpora.map { try EvaluationTarget.parse(argument: $0, registries: registries) }
            } catch let errors as SpecErrors {
                FileHandle.standardError.write(Data("\(errors)\n".utf8))
                throw ExitCode.validationFailure
            }
            let cache = FeatureCache(directory: FeatureCache.defaultDirectory())
            for directory in directories {
                let run = "\(directory.deletingLastPathComponent().lastPathComponent)/\(directory.lastPathComponent)"
                for target in targets {
                    let (evaluation, metrics) = try CorpusEvaluator.evaluate(run: directory, target: target,
                                                                              registries: registries,
                                                                              checkpoint: checkpoint, featureCache: cache)
                    print("\(run): eval/\(evaluation.corpus): \(CorpusEvaluator.summary(evaluation, metrics))")
                }
            }
        }
    }
}
