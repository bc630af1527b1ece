import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

/// Tampered run artifacts: data options in a checkpoint's metadata a spec could not hold, and a FIFO in place of
/// `run.json`. Each is one `RunError` naming the file; nothing traps or blocks.
@Suite(.serialized) struct HostilePredictorTests {
    /// `exp.data` values and a fragment of the error each must give.
    static let tamperedData: [(json: String, fragment: String)] = [
        (#"{"sample_rate": 16000, "duration": 1.0, "normalize": "peak"}"#,
         "sample_rate=16000 differs from the feature extractor's 8000 Hz"),
        (#"{"sample_rate": 8000, "duration": 1e9, "normalize": "peak"}"#, "duration must be finite and <= 3600"),
        (#"{"sample_rate": 8000, "duration": -1, "normalize": "peak"}"#, "duration must be > 0.0. Received: duration=-1.0"),
        (#"{"sample_rate": 8000, "duration": "nan", "normalize": "peak"}"#, "duration must be > 0.0. Received: duration=nan"),
        (#"{"sample_rate": 8000, "duration": "inf", "normalize": "peak"}"#, "duration must be finite and <= 3600. Received: duration=inf"),
        (#"{"sample_rate": 8000, "duration": "long", "normalize": "peak"}"#, "checkpoint metadata 'exp.data' is invalid ("),
        (#"{"sample_rate": -8000, "duration": 1.0, "normalize": "peak"}"#, "sample_rate must be > 0"),
        (#"{"sample_rate": 8000, "duration": 1.0, "normalize": "loud"}"#, "normalize must be one of"),
    ]

    @Test func tamperedDataOptionsInACheckpointAreOneClearError() throws {
        let corpus = try RunExperimentTests.corpus.get()
        let base = try makeTemporaryDirectory("exp-hostile-predictor")
        defer { try? FileManager.default.removeItem(at: base) }
        let result = try Experiment.run(try RunExperimentTests.resolved(epochs: 1), components: TinyComponents(root: corpus),
                                        options: RunExperimentTests().options(base.appendingPathComponent("runs"),
                                                                              cache: base.appendingPathComponent("cache")))
        try #require(result.status == .completed, "\(result.error ?? "")")
        let checkpoint = RunDirectory(existing: result.directory).checkpoint(.best)
        let original = try Data(contentsOf: checkpoint)
        let file = try SafetensorsFile.decode(original, file: checkpoint.path)
        for (json, fragment) in Self.tamperedData {
            var tampered = file
            tampered.metadata["exp.data"] = json
            try tampered.encoded().write(to: checkpoint)
            let error = #expect(throws: RunError.self, "\(json)") {
                try Predictor(run: result.directory, checkpoint: .best, components: TinyComponents(root: corpus))
            }
            let text = error?.description ?? ""
            #expect(text.hasPrefix("cannot read \(checkpoint.path): checkpoint metadata 'exp.data' is invalid"), "\(text)")
            #expect(text.contains(fragment), "'\(fragment)' not in: \(text)")
        }
        try original.write(to: checkpoint)
        let predictor = try Predictor(run: result.directory, checkpoint: .best, components: TinyComponents(root: corpus))
        #expect(predictor.classNames.count == 8)
    }

    /// Runs `work` on a thread of its own; if it has not returned after 60 s, records an issue and opens `fifo` for
    /// writing, which ends a read blocked on it, so a regression fails instead of hanging the suite. A dedicated
    /// thread, not the global queue, and a limit far above the milliseconds the read takes: parallel tests that
    /// occupy the global pool on a loaded machine must not make a prompt read look blocked.
    static func promptly<T: Sendable>(_ fifo: URL, _ work: @escaping @Sendable () -> T) -> T? {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.value = work()
            done.signal()
        }.start()
        guard done.wait(timeout: .now() + 60) == .timedOut else { return box.value }
        Issue.record("reading a run with a FIFO at \(fifo.lastPathComponent) blocked")
        let descriptor = open(fifo.path, O_WRONLY | O_NONBLOCK)
        if descriptor >= 0 { close(descriptor) }
        done.wait()
        return box.value
    }

    final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }

    @Test func aFIFOInPlaceOfRunJSONIsAnErrorNotAHang() throws {
        let root = try makeTemporaryDirectory("exp-hostile-record")
        defer { try? FileManager.default.removeItem(at: root) }
        let directories = try CompareFixtures.grid(under: root)
        let record = RunDirectory(existing: directories[0]).record
        try FileManager.default.removeItem(at: record)
        try #require(mkfifo(record.path, 0o600) == 0)
        let expected = "cannot read \(record.path): not a regular file (a FIFO)"
        let read = Self.promptly(record) { Self.failure { _ = try RunRecord.read(record) } }
        #expect(read == expected)
        let show = Self.promptly(record) { Self.failure { _ = try RunReport.render(directories[0]) } }
        #expect(show == expected)
        let statuses = Self.promptly(record) { (try? Comparison.load([root]).runs.map(\.status)) ?? [] }
        #expect(statuses?.count == 4 && statuses?.filter { $0 == "unreadable" }.count == 1, "\(String(describing: statuses))")
    }

    /// The description of the error `work` throws, or "no error".
    static func failure(_ work: () throws -> Void) -> String {
        do {
            try work()
            return "no error"
        } catch {
            return "\(error)"
        }
    }
}
