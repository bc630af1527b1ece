import Foundation
import Testing
import TestSupport
@testable import ExperimentKit

/// `docs/schema/*.json` must describe what the code writes: every written key is a schema property, every required
/// property is written, and enumerated values agree.
@Suite struct ArtifactSchemaTests {
    static let schemaDirectory = ReferenceData.directory  // Tests/Reference/Data
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/schema")

    static func schema(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: schemaDirectory.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func object(_ value: some Encodable) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONCoding.encoder().encode(value)) as? [String: Any])
    }

    /// Checks `object` against `schema`'s `properties`/`required`, recursing into nested object schemas.
    static func check(_ object: [String: Any], against schema: [String: Any], path: String) {
        let properties = schema["properties"] as? [String: Any] ?? [:]
        for key in object.keys {
            #expect(properties[key] != nil, "\(path).\(key) is written but not in the schema")
        }
        for key in schema["required"] as? [String] ?? [] {
            #expect(object[key] != nil, "\(path).\(key) is required by the schema but not written")
        }
        for (key, value) in object {
            guard let property = properties[key] as? [String: Any] else { continue }
            if let nested = value as? [String: Any], property["properties"] != nil {
                check(nested, against: property, path: "\(path).\(key)")
            }
            if let items = property["items"] as? [String: Any], items["properties"] != nil,
               let array = value as? [[String: Any]] {
                for (index, element) in array.enumerated() { check(element, against: items, path: "\(path).\(key)[\(index)]") }
            }
        }
    }

    @Test func runRecordMatchesItsSchema() throws {
        var record = RunRecord(id: "demo-0123456789", name: "demo", seed: 42, threads: 2, expVersion: "0.1.0",
                               gitCommit: String(repeating: "a", count: 40), host: "node", created: Date())
        record.error = "loss became nan"
        record.dataFingerprint = String(repeating: "f", count: 64)
        record.split = SplitMembership(train: ["a.wav"], validation: ["b.wav"], test: ["c.wav"])
        record.bestEpoch = 3
        record.classes = ["neutral", "angry"]
        record.timings.ended = Date()
        record.blas = .current
        let schema = try Self.schema("run.schema.json")
        Self.check(try Self.object(record), against: schema, path: "run")
        let statuses = (schema["properties"] as? [String: Any]).flatMap { $0["status"] as? [String: Any] }?["enum"]
        #expect((statuses as? [String])?.sorted() == RunStatus.allCases.map(\.rawValue).sorted())
        let blas = (schema["properties"] as? [String: Any])?["blas"] as? [String: Any]
        let choosers = ((blas?["properties"] as? [String: Any])?["chosen_by"] as? [String: Any])?["enum"]
        #expect((choosers as? [String])?.sorted() == ["exp", "openblas", "user"])
    }

    @Test func evaluationRecordMatchesItsSchema() throws {
        let evaluation = CorpusEvaluation(corpus: "emovo", type: "emovo", root: "data/emovo", checkpoint: "average",
                                          classes: ["neutral", "angry"], missingClasses: ["angry"],
                                          leftOut: ["surprised": 2], droppedByLabels: [:], skippedFiles: 1, evaluated: 12)
        let schema = try Self.schema("evaluation.schema.json")
        Self.check(try Self.object(evaluation), against: schema, path: "evaluation")
        let kinds = ((schema["properties"] as? [String: Any])?["checkpoint"] as? [String: Any])?["enum"] as? [String]
        #expect(kinds?.sorted() == [CheckpointKind.average, .best, .last].map(\.rawValue).sorted())
    }

    @Test func ensembleRecordMatchesItsSchema() throws {
        let member = EnsembleMember(reference: "cnn-lstm-logmel", experiment: "cnn-lstm-logmel",
                                    runID: "cnn-lstm-logmel-0123456789", path: "runs/cnn-lstm-logmel/cnn-lstm-logmel-0123456789",
                                    checkpoint: "best")
        let record = EnsembleGroupRecord(name: "a+b", group: "fold-1", fold: 1, classes: ["neutral", "angry"],
                                         testClips: 240, corpusRoot: "data/ravdess",
                                         combination: EnsembleGroupRecord.meanOfMeans, members: [member, member])
        let schema = try Self.schema("ensemble.schema.json")
        Self.check(try Self.object(record), against: schema, path: "ensemble")
        let items = ((schema["properties"] as? [String: Any])?["members"] as? [String: Any])?["items"] as? [String: Any]
        let kinds = ((items?["properties"] as? [String: Any])?["checkpoint"] as? [String: Any])?["enum"] as? [String]
        #expect(kinds?.sorted() == [CheckpointKind.average, .best, .last].map(\.rawValue).sorted())
    }

    @Test func metricsMatchTheirSchema() throws {
        let metrics = ClassificationMetrics(truth: [0, 1, 2, 2], predicted: [0, 2, 2, 1], classNames: ["a", "b", "c"],
                                            loss: 0.7)
        Self.check(try Self.object(metrics), against: try Self.schema("metrics.schema.json"), path: "metrics")
    }
}
