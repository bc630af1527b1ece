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
    }
}
