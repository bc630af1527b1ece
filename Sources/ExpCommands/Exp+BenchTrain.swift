import ArgumentParser
import Foundation
import NeuralNet

extension Exp.Bench {
    /// `exp bench train`: train, infer and latency figures of the default stack on random data.
    struct BenchTrain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train and run the default model on random data; print samples/s, latency, peak RSS and MFU.",
            discussion: """
                Peers: bench/peers/torch_train.py and bench/peers/keras_train.py (`make bench-train`). The report \
                names the OpenBLAS kernel that ran and who chose it (see `exp env`); the command checks its GEMM \
                against a naive matmul first.
                """)

        @Option(help: "Network: default (2 × Conv1D, 2 × LSTM, Dense) or cnn2d (a small 2-D CNN; use --features 64).")
        var model = "default"
        @Option(help: "Examples per training step.") var batch = 32
        @Option(help: "Frames per example (T).") var frames = 301
        @Option(help: "Features per frame (C).") var features = 40
        @Option(help: "Output classes.") var classes = 8
        @Option(help: "BLAS threads.") var threads = 2
        @Option(help: "Measured training steps after 3 warm-up steps.") var steps = 15
        @Flag(help: "Print one JSON object instead of a human line.") var json = false

        func validate() throws {
            for (name, value) in [("--batch", batch), ("--features", features), ("--classes", classes),
                                  ("--threads", threads), ("--steps", steps)] where value <= 0 {
                throw ValidationError("\(name) must be > 0, got \(value)")
            }
            guard TrainingBenchmark.Options.Model(rawValue: model) != nil else {
                throw ValidationError("--model must be one of "
                    + TrainingBenchmark.Options.Model.allCases.map(\.rawValue).joined(separator: ", ") + ", got '\(model)'")
            }
            guard frames >= 20 else { throw ValidationError("--frames must be >= 20 for the default model, got \(frames)") }
        }

        func run() throws {
            var options = TrainingBenchmark.Options()
            options.model = TrainingBenchmark.Options.Model(rawValue: model) ?? .defaultStack
            (options.batch, options.frames, options.features, options.classes) = (batch, frames, features, classes)
            (options.threads, options.steps) = (threads, steps)
            let report = try TrainingBenchmark.run(options)
            guard report.gemmCheckRelativeError < 1e-4 else {
                throw ValidationError("BLAS kernel \(report.blasKernel) disagrees with the naive matmul (rel. error \(report.gemmCheckRelativeError))")
            }
            try Exp.Bench.print(report, summary: report.summary, json: json)
        }
    }
}
