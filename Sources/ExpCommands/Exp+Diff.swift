import ArgumentParser
import ExperimentKit
import Foundation

extension Exp {
    /// `exp diff RUN_A RUN_B`: parameter, metric and attribute differences side by side.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the parameters and metrics that differ between two runs.")

        @Argument(help: "The first run directory.")
        var first: String

        @Argument(help: "The second run directory.")
        var second: String

        @Flag(help: "Show equal values too.")
        var all = false

        @Option(help: "Decimals for fractional numbers.")
        var precision: Int = 4

        func run() throws {
            do {
                let diff = try RunDiff.load(URL(fileURLWithPath: first), URL(fileURLWithPath: second), all: all)
                print(diff.render(precision: precision), terminator: "")
            } catch let error as CompareError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.validationFailure
            }
        }
    }
}
