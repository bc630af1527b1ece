import Foundation
import ArgumentParser

extension Exp {
    /// `exp bench`: throughput benchmarks whose Python peers live in `bench/peers/`.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Measure throughput (compare with the Python peers via `make bench`).",
            subcommands: [
                BenchFeatures.self,
                BenchTrain.self,
            ])

        /// Prints a benchmark report: one JSON object with sorted snake_case keys, or its human `summary` line.
        static func print<Report: Encodable>(_ report: Report, summary: String, json: Bool) throws {
            guard json else { return Swift.print(summary) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            Swift.print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }
}
