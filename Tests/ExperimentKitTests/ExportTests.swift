import Foundation
import Testing
import TestSupport
import Yams
@testable import ExperimentKit

@Suite struct ExportTests {
    /// RFC 3720 appendix B.4 test vectors, plus the classic check value.
    @Test func crc32cMatchesKnownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0 ..< 32).map(UInt8.init)) == 0x46DD_794E)
        #expect(CRC32C.checksum((0 ..< 32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum([]) == 0)
    }

    struct Reference: Decodable {
        struct Event: Decodable {
            var wall_time: Double
            var step: Int64?
            var file_version: String?
            var values: [[Scalar]]?
        }

        enum Scalar: Decodable {
            case tag(String), value(Double)
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) { self = .tag(text) } else {
                    self = .value(try container.decode(Double.self))
                }
            }
        }

        var events: [Event]
        var file_hex: String
    }

    /// Golden bytes from TensorBoard's own RecordWriter and protobuf runtime (make_tensorboard_reference.py).
    @Test func eventFileBytesMatchTensorBoardWriter() throws {
        let reference = try ReferenceData.load(Reference.self, "export/tensorboard_events.json")
        var data = Data()
        for event in reference.events {
            if event.file_version != nil {
                data.append(TFRecord.frame(TensorBoardEvent.fileVersion(wallTime: event.wall_time)))
                continue
            }
            let values = (event.values ?? []).map { pair -> (tag: String, value: Float) in
                guard case .tag(let tag) = pair[0], case .value(let value) = pair[1] else {
                    preconditionFailure("reference pairs are [tag, value]")
                }
                return (tag, Float(value))
            }
            data.append(TFRecord.frame(TensorBoardEvent.scalars(wallTime: event.wall_time, step: event.step ?? 0,
                                                                 values: values)))
        }
        let hex = data.map { String(format: "%02x", $0) }.joined()
        #expect(hex == reference.file_hex)
    }

    func completedRun() throws -> (root: URL, run: URL) {
        let root = try makeTemporaryDirectory("exp-export")
        return (root, try CompareFixtures.write(.init(correct: (8, 6), epochs: 3), under: root))
    }

    @Test func dvcLiveFilesParse() throws {
        let (root, run) = try completedRun()
        defer { try? FileManager.default.removeItem(at: root) }
        try EcosystemFiles.write(run: run)
        let live = run.appendingPathComponent("dvclive")
        let params = try Yams.load(yaml: String(contentsOf: live.appendingPathComponent("params.yaml"), encoding: .utf8))
            as? [String: Any]
        #expect((params?["optimizer"] as? [String: Any])?["learning_rate"] as? Double == 0.001)
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: live.appendingPathComponent("metrics.json")))
            as? [String: Any]
        #expect(metrics?["step"] as? Int == 3)
        #expect((metrics?["test"] as? [String: Any])?["uar"] as? Double == 0.7)
        #expect((metrics?["val"] as? [String: Any])?["uar"] as? Double == 0.7)
        let tsv = try String(contentsOf: live.appendingPathComponent("plots/metrics/val/uar.tsv"), encoding: .utf8)
        let rows = tsv.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.first == ["step", "uar"])
        #expect(rows.dropFirst().map { Int($0[0]) } == [1, 2, 3])
        #expect(rows.dropFirst().compactMap { Double($0[1]) } == [0.575, 0.6375, 0.7])
        let dvc = try Yams.load(yaml: String(contentsOf: live.appendingPathComponent("dvc.yaml"), encoding: .utf8))
            as? [String: Any]
        #expect(dvc?["metrics"] as? [String] == ["metrics.json"])
        #expect(dvc?["params"] as? [String] == ["params.yaml"])
    }

    @Test func observerWritesAfterEveryEpochAndKeepsResumedEpochs() throws {
        let (root, run) = try completedRun()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = RunDirectory(existing: run)
        let observer = EcosystemObserver(directory: directory)
        // Resume after epoch 2: epoch 1–2 come from history.jsonl, epoch 3 is trained again.
        _ = observer.handle(.runStarted(RunInfo(name: "ser", id: run.lastPathComponent, epochs: 3, stepsPerEpoch: 1,
                                                firstEpoch: 3)))
        let history = try HistoryLog.read(directory.history)
        var third = history[2]
        third.train.loss = 0.125
        _ = observer.handle(.epochEnded(third))
        #expect(observer.lastError == nil)
        let tsv = try String(contentsOf: run.appendingPathComponent("dvclive/plots/metrics/train/loss.tsv"),
                             encoding: .utf8)
        #expect(tsv == "step\tloss\n1\t1.5\n2\t0.75\n3\t0.125\n")
        let record = try #require(try RunRecord.read(directory.record))
        let events = try Data(contentsOf: TensorBoardFiles.fileURL(in: run, record: record))
        #expect(Self.records(in: events).count == 4)
        _ = observer.handle(.runEnded(RunSummary(status: .completed, epochsCompleted: 3, bestEpoch: 3,
                                                 test: CompareFixtures.metrics(.init()), error: nil)))
        let final = try Data(contentsOf: TensorBoardFiles.fileURL(in: run, record: record))
        #expect(Self.records(in: final).count == 5)
    }

    /// Splits TFRecord framing, checking both masked CRCs of every record.
    static func records(in data: Data) -> [Data] {
        var records: [Data] = []
        var offset = data.startIndex
        while offset + 12 <= data.endIndex {
            let header = data[offset ..< offset + 8]
            let length = Int(header.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            let lengthCRC = data[offset + 8 ..< offset + 12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let body = data[offset + 12 ..< offset + 12 + length]
            let bodyCRC = data[offset + 12 + length ..< offset + 16 + length].reversed()
                .reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard lengthCRC == CRC32C.masked(header), bodyCRC == CRC32C.masked(body) else { return records }
            records.append(Data(body))
            offset += 16 + length
        }
        return records
    }

    @Test func mlflowPayloadUsesSafeKeysAndEpochSteps() throws {
        let (root, run) = try completedRun()
        defer { try? FileManager.default.removeItem(at: root) }
        let artifacts = try RunArtifacts.read(RunDirectory(existing: run))
        let params = Dictionary(uniqueKeysWithValues: MLflowExporter.params(artifacts))
        #expect(params["model.layers.1.units"] == "64")
        #expect(params["optimizer.learning_rate"] == "0.001")
        #expect(params.keys.allSatisfy { !$0.contains("[") && !$0.contains("]") })
        let metrics = MLflowExporter.metrics(artifacts, start: 1_000)
        let validation = metrics.filter { $0["key"] as? String == "val/uar" }
        #expect(validation.map { $0["step"] as? Int } == [1, 2, 3])
        #expect(validation.map { $0["timestamp"] as? Int64 } == [3_000, 5_000, 7_000])
        let test = metrics.filter { ($0["key"] as? String)?.hasPrefix("test/") == true }
        #expect(test.count == 4 && test.allSatisfy { $0["step"] as? Int == 3 })
        #expect(MLflowExporter.status(.completed) == "FINISHED" && MLflowExporter.status(.diverged) == "FAILED"
            && MLflowExporter.status(.interrupted) == "KILLED" && MLflowExporter.status(.running) == nil)
    }
}
