import ArgumentParser
import ExperimentKit
import Foundation

extension Exp {
    /// `exp export mlflow|files`: hand runs to the tools people already use.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export runs to MLflow, or (re)write their DVCLive and TensorBoard files.",
            subcommands: [MLflow.self, Files.self])

        /// `exp export mlflow --tracking-uri URI [PATH...]`.
        struct MLflow: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "mlflow",
                abstract: "Log runs (params, metric histories, tags, artifacts) to an MLflow tracking server.")

            @Option(help: "The tracking server, e.g. http://127.0.0.1:5000.")
            var trackingURI: String

            @Option(help: "MLflow experiment for every run (default: each run's experiment name).")
            var experiment: String?

            @Argument(help: "Runs roots, experiment folders or run directories (default: $EXP_RUNS_DIR or runs).")
            var paths: [String] = []

            func validate() throws {
                guard let url = URL(string: trackingURI), ["http", "https"].contains(url.scheme ?? "") else {
                    throw ValidationError("--tracking-uri must be an http(s) URL. Received: \(trackingURI)")
                }
            }

            func run() async throws {
                guard let uri = URL(string: trackingURI) else { throw ExitCode.validationFailure }
                let exporter = MLflowExporter(trackingURI: uri, experimentName: experiment)
                try await Export.each(run: paths) { directory in
                    switch try await exporter.export(run: directory) {
                    case .exported(let id): "exported as MLflow run \(id)"
                    case .alreadyExported(let id): "already exported (MLflow run \(id))"
                    }
                }
            }
        }

        /// `exp export files [PATH...]`: DVCLive files and the TensorBoard event file for existing runs.
        struct Files: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "files",
                abstract: "(Re)write dvclive/ and tensorboard/ files inside existing run directories.")

            @Argument(help: "Runs roots, experiment folders or run directories (default: $EXP_RUNS_DIR or runs).")
            var paths: [String] = []

            func run() async throws {
                try await Export.each(run: paths) { directory in
                    try EcosystemFiles.write(run: directory)
                    return "wrote dvclive/ and tensorboard/"
                }
            }
        }

        /// Exports every run found under `paths` (default: the runs root), printing `<run>: <what export returned>`
        /// or one error line per failed run; exits non-zero when any failed or a path is not a runs folder.
        static func each(run paths: [String], _ export: (URL) async throws -> String) async throws {
            let roots = paths.isEmpty ? [RunOptions.runsRoot(option: nil)] : paths.map { URL(fileURLWithPath: $0) }
            var failed = 0
            do {
                for directory in try RunDiscovery.find(roots) {
                    do {
                        print("\(directory.path): \(try await export(directory))")
                    } catch {
                        failed += 1
                        FileHandle.standardError.write(Data("error: \(directory.path): \(error)\n".utf8))
                    }
                }
            } catch let error as CompareError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.validationFailure
            }
            if failed > 0 { throw ExitCode.failure }
        }
    }
}
