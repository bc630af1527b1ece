import EmotionCorpus
import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

/// `units: classes` stays symbolic in the resolved spec and takes the class count of the data at run time.
@Suite(.serialized) struct SymbolicClassesTests {
    @Test func resolvedSpecKeepsTheWordAndTheRunIDIgnoresTheValidationCount() throws {
        let yaml = CrossCorpusFixtures.spec(name: "sym", data: "{corpus: manifest, path: m.csv, sample_rate: 8000}",
                                            split: "{type: speaker_holdout}")
        let eight = try CrossCorpusFixtures.load(yaml)
        let seven = try ExperimentSpec(tree: node(yaml, file: "cross.yaml"), file: "cross.yaml", registries: .builtins,
                                       classCount: 7)
        #expect(eight.resolved.model.layers[1].options["units"] == .string("classes"))
        #expect(eight.resolved.runID == seven.resolved.runID)
        #expect(eight.resolved.yaml.contains("units: classes"))
        // What a run writes as spec.yaml loads back to the same resolved spec and id.
        let reloaded = try CrossCorpusFixtures.load(eight.resolved.yaml)
        #expect(reloaded.resolved == eight.resolved)
        // The layers built for shape checks still carry a number.
        #expect(eight.layers[1].options["units"]?.scalarText == "8")
    }

    @Test func aSevenClassCorpusTrainsASevenWayOutputAndRecordsItsClasses() throws {
        let base = try makeTemporaryDirectory("exp-symbolic")
        defer { try? FileManager.default.removeItem(at: base) }
        let kept: Set<String> = Set(Emotion.allCases.map(\.rawValue)).subtracting(["calm"])
        let manifest = try CrossCorpusFixtures.manifest("seven", in: base, actors: ["01", "02"], labels: kept)
        let spec = try CrossCorpusFixtures.load(CrossCorpusFixtures.spec(
            name: "seven", data: "{corpus: manifest, path: \(manifest), sample_rate: 8000, duration: 0.5}",
            split: "{type: speaker_holdout, test_speakers: [s02], validation_fraction: 0}"))
        let components = SpecComponents(spec: spec, registries: .builtins, classCount: 8)
        let result = try Experiment.run(spec.resolved, components: components,
                                        options: CrossCorpusFixtures.options(base))
        #expect(result.status == .completed, "\(result.error ?? "")")
        let directory = RunDirectory(existing: result.directory)
        let record = try #require(try RunRecord.read(directory.record))
        #expect(record.classes.map(Set.init) == kept && record.classes?.count == 7)
        let checkpoint = try Checkpoint.read(directory.checkpoint(.best))
        let outputWeights = checkpoint.tensors.filter { $0.key.hasSuffix("weight") }.map(\.value.shape)
        #expect(outputWeights.contains([7, 6]), "output layer shapes: \(outputWeights)")
        let written = try String(contentsOf: directory.spec, encoding: .utf8)
        #expect(written.contains("units: classes") && !written.contains("units: 7"))
        let metrics = try JSONCoding.decoder().decode(ClassificationMetrics.self, from: Data(contentsOf: directory.metrics))
        #expect(metrics.perClass.map(\.name) == record.classes)
    }
}
