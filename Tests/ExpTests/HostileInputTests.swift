import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

/// The `exp` executable on hostile specs, run references, checkpoints and filters: every case ends with a non-zero
/// exit status (never a signal such as SIGILL/SIGTRAP from a Swift trap, SIGABRT or SIGSEGV) and one clear message.
@Suite(.serialized) struct HostileInputTests {
    struct Outcome {
        let status: Int32
        let signalled: Bool
        let output: String
        let error: String
        /// Standard error without blank lines.
        var errorLines: [String] { error.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty } }
    }

    /// Runs `exp arguments` in `directory` with a 120 s limit.
    static func exp(_ arguments: [String], in directory: URL) throws -> Outcome {
        let process = Process()
        process.executableURL = RunCommandTests.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["EXP_CACHE": directory.appendingPathComponent("cache").path, "EXP_RUNS_DIR": "runs"]) { $1 }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let deadline = DispatchTime.now() + .seconds(120)
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: deadline, execute: watchdog)
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return Outcome(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                       output: String(decoding: outputData, as: UTF8.self), error: String(decoding: errorData, as: UTF8.self))
    }

    /// Non-zero, not a signal, and standard error holding `lines` lines, the first containing every fragment.
    static func expectCleanFailure(_ outcome: Outcome, lines: Int = 1, mentions fragments: [String],
                                   sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(!outcome.signalled && ![0, 132, 133, 134, 137, 139].contains(outcome.status),
                "status \(outcome.status), signalled \(outcome.signalled): \(outcome.error)", sourceLocation: sourceLocation)
        #expect(outcome.errorLines.count == lines, "\(outcome.error)", sourceLocation: sourceLocation)
        let first = outcome.errorLines.first ?? ""
        for fragment in fragments {
            #expect(first.contains(fragment), "'\(fragment)' not in: \(outcome.error)", sourceLocation: sourceLocation)
        }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("exp-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let laughs: String = {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (level, previous) in zip("bcdefghij", "abcdefghi") {
            yaml += "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        return yaml
    }()

    /// Spec texts and what the one error line must name.
    static let specs: [(id: String, yaml: String, fragments: [String])] = [
        ("invalid YAML", "seed: [1, 2\nname: x\n", ["h.yaml:2:", "invalid YAML"]),
        ("tabs", "training:\n\tepochs: 3\n", ["h.yaml:2:1:", "tab character in indentation"]),
        ("duplicate key", "seed: 1\nseed: 2\n", ["h.yaml:2:1:", "duplicate key 'seed'"]),
        ("alias bomb", laughs + "k: *j\n", ["h.yaml:", "more than 10000 values"]),
        ("alias bomb as a key", laughs + "*j : 1\n", ["h.yaml:11:1:", "alias '*j' used as a mapping key"]),
        ("deep nesting", "x: " + String(repeating: "[", count: 10_000), ["h.yaml:1:", "nesting"]),
        ("huge integer", "seed: 99999999999999999999\ndata: {root: corpus}\n", ["h.yaml:1:7:", "seed", "out of range"]),
        ("huge float", "optimizer: {type: adam, learning_rate: 1e400}\ndata: {root: corpus}\n", ["h.yaml:1:40:", "optimizer.learning_rate", "out of range"]),
        ("infinite duration", "data: {root: corpus, duration: .inf}\n", ["h.yaml:1:32:", "data.duration", "finite"]),
        ("huge layer", "model: {layers: [{type: dense, units: 9223372036854775807}]}\ndata: {root: corpus}\n",
         ["h.yaml:1:39:", "model.layers[0].units", "must be <= 65536"]),
        ("huge model", "model: {layers: [{type: dense, units: 65536}, {type: dense, units: 65536}]}\ndata: {root: corpus}\n",
         ["h.yaml:1:54:", "model.layers[1]", "parameters, above the limit"]),
        ("wrong type", "training: {epochs: many}\ndata: {root: corpus}\n", ["h.yaml:1:20:", "training.epochs", "expected an integer"]),
        ("name climbing out", "name: ../../etc\ndata: {root: corpus}\n", ["h.yaml:1:7:", "name", "'/'"]),
        ("absolute name", "name: /tmp/x\ndata: {root: corpus}\n", ["h.yaml:1:7:", "name", "'/'"]),
        ("NUL in name", "name: \"a\\0b\"\ndata: {root: corpus}\n", ["h.yaml:1:7:", "name", "U+0000"]),
        ("extends cycle", "extends: h.yaml\n", ["h.yaml:1:10:", "cycle"]),
        ("missing parent", "extends: nowhere.yaml\n", ["h.yaml:1:10:", "nowhere.yaml", "no such file"]),
        ("huge file", "seed: 1\n" + String(repeating: "#\n", count: 600_000), ["h.yaml", "limited to 1048576"]),
    ]

    @Test func hostileSpecsGiveOneMessageAndNoTrap() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for spec in Self.specs {
            try spec.yaml.write(to: directory.appendingPathComponent("h.yaml"), atomically: true, encoding: .utf8)
            let outcome = try Self.exp(["validate", "h.yaml"], in: directory)
            Self.expectCleanFailure(outcome, lines: 2, mentions: spec.fragments)
            #expect(outcome.errorLines.last == "h.yaml: 1 error", "\(spec.id): \(outcome.error)")
        }
    }

    @Test func aRunNamedOutOfTheRootIsRefusedBeforeAnythingIsWritten() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let nested = directory.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try "name: ../../escaped\n".write(to: nested.appendingPathComponent("h.yaml"), atomically: true, encoding: .utf8)
        let outcome = try Self.exp(["run", "h.yaml", "--runs-dir", "runs"], in: nested)
        #expect(outcome.status != 0 && !outcome.signalled, "\(outcome.error)")
        #expect(outcome.error.contains("h.yaml:1:7: name: name may only contain"), "\(outcome.error)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("escaped").path))
        #expect(!FileManager.default.fileExists(atPath: nested.appendingPathComponent("runs").path))
    }

    @Test func runReferencesStayInsideTheRunsRoot() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manager = FileManager.default
        let root = directory.appendingPathComponent("runs")
        try manager.createDirectory(at: root, withIntermediateDirectories: true)
        // A directory outside the root that looks like a run, reachable by a symlink planted inside the root.
        let elsewhere = directory.appendingPathComponent("elsewhere/r1")
        try manager.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try "{}".write(to: elsewhere.appendingPathComponent("run.json"), atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(at: root.appendingPathComponent("x"), withDestinationURL: elsewhere.deletingLastPathComponent())
        let real = RunLocatorPath.real(root.path)
        // Names under the root; a path given as such (`elsewhere.path`) is taken wherever it lies.
        for reference in ["x", "x/r1", "../elsewhere/r1"] {
            for arguments in [["show", reference], ["predict", "--run", reference, "clip.wav"], ["ensemble", "--run", reference]] {
                let outcome = try Self.exp(arguments + ["--runs-dir", "runs"], in: directory)
                Self.expectCleanFailure(outcome, mentions: ["Error: run directory", "resolves outside the runs root \(real)",
                                                            "pass --runs-dir DIR"])
            }
        }
        let missing = try Self.exp(["show", "../../something", "--runs-dir", "runs"], in: directory)
        Self.expectCleanFailure(missing, mentions: ["Error: run directory", "resolves outside the runs root"])
        let empty = try Self.exp(["show", "", "--runs-dir", "runs"], in: directory)
        Self.expectCleanFailure(empty, mentions: ["Error: cannot read ''"])
    }

    @Test func aFIFOInPlaceOfRunJSONIsReportedNotWaitedOn() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeRun(under: directory.appendingPathComponent("runs"))
        try Self.writeRun(under: directory.appendingPathComponent("runs/other"))
        let experiment = directory.appendingPathComponent("runs/t")
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: experiment.path).first)
        let record = RunDirectory(existing: experiment.appendingPathComponent(id)).record
        try FileManager.default.removeItem(at: record)
        try #require(mkfifo(record.path, 0o600) == 0)
        // `exp` below is killed after 120 s, so a blocking read fails the test (as a signal) instead of hanging it.
        let show = try Self.exp(["show", "t/\(id)", "--runs-dir", "runs"], in: directory)
        Self.expectCleanFailure(show, mentions: ["Error: cannot read ", "run.json: not a regular file (a FIFO)"])
        let compare = try Self.exp(["compare", "runs", "--columns", "status,run"], in: directory)
        #expect(compare.status == 0 && !compare.signalled, "\(compare.error)")
        #expect(compare.output.contains("unreadable") && compare.output.contains("completed"), "\(compare.output)")
    }

    @Test func malformedFiltersNameTheColumn() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeRun(under: directory.appendingPathComponent("runs"))
        let cases: [(filter: String, fragment: String)] = [
            ("(status == completed", "expected ')' to close the '(' at column 1"),
            ("status ==", "expected a value after '=='"),
            ("and status == x", "expected a condition"),
            ("name == 'abc", "unterminated string at column 9"),
            (String(repeating: "(", count: 20_000) + "a == 1" + String(repeating: ")", count: 20_000),
             "is limited to 4096"),
            (String(repeating: "(", count: 2_000) + "a == 1" + String(repeating: ")", count: 2_000), "nest deeper than 64 levels"),
            (String(repeating: "not ", count: 1_000) + "a == 1", "nest deeper than 64 levels"),
            ("status.typo == 1", "no run has a parameter, metric or attribute 'status.typo'"),
            ("status == \u{7}", "unexpected character"),
        ]
        for (filter, fragment) in cases {
            let outcome = try Self.exp(["compare", "runs", "--where", filter], in: directory)
            if outcome.error.contains("no run directories found") {
                Issue.record("the fixture holds no run: \(outcome.error)")
                return
            }
            Self.expectCleanFailure(outcome, lines: 3, mentions: ["error: invalid --where expression: ", fragment])
        }
    }
}

extension HostileInputTests {
    /// A finished run (spec and record only) under `root`, enough for `exp compare` to list it.
    static func writeRun(under root: URL) throws {
        let json = """
            {"name": "t", "seed": 1, "data": {"corpus": "ravdess", "root": "d", "sample_rate": 16000, "duration": 3.0,
             "normalize": "peak"}, "features": {"type": "mfcc"}, "augment": [], "model": {"layers": []},
             "optimizer": {"type": "adam", "learning_rate": 0.001}, "training": {"epochs": 1, "batch_size": 8},
             "split": {"type": "speaker_holdout"}, "metrics": []}
            """
        let spec = try JSONDecoder().decode(ResolvedSpec.self, from: Data(json.utf8))
        let id = spec.runID.description
        let directory = try RunDirectory.create(root: root, name: "t", runID: id)
        try AtomicFile.write(spec.yaml, to: directory.spec)
        var record = RunRecord(id: id, name: "t", seed: 1, threads: 1, expVersion: "test", gitCommit: nil, host: "h",
                               created: Date(timeIntervalSince1970: 1_795_000_000))
        record.status = .completed
        try record.write(directory.record)
    }

    /// Header edits of `best.safetensors` and the fragment the one error line must contain.
    static let checkpointEdits: [(id: String, edit: @Sendable (Data) -> Data, fragment: String)] = [
        ("truncated", { $0.prefix(100) }, "is invalid for a file of 100 bytes"),
        ("header length 2^60", { Data([0, 0, 0, 0, 0, 0, 0, 0x10]) + $0.dropFirst(8) }, "header length 1152921504606846976"),
        ("not JSON", { var d = $0; d[8] = UInt8(ascii: "x"); return d }, "invalid safetensors header: not valid JSON"),
        ("wrong dtype", { replacing($0, "\"F32\"", "\"I64\"") }, "has dtype I64; only F32 is supported"),
        ("overflowing shape", { replacing($0, "\"shape\":[", "\"shape\":[4611686018427387904,4611686018427387904,") },
         "needs more bytes than a file can hold"),
        ("negative shape", { replacing($0, "\"shape\":[", "\"shape\":[-1,") }, "shape must be a list of non-negative integers"),
        ("extra bytes", { $0 + Data(count: 8) }, "that no tensor covers"),
    ]

    /// `data` with the first `old` in its header replaced by `new` (the header length kept right).
    static func replacing(_ data: Data, _ old: String, _ new: String) -> Data {
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var header = String(decoding: data[8 ..< 8 + length], as: UTF8.self)
        if let range = header.range(of: old) { header.replaceSubrange(range, with: new) }
        let bytes = Data(header.utf8)
        return Data((0 ..< 8).map { UInt8(truncatingIfNeeded: bytes.count >> (8 * $0)) }) + bytes + data.dropFirst(8 + length)
    }

    @Test func tamperedCheckpointsAndSpecsOfARunGiveOneMessage() throws {
        let workspace = try RunCommandTests.Workspace()
        defer { workspace.remove() }
        let trained = try Self.exp(["run", workspace.spec.path, "training.epochs=1", "--runs-dir", "runs", "--threads", "1",
                                    "--quiet"], in: workspace.root)
        try #require(trained.status == 0, "\(trained.error)")
        let experiment = workspace.root.appendingPathComponent("runs/tiny")
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: experiment.path).first)
        let run = RunDirectory(existing: experiment.appendingPathComponent(id))
        let checkpoint = run.checkpoint(.best)
        let original = try Data(contentsOf: checkpoint)
        let clip = "corpus/Actor_04"
        for edit in Self.checkpointEdits {
            try edit.edit(original).write(to: checkpoint)
            let outcome = try Self.exp(["predict", "--run", "tiny", "--runs-dir", "runs", clip], in: workspace.root)
            Self.expectCleanFailure(outcome, mentions: ["Error: ", checkpoint.lastPathComponent, edit.fragment])
        }
        // Tampered run metadata in a well-formed file: no classes, or a frame count no model can take.
        let file = try SafetensorsFile.decode(original, file: checkpoint.path)
        for (key, value, fragment) in [("exp.class_names", "[]", "the model needs at least one class, got 0"),
                                       ("exp.frames", "100000000", "above the limit"),
                                       ("exp.data", #"{"sample_rate": 16000, "duration": 1.0, "normalize": "peak"}"#,
                                        "'exp.data' is invalid: sample_rate=16000 differs from the feature extractor's 8000 Hz"),
                                       ("exp.data", #"{"sample_rate": 8000, "duration": 1e9, "normalize": "peak"}"#,
                                        "'exp.data' is invalid: duration must be finite and <= 3600")] {
            var tampered = file
            tampered.metadata[key] = value
            try tampered.encoded().write(to: checkpoint)
            let outcome = try Self.exp(["predict", "--run", "tiny", "--runs-dir", "runs", clip], in: workspace.root)
            Self.expectCleanFailure(outcome, mentions: ["Error: ", fragment])
        }
        try original.write(to: checkpoint)
        let spec = try Data(contentsOf: run.spec)
        for (yaml, fragment) in [(Self.laughs + "k: *j\n", "more than 10000 values"), ("name: ../x\n", "name may only contain")] {
            try Data(yaml.utf8).write(to: run.spec)
            let outcome = try Self.exp(["predict", "--run", "tiny", "--runs-dir", "runs", clip], in: workspace.root)
            #expect(!outcome.signalled && outcome.status != 0, "\(outcome.error)")
            #expect(outcome.errorLines.first?.contains(fragment) == true, "\(outcome.error)")
        }
        try spec.write(to: run.spec)
        let healthy = try Self.exp(["predict", "--run", "tiny", "--runs-dir", "runs", clip], in: workspace.root)
        #expect(healthy.status == 0, "\(healthy.error)")
    }
}

/// The real path of the runs root, as the locator reports it.
enum RunLocatorPath {
    static func real(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
