import ArgumentParser
import ExperimentKit
import Foundation

extension Exp {
    /// `exp compare [PATH...]`: one row per run, metrics, and the parameters that differ.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare runs: status, metrics and the parameters that differ.",
            discussion: """
                PATH is a runs root, runs/<name>, or run directories (default: $EXP_RUNS_DIR or runs). \
                Keys are dotted: parameters from the resolved spec (optimizer.learning_rate, \
                model.layers[4].units), metrics (test.uar, test.accuracy, test.f1.angry, val.best_uar, \
                train.last_loss) and attributes (run, status, created, duration, epochs, name, id, seed).
                Example: exp compare runs --where "optimizer.learning_rate < 1e-3 and status == completed" \
                --sort -test.uar --top 5
                """
        )

        @Argument(help: "Runs roots, experiment folders or run directories.")
        var paths: [String] = []

        @Option(parsing: .unconditional, help: "Sort keys, comma-separated; prefix '-' for descending (e.g. -test.uar).")
        var sort: String?

        @Option(name: .customLong("where"), help: "Filter, e.g. \"test.uar > 0.5 and features.type in [mfcc, logmel]\".")
        var filter: String?

        @Option(help: "Exactly these columns, comma-separated.")
        var columns: String?

        @Option(help: "Group by these keys (comma-separated); metrics become mean ± std with the count n.")
        var groupBy: String?

        @Option(help: "Show only the first N rows after sorting.")
        var top: Int?

        @Option(help: "Decimals for fractional numbers.")
        var precision: Int = 4

        @Option(help: "Output format: table, csv, md or json.")
        var format: String = "table"

        @Flag(help: "Show every parameter, not only those that differ.")
        var allParams = false

        func validate() throws {
            guard CompareFormat(rawValue: format) != nil else {
                throw ValidationError("Please provide one of: table, csv, md, json for --format. Received: \(format)")
            }
            if let top, top <= 0 { throw ValidationError("--top must be > 0. Received: \(top)") }
            guard (0 ... 12).contains(precision) else {
                throw ValidationError("--precision must be in 0...12. Received: \(precision)")
            }
        }

        func run() throws {
            var options = CompareOptions()
            options.sort = Self.list(sort)
            options.filter = filter
            options.columns = columns.map { Self.list($0) }
            options.groupBy = Self.list(groupBy)
            options.top = top
            options.precision = precision
            options.allParams = allParams
            let roots = paths.isEmpty ? [RunOptions.runsRoot(option: nil)] : paths.map { URL(fileURLWithPath: $0) }
            do {
                let (text, notes) = try Comparison.render(roots, options: options,
                                                          format: CompareFormat(rawValue: format) ?? .table)
                for note in notes { FileHandle.standardError.write(Data((note + "\n").utf8)) }
                print(text, terminator: "")
            } catch let error as CompareError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.validationFailure
            }
        }

        static func list(_ text: String?) -> [String] {
            (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }
}
