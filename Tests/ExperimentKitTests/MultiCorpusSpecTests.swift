import Foundation
import Testing
@testable import ExperimentKit

/// `data.corpora`, `labels` and `evaluate`: parsing, the resolved form, overrides and errors.
@Suite struct MultiCorpusSpecTests {
    static let corpora = "{corpora: [{corpus: manifest, path: a.csv}, {corpus: manifest, path: b.csv, name: bee}], sample_rate: 8000}"

    func spec(_ data: String, extra: String = "") throws -> ExperimentSpec {
        try CrossCorpusFixtures.load(CrossCorpusFixtures.spec(name: "multi", data: data,
                                                              split: "{type: corpus_holdout, test: bee}", extra: extra))
    }

    /// Every error message of loading `yaml`, or an empty list when it loads.
    func errors(_ data: String, extra: String = "") -> [String] {
        do {
            _ = try spec(data, extra: extra)
            return []
        } catch let errors as SpecErrors {
            return errors.errors.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func corporaListResolvesWithSharedOptionsAndRoundTrips() throws {
        let spec = try spec(Self.corpora)
        #expect(spec.corpora.map(\.type) == ["manifest", "manifest"])
        #expect(spec.combinesCorpora)
        let data = spec.resolved.data
        #expect(data.corpora?.map { $0.options["path"] } == [.string("a.csv"), .string("b.csv")])
        #expect(data.corpora?[1].options["name"] == .string("bee"))
        #expect(data.options.sampleRate == 8000)
        let yaml = spec.resolved.yaml
        #expect(yaml.contains("corpora:") && !yaml.contains("\n  corpus: manifest\n  sample_rate"))
        let reloaded = try CrossCorpusFixtures.load(yaml)
        #expect(reloaded.resolved == spec.resolved && reloaded.resolved.runID == spec.resolved.runID)
    }

    @Test func bareListIsTheCorporaFormWithDefaultOptions() throws {
        let bare = try spec("[{corpus: manifest, path: a.csv}, {corpus: manifest, path: b.csv, name: bee}]")
        let mapping = try spec("{corpora: [{corpus: manifest, path: a.csv}, {corpus: manifest, path: b.csv, name: bee}]}")
        #expect(bare.resolved == mapping.resolved)
        #expect(bare.resolved.data.options == DataOptions())
    }

    @Test func singleCorpusFormIsUnchanged() throws {
        let spec = try spec("{corpus: manifest, path: a.csv, sample_rate: 8000}")
        #expect(!spec.combinesCorpora && spec.resolved.data.corpora == nil)
        #expect(spec.resolved.data.corpus.type == "manifest" && spec.resolved.data.corpus.options["path"] == .string("a.csv"))
        #expect(spec.resolved.yaml.contains("corpus: manifest"))
    }

    @Test func overridesReachEachCorpusByIndex() throws {
        let tree = try node(CrossCorpusFixtures.spec(name: "multi", data: Self.corpora,
                                                     split: "{type: corpus_holdout, test: bee}"))
        let changed = try Override.apply([Override.parse("data.corpora[0].path=c.csv")],
                                         to: ExperimentSpec.withDefaults(tree))
        let spec = try ExperimentSpec(tree: changed, file: "o.yaml", registries: .builtins, classCount: 8)
        #expect(spec.resolved.data.corpora?[0].options["path"] == .string("c.csv"))
        #expect(spec.resolved.data.corpora?[1].options["path"] == .string("b.csv"))
    }

    @Test func corporaErrorsNameTheKey() {
        let both = errors("{corpus: ravdess, corpora: [{corpus: manifest, path: a.csv}]}")
        #expect(both.count == 1 && both[0].contains("data.corpus: data has both 'corpus' and 'corpora'"))
        let shared = errors("{corpora: [{corpus: manifest, path: a.csv, sample_rate: 8000}]}")
        #expect(shared.count == 1 && shared[0].contains("data.corpora[0].sample_rate: 'sample_rate' is shared by every corpus"))
        let typo = errors("{corpora: [{corpus: manifest, path: a.csv}, {corpus: manifset, path: b.csv}]}")
        #expect(typo.count == 1 && typo[0].contains("data.corpora[1]") && typo[0].contains("Did you mean 'manifest'?"))
        let empty = errors("{corpora: []}")
        #expect(empty.count == 1 && empty[0].hasPrefix("cross.yaml:3:") && empty[0].hasSuffix("data.corpora: data.corpora must list at least one corpus"))
        let stray = errors("{corpora: [{corpus: manifest, path: a.csv}], root: x}")
        #expect(stray.count == 1 && stray[0].contains("data.root") && stray[0].contains("reader options go in each corpus"))
        let option = errors("[{corpus: manifest, path: a.csv, roots: x}]")
        #expect(option.count == 1 && option[0].contains("data[0].roots"))
    }

    @Test func labelsResolveAndAreStrict() throws {
        let spec = try spec(Self.corpora, extra: "labels: {map: {calm: neutral}, keep: [neutral, angry]}")
        #expect(spec.resolved.labels == LabelOptions(map: ["calm": "neutral"], keep: ["neutral", "angry"]))
        #expect(try CrossCorpusFixtures.load(spec.resolved.yaml).resolved == spec.resolved)
        let without = try self.spec(Self.corpora)
        #expect(without.resolved.labels == nil && spec.resolved.runID != without.resolved.runID)
        let typo = errors(Self.corpora, extra: "labels: {mapp: {calm: neutral}}")
        #expect(typo.count == 1 && typo[0].contains("labels.mapp") && typo[0].contains("Did you mean 'map'?"))
        let twice = errors(Self.corpora, extra: "labels: {keep: [angry, angry]}")
        #expect(twice.count == 1 && twice[0].contains("labels.keep: keep lists 'angry' more than once"))
        let shape = errors(Self.corpora, extra: "labels: {map: [calm, neutral]}")
        #expect(shape.count == 1 && shape[0].contains("labels.map"))
    }

    @Test func evaluateEntriesAreValidatedButDoNotChangeTheRunID() throws {
        let list = "evaluate: [{corpus: manifest, path: c.csv}, {corpus: manifest, path: d.csv, name: dee, labels: {keep: [angry]}}]"
        let spec = try spec(Self.corpora, extra: list)
        #expect(spec.evaluate.map(\.name) == [nil, "dee"])
        #expect(spec.evaluate[1].labels == LabelOptions(keep: ["angry"]))
        #expect(spec.resolved == (try self.spec(Self.corpora)).resolved, "evaluation corpora do not change training")
        let badName = errors(Self.corpora, extra: "evaluate: [{corpus: manifest, path: c.csv, name: ../up}]")
        #expect(badName.count == 1 && badName[0].contains("evaluate[0].name: name may only contain"))
        let twice = errors(Self.corpora, extra: "evaluate: [{corpus: manifest, path: c.csv, name: x}, {corpus: manifest, path: d.csv, name: x}]")
        #expect(twice.count == 1 && twice[0].contains("evaluate[1].name: 'x' already names evaluate[0]"))
        let unknown = errors(Self.corpora, extra: "evaluate: [{corpus: manifest, path: c.csv, labls: {}}]")
        #expect(unknown.count == 1 && unknown[0].contains("evaluate[0].labls"))
        let notList = errors(Self.corpora, extra: "evaluate: {corpus: manifest, path: c.csv}")
        #expect(notList.count == 1 && notList[0].contains("evaluate: expected a list of corpora"))
    }

    @Test func commandLineCorporaParseInlineAndReportBadPairs() throws {
        let target = try EvaluationTarget.parse(argument: "corpus=manifest,path=data/c.csv,name=cee", registries: .builtins)
        #expect(target.corpus.type == "manifest" && target.name == "cee")
        #expect(target.corpus.options["path"]?.scalarText == "data/c.csv")
        #expect(throws: SpecErrors.self) { try EvaluationTarget.parse(argument: "corpus=manifest,path", registries: .builtins) }
        #expect {
            try EvaluationTarget.parse(argument: "no-such-corpus.yaml", registries: .builtins)
        } throws: { "\($0)".contains("no-such-corpus.yaml: cannot read spec: no such file") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("exp-corpus-\(getpid()).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "corpus: manifest\npath: c.csv\nname: cee\nlabels: {keep: [angry]}\n".write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try EvaluationTarget.parse(argument: file.path, registries: .builtins)
        #expect(fromFile.name == "cee" && fromFile.labels == LabelOptions(keep: ["angry"]))
        do {
            _ = try EvaluationTarget.parse(argument: "corpus=manifest,path=c.csv,rot=x", registries: .builtins)
            Issue.record("an unknown reader option must be rejected")
        } catch let errors as SpecErrors {
            #expect(errors.description.contains("argument 'corpus=manifest,path=c.csv,rot=x'") && errors.description.contains("rot"))
        }
    }
}
