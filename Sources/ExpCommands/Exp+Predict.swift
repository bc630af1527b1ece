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

extension Exp {
    /// `exp predict --run RUN FILE_OR_DIR...`: label and class probabilities per audio file.
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify audio files with a trained run.",
            discussion: """
                Uses the run's spec.yaml to rebuild its features and network, and the class names, normalisation \
                statistics and clip options stored in the checkpoint; any WAV/FLAC at any sample rate works.
                """)

        @Option(name: .customLong("run"), help: "A run directory, <name>/<run-id>, or an experiment name.")
        var runReference: String

        @Option(help: "Which checkpoint: best or last.")
        var checkpoint: CheckpointKind = .best

        @Option(help: "Output format: table, json or csv.")
        var format: PredictionFormat = .table

        @Option(name: .customLong("runs-dir"), help: "Root of the run directories (default $EXP_RUNS_DIR or runs).")
        var runsDirectory: String?

        @Argument(help: "Audio files or directories (searched recursively for .wav and .flac).")
        var paths: [String] = []

        func validate() throws {
            guard !paths.isEmpty else { throw ValidationError("Please provide at least one audio file or directory.") }
        }

        func run() throws {
            let directory = try RunLocator.locate(runReference, runsRoot: RunOptions.runsRoot(option: runsDirectory))
            let registries = RegistryScope.current
            let classCount = Emotion.allCases.count
            let spec = try ExperimentSpec.load(file: RunDirectory(existing: directory).spec.path, registries: registries,
                                               classCount: classCount)
            let components = SpecComponents(spec: spec, registries: registries, classCount: classCount)
            let predictor = try Predictor(run: directory, checkpoint: checkpoint, components: components)
            let predictions = try predictor.predict(try Predictor.audioFiles(paths))
            print(try Predictor.render(predictions, format: format.rawValue), terminator: "")
        }
    }
}
