import ArgumentParser
import EmotionCorpus
import ExperimentKit
import Foundation

/// `--format` of `exp predict`.
enum PredictionFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// `--checkpoint` of `exp predict`.
extension CheckpointKind: ExpressibleByArgument {}

/// `--speakers` of `exp predict`.
extension SpeakerGrouping: ExpressibleByArgument {}

extension Exp {
    /// `exp predict --run RUN [--run RUN...] FILE_OR_DIR...`: label and class probabilities per audio file.
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify audio files with a trained run.",
            discussion: """
                Uses the run's spec.yaml to rebuild its features and network, and the class names, normalisation \
                statistics and clip options stored in the checkpoint; any WAV/FLAC at any sample rate works. \
                Several --run options predict as one ensemble: the mean of the runs' class probabilities (e.g. the \
                seeds or folds of a sweep). Runs trained with data.speaker_normalization standardise each speaker's \
                files with statistics of those files: give several clips per speaker and say how to group them \
                with --speakers.
                """)

        @Option(name: .customLong("run"),
                help: "A run directory, <name>/<run-id>, or an experiment name; repeat for an ensemble.")
        var runReferences: [String] = []

        @Option(help: "Which files share a speaker, for per-speaker normalisation: single, directory or ravdess.")
        var speakers: SpeakerGrouping = .single

        @Option(help: "Which checkpoint: best, last or average (default: average when the run averaged checkpoints, else best).")
        var checkpoint: CheckpointKind?

        @Option(help: "Output format: table, json or csv.")
        var format: PredictionFormat = .table

        @Option(name: .customLong("runs-dir"), help: "Root of the run directories (default $EXP_RUNS_DIR or runs).")
        var runsDirectory: String?

        @Argument(help: "Audio files or directories (searched recursively for .wav and .flac).")
        var paths: [String] = []

        func validate() throws {
            guard !paths.isEmpty else { throw ValidationError("Please provide at least one audio file or directory.") }
            guard !runReferences.isEmpty else { throw ValidationError("Please provide at least one --run.") }
        }

        func run() throws {
            let registries = RegistryScope.current
            let classCount = Emotion.allCases.count
            let predictors = try runReferences.map { reference in
                let directory = try RunLocator.locate(reference, runsRoot: RunOptions.runsRoot(option: runsDirectory))
                let spec = try ExperimentSpec.load(file: RunDirectory(existing: directory).spec.path,
                                                   registries: registries, classCount: classCount)
                let components = SpecComponents(spec: spec, registries: registries, classCount: classCount)
                // The weights a run was evaluated with: the averaged ones when training.average_checkpoints made them.
                let averaged = FileManager.default.fileExists(atPath: RunDirectory(existing: directory).checkpoint(.average).path)
                return try Predictor(run: directory, checkpoint: checkpoint ?? (averaged ? .average : .best),
                                     components: components)
            }
            let files = try Predictor.audioFiles(paths)
            let predictions = try Predictor.ensemble(predictors, files: files, speakers: try speakers.speakers(of: files))
            print(try Predictor.render(predictions, format: format.rawValue), terminator: "")
        }
    }
}
