import Foundation
import Testing
@testable import ExperimentKit

/// A fresh directory under the system temporary directory, removed by the caller.
func makeTemporaryDirectory(_ label: String = "exp-run") throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(label)-\(getpid())-\(UInt32.random(in: 0 ... .max))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func epochRecord(_ epoch: Int, valUAR: Double? = nil, loss: Double = 1) -> EpochMetrics {
    EpochMetrics(epoch: epoch, learningRate: 0.001,
                 train: MetricSummary(loss: loss, accuracy: 0.5, uar: 0.5, macroF1: 0.4),
                 validation: valUAR.map { MetricSummary(loss: loss, accuracy: $0, uar: $0, macroF1: $0) },
                 seconds: 1.5, computeSeconds: 1.4)
}

@Suite struct ArtifactTests {
    @Test func atomicWriteReplacesContentAndLeavesNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("run.json")
        try AtomicFile.write("first", to: file)
        try AtomicFile.write("second, longer content", to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "second, longer content")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["run.json"])
    }

    @Test func atomicWriteFailureNamesThePathAndLeavesNothing() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("no-such-dir/metrics.json")
        #expect(throws: RunError.writeFailed(path: missing.path, reason: "No such file or directory")) {
            try AtomicFile.write("x", to: missing)
        }
        // Renaming onto a directory fails after the temporary file was written: it must be removed again.
        let blocker = directory.appendingPathComponent("blocked")
        try FileManager.default.createDirectory(at: blocker.appendingPathComponent("inner"),
                                                withIntermediateDirectories: true)
        #expect(throws: RunError.self) { try AtomicFile.write("x", to: blocker) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["blocked"])
    }

    @Test func staleTemporariesAreRemoved() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("torn".utf8).write(to: directory.appendingPathComponent(".tmp-run.json.123.456"))
        try Data("kept".utf8).write(to: directory.appendingPathComponent("log.txt"))
        AtomicFile.removeStaleTemporaries(in: directory)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["log.txt"])
    }

    @Test func jsonIsSortedAndPretty() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("x.json")
        try AtomicFile.writeJSON(["b": 1, "a": 2], to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "{\n  \"a\" : 2,\n  \"b\" : 1\n}\n")
    }

    @Test func historyAppendsAndTruncatesOnResume() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("history.jsonl")
        #expect(try HistoryLog.read(file).isEmpty)
        for epoch in 1 ... 5 { try HistoryLog.append(epochRecord(epoch, valUAR: Double(epoch) / 10), to: file) }
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 5)
        #expect(text.hasPrefix("{\"compute_seconds\":1.4,\"epoch\":1,"))
        // Checkpoint holds epoch 3: epochs 4 and 5 will be trained again and must not appear twice.
        let kept = try HistoryLog.truncate(file, toEpoch: 3)
        #expect(kept.map(\.epoch) == [1, 2, 3])
        #expect(try HistoryLog.read(file) == kept)
        try HistoryLog.append(epochRecord(4, valUAR: 0.9), to: file)
        #expect(try HistoryLog.read(file).map(\.epoch) == [1, 2, 3, 4])
        #expect(try HistoryLog.read(file).last?.validation?.uar == 0.9)
    }

    @Test func corruptHistoryLineIsReportedWithItsNumber() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("history.jsonl")
        try HistoryLog.write([epochRecord(1)], to: file)
        try (String(contentsOf: file, encoding: .utf8) + "{\"epoch\": 2, \"trun\n").write(
            to: file, atomically: true, encoding: .utf8)
        let error = try #require(throws: RunError.self) { try HistoryLog.read(file) }
        #expect(error.description.hasPrefix("cannot read \(file.path): line 2 is not an epoch record"))
    }

    @Test func runRecordRoundTripsWithSnakeCaseKeys() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("run.json")
        #expect(try RunRecord.read(file) == nil)
        var record = RunRecord(id: "cnn-lstm-1a2b3c4d", name: "cnn-lstm", seed: 42, threads: 1, expVersion: "0.1.0",
                               gitCommit: nil, host: "node1", created: Date(timeIntervalSince1970: 1_790_000_000))
        record.status = .diverged
        record.error = "loss became NaN in epoch 3"
        record.split = SplitMembership(train: ["a.wav"], validation: [], test: ["b.wav"])
        try record.write(file)
        #expect(try RunRecord.read(file) == record)
        let text = try String(contentsOf: file, encoding: .utf8)
        for key in ["\"schema_version\" : 1", "\"exp_version\"", "\"epochs_completed\"", "\"elapsed_seconds\"",
                    "\"created\" : \"2026-09-21T"] {
            #expect(text.contains(key), "run.json lacks \(key)")
        }
        try "{\"id\": 1}".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: RunError.self) { try RunRecord.read(file) }
    }

    @Test func gitCommitIsReadFromTheCheckout() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(Provenance.gitCommit(in: directory) == nil)
        let git = directory.appendingPathComponent(".git")
        try FileManager.default.createDirectory(at: git.appendingPathComponent("refs/heads"),
                                                withIntermediateDirectories: true)
        try "ref: refs/heads/main\n".write(to: git.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
        let hash = String(repeating: "ab12", count: 10)
        try "\(hash) refs/heads/main\n".write(to: git.appendingPathComponent("packed-refs"), atomically: true,
                                             encoding: .utf8)
        #expect(Provenance.gitCommit(in: directory) == hash)
        try "\(hash.uppercased().lowercased())\n".write(to: git.appendingPathComponent("refs/heads/main"),
                                                       atomically: true, encoding: .utf8)
        #expect(Provenance.gitCommit(in: directory) == hash)
    }
}
