import ArgumentParser
import EmotionCorpus
import ExperimentKit
import Foundation

extension Exp {
    /// `exp data`: corpus tools. Named `DataCommand` so it never shadows Foundation's `Data` inside `Exp`.
    struct DataCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "data",
            abstract: "Inspect, fetch and synthesise corpora.",
            subcommands: [Check.self, Fetch.self, DataSynth.self]
        )
    }
}

/// The corpus kinds `exp data check --corpus` accepts: every kind `CorpusDetection` reads.
struct CorpusKind: ExpressibleByArgument {
    /// The reader type, one of `CorpusDetection.kinds`.
    let rawValue: String

    init?(argument: String) {
        guard CorpusDetection.kinds.contains(argument) else { return nil }
        rawValue = argument
    }

    static var allValueStrings: [String] { CorpusDetection.kinds }
}

extension Exp.DataCommand {
    /// `exp data check DIR...` or `exp data check --spec SPEC`: counts, formats, durations, unreadable files and
    /// duplicates of a corpus, or of several corpora (each, and their union with namespaced speakers).
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report counts per speaker × emotion, sample rates, channels, durations, unreadable files " +
                "and exact duplicates of a corpus.",
            discussion: """
                Several paths, or a spec whose data lists several corpora (--spec), are checked together: one \
                row per corpus, then the union with speakers namespaced by corpus (emodb/03), as a run reads them.
                """)

        @Argument(help: "Corpus directories (or manifest CSVs for --corpus manifest).")
        var paths: [String] = []

        @Option(help: "Corpus kind: \(CorpusDetection.kinds.joined(separator: ", ")) (default: detected from the layout).")
        var corpus: CorpusKind?

        @Option(help: "Check the corpora of this experiment spec's data section instead of paths.")
        var spec: String?

        @Flag(help: "Print the report as JSON instead of a table.")
        var json = false

        func validate() throws {
            guard paths.isEmpty != (spec == nil) else {
                throw ValidationError("Please provide either corpus paths or --spec, not both.")
            }
            for path in paths + [spec].compactMap({ $0 }) where !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("No such file or directory: \(path)")
            }
        }

        func run() async throws {
            let corpora: [Corpus]
            if let spec {
                let registries = RegistryScope.current
                let loaded: ExperimentSpec
                do {
                    loaded = try ExperimentSpec.load(file: spec, registries: registries, classCount: Emotion.allCases.count)
                } catch let errors as SpecErrors {
                    FileHandle.standardError.write(Data("\(errors)\n".utf8))
                    throw ExitCode.validationFailure
                }
                corpora = try loaded.corpora.map { try registries.corpora.make($0).load() }
            } else {
                corpora = try paths.map { try CorpusDetection.source(path: $0, kind: corpus?.rawValue).load() }
            }
            let report = try DataCheckReport.run(corpora: corpora)
            print(json ? try report.json() : report.table(), terminator: json ? "\n" : "")
        }
    }

    /// `exp data fetch ravdess`: download, verify and unpack the official RAVDESS speech archive.
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download, verify and unpack a corpus (ravdess: the Zenodo speech archive, 1,440 files).")

        @Argument(help: "Corpus to fetch (only 'ravdess').")
        var corpus: String

        @Option(help: "Destination directory.")
        var out = "data/ravdess"

        @Option(help: "Archive URL (default: the Zenodo record 1188976 speech archive).")
        var url = RavdessFetcher.officialURL

        @Option(help: "Speech files the archive must hold.")
        var expectedFiles = RavdessFetcher.officialFileCount

        func validate() throws {
            guard corpus == "ravdess" else {
                throw ValidationError("Unknown corpus '\(corpus)'. Please provide one of: ravdess")
            }
            guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https" else {
                throw ValidationError("--url must be an http or https URL, got '\(url)'")
            }
            guard expectedFiles > 0 else { throw ValidationError("--expected-files must be > 0, got \(expectedFiles)") }
        }

        func run() async throws {
            guard let archiveURL = URL(string: url) else { throw ValidationError("--url is not a URL: \(url)") }
            let reporter = ProgressLine()
            let fetcher = RavdessFetcher(url: archiveURL, output: out, expectedFileCount: expectedFiles,
                                         progress: { reporter.update(bytes: $0, total: $1) })
            let summary = try await fetcher.run()
            reporter.finish()
            if summary.alreadyPresent {
                print("\(summary.output): already holds \(summary.fileCount) RAVDESS speech files; nothing to do")
            } else {
                print("\(summary.output): unpacked \(summary.fileCount) RAVDESS speech files")
            }
        }
    }
}

/// Download progress on stderr, at most one update per whole megabyte.
private final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var lastMegabyte: Int64 = -1

    func update(bytes: Int64, total: Int64?) {
        lock.lock()
        defer { lock.unlock() }
        let megabyte = bytes >> 20
        guard megabyte != lastMegabyte else { return }
        lastMegabyte = megabyte
        let totalText = total.map { " of \($0 >> 20) MiB" } ?? ""
        FileHandle.standardError.write(Data("\rdownloaded \(megabyte) MiB\(totalText)".utf8))
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if lastMegabyte >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
