import ArgumentParser
import ExperimentKit
import Foundation

extension Exp {
    /// `exp report [PATH...] --out report.html`: a self-contained HTML report.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a self-contained HTML report: table, learning curves, confusion matrices, F1, spread.")

        @Argument(help: "Runs roots, experiment folders or run directories (default: $EXP_RUNS_DIR or runs).")
        var paths: [String] = []

        @Option(help: "The HTML file to write.")
        var out: String = "report.html"

        @Option(help: "Page title.")
        var title: String = "exp report"

        @Option(parsing: .unconditional, help: "Sort keys, comma-separated; prefix '-' for descending.")
        var sort: String?

        @Option(name: .customLong("where"), help: "Filter expression, as for exp compare.")
        var filter: String?

        @Option(help: "Keys that form a seed/fold group for the spread chart (default: all differing but seed).")
        var groupBy: String?

        @Option(help: "Metric whose spread over each group is drawn.")
        var spreadMetric: String = "test.uar"

        func run() throws {
            var options = ReportOptions()
            options.title = title
            options.compare.sort = Compare.list(sort)
            options.compare.filter = filter
            options.spreadGroupBy = groupBy.map { Compare.list($0) }
            options.spreadMetric = spreadMetric
            let roots = paths.isEmpty ? [RunOptions.runsRoot(option: nil)] : paths.map { URL(fileURLWithPath: $0) }
            do {
                let notes = try HTMLReport.write(roots, options: options, to: URL(fileURLWithPath: out))
                for note in notes { FileHandle.standardError.write(Data((note + "\n").utf8)) }
                FileHandle.standardError.write(Data("wrote \(out)\n".utf8))
            } catch let error as CompareError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.validationFailure
            }
        }
    }
}
