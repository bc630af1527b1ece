import ArgumentParser
import AudioFeatures
import Foundation

extension Exp.Bench {
    /// `exp bench features`: decode + resample to 16 kHz + 40 MFCC for every WAV under a folder.
    struct BenchFeatures: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "features",
            abstract: "Decode, resample to 16 kHz and compute 40 MFCC for every WAV under --corpus.",
            discussion: "Parameters: \(FeatureBenchmark.parameterText). Peer: bench/peers/librosa_features.py.")

        @Option(help: "Folder searched recursively for .wav files.") var corpus: String
        @Option(help: "Worker threads.") var threads: Int = 1
        @Flag(help: "Print one JSON object instead of a human line.") var json = false

        func validate() throws {
            guard threads > 0 else { throw ValidationError("--threads must be > 0, got \(threads)") }
        }

        func run() throws {
            ProcessMemory.retainFreedMemory()
            let files = try FeatureBenchmark.wavFiles(under: corpus)
            guard !files.isEmpty else { throw ValidationError("no .wav files under \(corpus)") }
            let report = try FeatureBenchmark.run(files: files, threads: threads)
            try Exp.Bench.print(report, summary: report.summary, json: json)
        }
    }
}
