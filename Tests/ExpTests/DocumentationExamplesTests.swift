import EmotionCorpus
import Foundation
import Testing

/// The shell examples of `README.md` and `docs/*.md` run as written.
///
/// Convention: a fenced block with info string `sh` is executed here, in order, README first, then the docs pages by
/// name, in one workspace; a block that needs the real corpus, the network, a cluster or a long time is marked
/// `shell` and only shown. The workspace stands in for what `make demo` leaves behind, at a size a debug build trains
/// in seconds: `data/demo` is a 4-actor, 8 kHz demo corpus, `experiments/` is the repository's with `demo.yaml`
/// narrowed (two epochs, actors 03 and 04 held out), and `demo` has been run once.
@Suite(.serialized) struct DocumentationExamplesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// One `sh` block: where it starts and its text.
    struct Example: CustomStringConvertible {
        let file: String, line: Int, script: String
        var description: String { "\(file):\(line)" }
    }

    /// The fenced blocks of `text` whose info string is exactly `sh`.
    static func examples(in text: String, file: String) -> [Example] {
        var examples: [Example] = [], current: [String]?, start = 0
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            if var lines = current {
                if line.hasPrefix("```") {
                    examples.append(Example(file: file, line: start, script: lines.joined(separator: "\n")))
                    current = nil
                } else {
                    lines.append(line)
                    current = lines
                }
            } else if line == "```sh" {
                (current, start) = ([], index + 1)
            }
        }
        return examples
    }

    static func documents() throws -> [(name: String, text: String)] {
        let docs = repository.appendingPathComponent("docs")
        let pages = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }.sorted()
        return try (["README.md"] + pages.map { "docs/\($0)" }).map {
            ($0, try String(contentsOf: repository.appendingPathComponent($0), encoding: .utf8))
        }
    }

    static let demoSpec = """
        name: demo
        seed: 3
        data:     {corpus: ravdess, root: data/demo, sample_rate: 8000, duration: 1.0, normalize: peak}
        features: {type: mfcc, n_mfcc: 13, n_fft: 256, hop_length: 128, n_mels: 26}
        model:
          layers:
            - {type: conv1d, filters: 8, kernel_size: 3, activation: relu}
            - {type: maxpool1d, pool_size: 2}
            - {type: lstm, units: 8}
            - {type: dense, units: classes, activation: softmax}
        optimizer: {type: adam, learning_rate: 0.01}
        training:  {epochs: 2, batch_size: 32}
        split:     {type: speaker_holdout, test_speakers: ["04"], validation_speakers: ["03"]}

        """

    /// Runs `script` with `sh -e` in `directory`, the built `exp` first on the `PATH`.
    static func run(_ script: String, in directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-e", "-c", script]
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = RunCommandTests.executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["EXP_CACHE"] = directory.appendingPathComponent(".cache/exp").path
        environment["EXP_RUNS_DIR"] = nil
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func everyShExampleRunsOnTheDemoCorpus() throws {
        let documents = try Self.documents()
        let examples = documents.flatMap { Self.examples(in: $0.text, file: $0.name) }
        // The README's tour and the docs' runnable examples are found (a renamed info string would hide them).
        #expect(examples.contains { $0.file == "README.md" && $0.script.contains("exp predict --run demo") })
        #expect(Set(examples.map(\.file)).count >= 3, "\(examples)")

        let manager = FileManager.default
        let root = manager.temporaryDirectory.appendingPathComponent("exp-docs-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        defer { try? manager.removeItem(at: root) }
        try manager.createDirectory(at: root, withIntermediateDirectories: true)
        try manager.copyItem(at: Self.repository.appendingPathComponent("experiments"), to: root.appendingPathComponent("experiments"))
        try Self.demoSpec.write(to: root.appendingPathComponent("experiments/demo.yaml"), atomically: true, encoding: .utf8)
        _ = try DemoCorpus.write(to: root.appendingPathComponent("data/demo").path,
                                 configuration: .init(actorCount: 4, seed: 7, sampleRate: 8000))
        let demo = try Self.run("exp run experiments/demo.yaml --quiet", in: root)
        try #require(demo.status == 0, "\(demo.output)")

        for example in examples {
            let result = try Self.run(example.script, in: root)
            #expect(result.status == 0, "\(example) exited with \(result.status):\n\(example.script)\n---\n\(result.output.suffix(3000))")
        }
        // The tour made what it says: four demo runs (the first, an override, a two-trial sweep) and a report.
        let demoRuns = root.appendingPathComponent("runs/demo")
        let runs = try manager.contentsOfDirectory(atPath: demoRuns.path)
            .filter { manager.fileExists(atPath: demoRuns.appendingPathComponent("\($0)/run.json").path) }
        #expect(runs.count == 4, "\(runs)")
        #expect(manager.fileExists(atPath: root.appendingPathComponent("report.html").path))
        #expect(try manager.contentsOfDirectory(atPath: root.appendingPathComponent("features").path).count == 10)
    }

    @Test func fencedBlocksUseKnownInfoStrings() throws {
        // `sh` runs and `shell` is shown; anything else must be a language that is not a shell.
        let known: Set<String> = ["sh", "shell", "yaml", "swift", "python", "json", "text", ""]
        for (name, text) in try Self.documents() {
            var inside = false
            for (index, line) in text.components(separatedBy: "\n").enumerated() where line.hasPrefix("```") {
                if !inside {
                    let info = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                    #expect(known.contains(info), "\(name):\(index + 1): info string '\(info)'")
                }
                inside.toggle()
            }
            #expect(!inside, "\(name): unclosed fenced block")
        }
    }
}
