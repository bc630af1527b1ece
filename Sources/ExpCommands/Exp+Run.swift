import ArgumentParser
import EmotionCorpus
import ExperimentKit
import Foundation
import NeuralNet

/// `--log-format`: how progress is written to standard error.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

extension Exp {
    /// `exp run SPEC...`: trains every spec's run, skipping completed ones and resuming interrupted or killed ones.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train and evaluate experiments; resume interrupted runs, skip completed ones.",
            discussion: """
                Each spec becomes runs/<name>/<run-id>/ (the id hashes the resolved spec). A completed run is \
                skipped, an interrupted or killed one continues from its last checkpoint and ends with exactly the \
                metrics of an uninterrupted run. Ctrl-C stops after the current step; Ctrl-C twice aborts.
                """)

        @Argument(help: "Experiment spec files (YAML), then overrides (key=value; key=a,b sweeps over a and b).")
        var specs: [String] = []

        @OptionGroup(title: "Sweeps") var sweep: SweepOptions

        @Option(name: .customLong("runs-dir"), help: "Root of the run directories (default $EXP_RUNS_DIR or runs).")
        var runsDirectory: String?

        @Flag(help: "Rerun completed runs from scratch.")
        var force = false

        @Flag(help: "Print only the end of each run.")
        var quiet = false

        @Option(name: .customLong("log-format"), help: "Progress format: text or json (one object per line).")
        var logFormat: LogFormat = .text

        @Option(help: "Compute threads (default: all processors). The same count repeats a run bit for bit.")
        var threads: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            let files = SweepOptions.partition(specs).specs
            guard !files.isEmpty else { throw ValidationError("Please provide at least one spec file.") }
            guard threads > 0 else { throw ValidationError("--threads must be > 0. Received: \(threads)") }
            for spec in files where !FileManager.default.fileExists(atPath: spec) {
                throw ValidationError("Spec file '\(spec)' does not exist.")
            }
        }

        func run() async throws {
            BLASRuntime.threadCount = threads
            let interrupt = InterruptFlag()
            interrupt.installSignalHandlers()
            let progress: ProgressStyle = logFormat == .json ? .json : quiet ? .quiet : .automatic()
            let options = RunOptions(
                runsRoot: RunOptions.runsRoot(option: runsDirectory), force: force, progress: progress,
                threads: threads, interrupt: interrupt,
                featureCache: FeatureCache(directory: FeatureCache.defaultDirectory()),
                expVersion: Exp.configuration.version)
            let (files, overrides) = SweepOptions.partition(specs)
            var problems = 0
            for file in files {
                if interrupt.isRaised { break }
                do {
                    problems += try SweepCommand.run(file: file, overrides: overrides, sweep: sweep, runOptions: options)
                } catch let exit as ExitCode {
                    throw exit
                } catch {
                    problems += 1
                    FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
                }
            }
            if interrupt.isRaised { throw ExitCode(130) }
            if problems > 0 { throw ExitCode.failure }
        }

        private func report(_ line: String, _ progress: ProgressStyle) {
            guard progress != .json else { return }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
