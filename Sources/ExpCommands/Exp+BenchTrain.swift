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
                Peers: bench/peers/torch_train.py and bench/peers/keras_train.py (`make bench-train`). \
                OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE cap OpenBLAS at older kernels; unless --keep-blas-env is \
                given, the command re-executes itself without them, checks its GEMM against a naive matmul and \
                prints the kernel that ran.
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
        @Flag(help: "Keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE as they are.") var keepBlasEnv = false

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
            let variables = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]
            let environment = ProcessInfo.processInfo.environment
            if !keepBlasEnv, variables.contains(where: { environment[$0] != nil }) {
                // OpenBLAS reads them when the library loads, so only a fresh image can run without them. exec
                // replaces this process rather than waiting beside the benchmark on one of its cores.
                let path = Bundle.main.executablePath ?? "/proc/self/exe"
                let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
                let kept = environment.filter { !variables.contains($0.key) }.map { strdup("\($0.key)=\($0.value)") } + [nil]
                execve(path, arguments, kept)
                throw ValidationError("cannot re-run \(path) without \(variables.joined(separator: " and ")): "
                                      + String(cString: strerror(errno)) + " (or pass --keep-blas-env)")
            }
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
