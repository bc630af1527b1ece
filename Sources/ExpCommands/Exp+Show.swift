import ArgumentParser
import ExperimentKit
import Foundation

extension Exp {
    /// `exp show RUN`: status, spec, metrics, per-class table and confusion matrix of one run.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a run: status, resolved spec, test metrics, per-class table and confusion matrix.",
            discussion: """
                RUN is a run directory, <name>/<run-id> under the runs root, or an experiment name (its most \
                recently updated run).
                """)

        @Argument(help: "A run directory, <name>/<run-id>, or an experiment name.")
        var reference: String

        @Option(name: .customLong("runs-dir"), help: "Root of the run directories (default $EXP_RUNS_DIR or runs).")
        var runsDirectory: String?

        func run() throws {
            let directory = try RunLocator.locate(reference, runsRoot: RunOptions.runsRoot(option: runsDirectory))
            print(try RunReport.render(directory), terminator: "")
        }
    }
}
