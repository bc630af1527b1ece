import EmotionCorpus
import Foundation
@testable import ExperimentKit

/// A temporary folder with a 24-clip manifest corpus (one synthetic 8 kHz actor) and helpers to write specs into it
/// and run the real `exp` executable on them as child processes.
struct FaultWorkspace {
    /// The `exp` executable built next to this test bundle.
    static var executable: URL {
        (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
            .appendingPathComponent("exp")
    }

    let root: URL
    var manifest: URL { root.appendingPathComponent("clips.csv") }
    /// The feature cache every run uses unless a test passes another `EXP_CACHE`.
    var cache: URL { root.appendingPathComponent("cache") }

    /// Synthesises the corpus: 24 clips, 12 train, 6 validation, 6 test.
    init(_ label: String) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("exp-faults-\(label)-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        let corpus = root.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        _ = try DemoCorpus.write(to: corpus.path, configuration: .init(actorCount: 1, seed: 5, sampleRate: 8000))
        let actor = corpus.appendingPathComponent("Actor_01")
        let files = try FileManager.default.contentsOfDirectory(atPath: actor.path).filter { $0.hasSuffix(".wav") }
            .sorted().prefix(24)
        var lines = ["path,label,speaker,split"]
        for (index, file) in files.enumerated() {
            let emotion = file.split(separator: "-")[2]
            let side = index % 4 == 0 ? "test" : index % 4 == 1 ? "validation" : "train"
            lines.append("\(actor.appendingPathComponent(file).path),e\(emotion),01,\(side)")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: manifest, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Writes a spec named `name` and returns its path. `hidden` is the LSTM size, `coefficients` the MFCC count
    /// (8 makes cache entries of about 600 bytes, 40 of about 2.8 KB); `extra` is appended verbatim.
    @discardableResult
    func spec(_ name: String, file: String? = nil, epochs: Int = 6, learningRate: String = "0.01", hidden: Int = 8,
              coefficients: Int = 8, extra: String = "") throws -> URL {
        let url = root.appendingPathComponent(file ?? "\(name).yaml")
        let text = """
            name: \(name)
            seed: 3
            data: {corpus: manifest, path: \(manifest.path), sample_rate: 8000, duration: 0.5, normalize: peak}
            features: {type: mfcc, n_mfcc: \(coefficients), n_fft: 256, hop_length: 256, n_mels: 40}
            model:
              layers:
                - {type: conv1d, filters: 8, kernel_size: 3, activation: relu}
                - {type: lstm, units: \(hidden)}
                - {type: dropout, rate: 0.2}
                - {type: dense, units: classes, activation: softmax}
            optimizer: {type: adam, learning_rate: \(learningRate)}
            training: {epochs: \(epochs), batch_size: 4}
            split: {type: manifest}
            \(extra)
            """
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// The environment of a child: this process's, with the workspace cache and `extra` on top.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["EXP_CACHE"] = cache.path
        environment[FaultInjection.variable] = nil
        return environment.merging(extra) { $1 }
    }

    /// Starts `exp arguments` in the workspace with output going to files (no pipe can fill up and block it).
    /// With `fileSizeLimit` (bytes, a multiple of 512) the child runs under that `RLIMIT_FSIZE` with `SIGXFSZ`
    /// ignored, so a longer write fails with `EFBIG` as a full disk fails with `ENOSPC`.
    func start(_ arguments: [String], environment extra: [String: String] = [:], fileSizeLimit: Int? = nil) throws
        -> Child {
        guard let limit = fileSizeLimit else {
            return try Child(executable: Self.executable, arguments: arguments, directory: root,
                             environment: environment(extra))
        }
        // An ignored signal stays ignored across exec, and ulimit -f counts 512-byte blocks.
        let script = "trap '' XFSZ; ulimit -f \(limit / 512) && exec \"$0\" \"$@\""
        return try Child(executable: URL(fileURLWithPath: "/bin/sh"),
                         arguments: ["-c", script, Self.executable.path] + arguments, directory: root,
                         environment: environment(extra))
    }

    /// Runs `exp arguments` to its end.
    @discardableResult
    func exp(_ arguments: [String], environment extra: [String: String] = [:], fileSizeLimit: Int? = nil) throws
        -> Child.Ending {
        try start(arguments, environment: extra, fileSizeLimit: fileSizeLimit).wait()
    }

    /// `<runs>/<name>/<only run id>`, or nil when `<runs>/<name>` does not exist yet.
    func existingRunDirectory(_ runs: String, _ name: String) throws -> URL? {
        let folder = root.appendingPathComponent(runs).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: folder.path) else { return nil }
        return try runDirectory(runs, name)
    }

    /// `<runs>/<name>/<only run id>`.
    func runDirectory(_ runs: String, _ name: String) throws -> URL {
        let folder = root.appendingPathComponent(runs).appendingPathComponent(name)
        let ids = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") && $0 != "sweep.json" }
        guard ids.count == 1, let id = ids.first else { throw FaultTestError("expected one run in \(folder.path), found \(ids)") }
        return folder.appendingPathComponent(id)
    }
}

/// A running `exp` child process.
final class Child: @unchecked Sendable {  // Used from one test at a time.
    /// How a child ended.
    struct Ending {
        /// Exit status, or the signal number when `killed`.
        var status: Int32
        /// Whether it died by a signal.
        var killed: Bool
        var output: String
        var error: String
        var succeeded: Bool { !killed && status == 0 }
    }

    let process = Process()
    private let outputURL: URL
    private let errorURL: URL

    init(executable: URL, arguments: [String], directory: URL, environment: [String: String]) throws {
        let token = "\(UInt32.random(in: 0 ... .max))"
        outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("exp-faults-out-\(token)")
        errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("exp-faults-err-\(token)")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// Sends `SIGKILL` (a no-op once it has exited).
    func kill9() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func wait() -> Ending {
        process.waitUntilExit()
        let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        let error = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: outputURL)
        try? FileManager.default.removeItem(at: errorURL)
        return Ending(status: process.terminationStatus, killed: process.terminationReason == .uncaughtSignal,
                      output: output, error: error)
    }
}

/// A failed precondition of a fault test, with the reason.
struct FaultTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
