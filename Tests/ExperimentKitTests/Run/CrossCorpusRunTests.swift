import EmotionCorpus
import Foundation
import Testing
@testable import ExperimentKit

/// Training on two corpora with one held out, then scoring the run on a third: namespaced speakers, the corpus
/// holdout, the label mapping, left-out clips, missing classes and the artifacts `exp show`/`compare` read.
@Suite(.serialized) struct CrossCorpusRunTests {
    @Test func trainsOnTwoCorporaAndEvaluatesOnAThird() throws {
        let base = try makeTemporaryDirectory("exp-cross")
        defer { try? FileManager.default.removeItem(at: base) }
        let demo = try CrossCorpusFixtures.demo.get()
        // Both training corpora call their one speaker "x": only the corpus namespace tells them apart.
        let a = try CrossCorpusFixtures.manifest("alpha", in: base, actors: ["01"], speaker: "x")
        let b = try CrossCorpusFixtures.manifest("beta", in: base, actors: ["02"], speaker: "x")
        let withoutAngry = Set(Emotion.allCases.map(\.rawValue)).subtracting(["angry"])
        let c = try CrossCorpusFixtures.manifest("gamma", in: base, actors: ["03"], labels: withoutAngry)
        let yaml = CrossCorpusFixtures.spec(
            name: "cross", data: "{corpora: [{corpus: manifest, path: \(a)}, {corpus: manifest, path: \(b)}], "
                + "sample_rate: 8000, duration: 0.5, speaker_normalization: true}",
            split: "{type: corpus_holdout, test: beta}",
            extra: "labels: {map: {calm: neutral}, keep: [neutral, happy, sad, angry]}\n"
                + "evaluate: [{corpus: manifest, path: \(c), labels: {map: {calm: neutral}}}]")
        let spec = try CrossCorpusFixtures.load(yaml)
        let components = SpecComponents(spec: spec, registries: .builtins, classCount: 8)
        let corpus = try components.makeCorpus()
        #expect(corpus.speakers == ["alpha/x", "beta/x"])
        #expect(corpus.classes == ["neutral", "happy", "sad", "angry"])
        let options = CrossCorpusFixtures.options(base)
        let result = try Experiment.run(spec.resolved, components: components, options: options)
        #expect(result.status == .completed, "\(result.error ?? "")")
        let directory = RunDirectory(existing: result.directory)
        let record = try #require(try RunRecord.read(directory.record))
        #expect(record.classes == ["neutral", "happy", "sad", "angry"])
        let split = try #require(record.split)
        let betaFiles = Set(demo.clips.filter { $0.speaker == "02" }.map { ($0.path as NSString).lastPathComponent })
        #expect(!split.test.isEmpty && split.test.allSatisfy { betaFiles.contains(($0 as NSString).lastPathComponent) })
        #expect(split.train.allSatisfy { !betaFiles.contains(($0 as NSString).lastPathComponent) })

        var progress = ""
        var evaluating = options
        evaluating.write = { progress += $0 }
        CorpusEvaluator.evaluateMissing(spec.evaluate, run: result.directory, registries: .builtins, options: evaluating)
        #expect(progress.contains("eval/gamma: uar "), "\(progress)")
        let folder = directory.evaluations.appendingPathComponent("gamma")
        let metrics = try JSONCoding.decoder().decode(ClassificationMetrics.self,
                                                       from: Data(contentsOf: folder.appendingPathComponent("metrics.json")))
        let evaluation = try JSONCoding.decoder().decode(CorpusEvaluation.self,
                                                          from: Data(contentsOf: folder.appendingPathComponent("evaluation.json")))
        let gamma = demo.clips.filter { $0.speaker == "03" && $0.label != "angry" }
        func count(_ label: String) -> Int { gamma.filter { $0.label == label }.count }
        #expect(evaluation.leftOut == ["fearful": count("fearful"), "disgust": count("disgust"),
                                       "surprised": count("surprised")])
        #expect(evaluation.missingClasses == ["angry"])
        #expect(metrics.count == count("neutral") + count("calm") + count("happy") + count("sad"))
        #expect(evaluation.evaluated == metrics.count && metrics.perClass.map(\.name) == record.classes)
        #expect(metrics.perClass[3].support == 0 && metrics.confusionMatrix.count == 4)
        #expect(metrics.perClass[0].support == count("neutral") + count("calm"), "calm was mapped onto neutral")
        // UAR averages the recall of the classes the corpus has (sklearn balanced_accuracy_score).
        let recalls = metrics.perClass.filter { $0.support > 0 }.map(\.recall)
        #expect(abs(metrics.uar - recalls.reduce(0, +) / Double(recalls.count)) < 1e-12)

        // The same numbers through exp predict's path: one file at a time, each speaker standardised over all of
        // its clips in the corpus (left-out classes included), scored clips picked afterwards.
        let predictor = try Predictor(run: result.directory, checkpoint: CheckpointKind(rawValue: evaluation.checkpoint) ?? .best,
                                      components: components)
        let predictions = try predictor.predict(gamma.map(\.path), speakers: gamma.map { "s" + ($0.speaker ?? "") })
        let mapped = gamma.map { $0.label == "calm" ? "neutral" : $0.label }
        let kept = mapped.indices.filter { record.classes?.contains(mapped[$0]) == true }
        let classes = try #require(record.classes)
        let crossCheck = ClassificationMetrics(truth: kept.map { classes.firstIndex(of: mapped[$0]) ?? -1 },
                                               predicted: kept.map { classes.firstIndex(of: predictions[$0].label) ?? -1 },
                                               classNames: classes)
        #expect(crossCheck.confusionMatrix == metrics.confusionMatrix)

        let live = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.url.appendingPathComponent("dvclive/metrics.json")))
        let liveEval = ((live as? [String: Any])?["eval"] as? [String: Any])?["gamma"] as? [String: Any]
        #expect(liveEval?["uar"] as? Double == metrics.uar, "DVCLive metrics: \(live)")

        let row = RunRow.load(result.directory)
        #expect(row.metrics["eval.gamma.uar"] == metrics.uar)
        #expect(row.metrics["eval.gamma.left_out"] == Double(evaluation.leftOutCount))
        var compare = CompareOptions()
        compare.columns = ["run", "eval.gamma.uar"]
        let table = try CompareTable(runs: [row], options: compare)
        #expect(table.columns == ["run", "eval.gamma.uar"])
        let report = try RunReport.render(result.directory)
        #expect(report.contains("cross-corpus evaluation") && report.contains("missing classes: angry"))

        // A second pass finds the entry scored (its name comes from the corpus) and leaves it alone; with force it
        // scores it again, to the same numbers.
        progress = ""
        let written = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("metrics.json").path)[.modificationDate] as? Date
        CorpusEvaluator.evaluateMissing(spec.evaluate, run: result.directory, registries: .builtins, options: evaluating)
        #expect(progress.isEmpty, "\(progress)")
        #expect(try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("metrics.json").path)[.modificationDate] as? Date == written)
        evaluating.force = true
        CorpusEvaluator.evaluateMissing(spec.evaluate, run: result.directory, registries: .builtins, options: evaluating)
        #expect(progress.contains("eval/gamma: uar "))
        let again = try JSONCoding.decoder().decode(ClassificationMetrics.self,
                                                     from: Data(contentsOf: folder.appendingPathComponent("metrics.json")))
        #expect(again == metrics)
    }

    @Test func evaluationTakesTheRunsMapForClassesTheCorpusHasAndAnEntrysLabelsStrictly() throws {
        let clips = [Clip(path: "/c/1.wav", label: "neutral", speaker: "1"), Clip(path: "/c/2.wav", label: "sad", speaker: "1"),
                     Clip(path: "/c/3.wav", label: "boredom", speaker: "1")]
        let corpus = Corpus(name: "c", root: "/c", clips: clips, classes: ["neutral", "sad", "boredom"])
        let run = LabelOptions(map: ["calm": "neutral", "boredom": "neutral"], keep: ["neutral", "angry"])
        let inherited = try CorpusEvaluator.relabel(corpus, target: nil, run: run)
        #expect(inherited.clips.map(\.label) == ["neutral", "sad", "neutral"], "calm is absent; keep is not applied")
        let own = try CorpusEvaluator.relabel(corpus, target: LabelOptions(keep: ["sad"]), run: run)
        #expect(own.clips.map(\.label) == ["sad"] && own.dropped == ["neutral": 1, "boredom": 1])
        #expect(throws: CorpusError.self) {
            try CorpusEvaluator.relabel(corpus, target: LabelOptions(map: ["calm": "neutral"]), run: nil)
        }
    }

    @Test func aCorpusWithoutTheModelsClassesIsAnError() throws {
        let base = try makeTemporaryDirectory("exp-cross-none")
        defer { try? FileManager.default.removeItem(at: base) }
        let a = try CrossCorpusFixtures.manifest("alpha", in: base, actors: ["01", "02"], labels: ["happy", "sad"])
        let c = try CrossCorpusFixtures.manifest("gamma", in: base, actors: ["03"], labels: ["angry"])
        let spec = try CrossCorpusFixtures.load(CrossCorpusFixtures.spec(
            name: "none", data: "{corpus: manifest, path: \(a), sample_rate: 8000, duration: 0.5}",
            split: "{type: speaker_holdout, test_speakers: [s02]}"))
        let result = try Experiment.run(spec.resolved, components: SpecComponents(spec: spec, registries: .builtins, classCount: 8),
                                        options: CrossCorpusFixtures.options(base))
        #expect(result.status == .completed, "\(result.error ?? "")")
        let target = try EvaluationTarget.parse(argument: "corpus=manifest,path=\(c)", registries: .builtins)
        #expect {
            try CorpusEvaluator.evaluate(run: result.directory, target: target, registries: .builtins)
        } throws: { error in
            "\(error)".contains("corpus 'gamma' has no clip of the model's classes (happy, sad)")
        }
        #expect(!FileManager.default.fileExists(atPath: RunDirectory(existing: result.directory).evaluations
            .appendingPathComponent("gamma/metrics.json").path))
    }
}
