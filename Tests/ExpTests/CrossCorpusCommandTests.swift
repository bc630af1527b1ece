import Foundation
import Testing
@testable import ExperimentKit

/// Cross-corpus work as a user runs it: synthesise three corpora in their own layouts, train on two with one held
/// out, score the run on the third from the spec's `evaluate` list and with `exp evaluate`, then read the results
/// back with `exp show` and `exp compare`.
@Suite(.serialized) struct CrossCorpusCommandTests {
    @Test func trainOnTwoCorporaEvaluateOnAThird() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("exp-cross-cli-\(getpid())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        func exp(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
            try RunCommandTests.exp(arguments, in: root)
        }
        for (layout, speakers) in [("emodb", "2"), ("savee", "2"), ("emovo", "2"), ("tess", "2")] {
            let made = try exp(["data", "synth", "--layout", layout, "--out", layout, "--actors", speakers, "--takes", "1",
                                "--sample-rate", "8000"])
            #expect(made.status == 0, "\(made.error)")
        }
        let spec = """
            name: cross
            seed: 2
            data:
              corpora:
                - {corpus: emodb, root: emodb}
                - {corpus: savee, root: savee}
              sample_rate: 8000
              duration: 0.5
            labels: {keep: [neutral, happy, sad, angry, fearful, disgust]}
            features: {type: mfcc, n_mfcc: 8, n_fft: 256, hop_length: 256, n_mels: 20}
            model:
              layers:
                - {type: lstm, units: 6}
                - {type: dense, units: classes, activation: softmax}
            optimizer: {type: adam, learning_rate: 0.01}
            training: {epochs: 1, batch_size: 8}
            split: {type: corpus_holdout, test: savee}
            evaluate:
              - {corpus: emovo, root: emovo}

            """
        try spec.write(to: root.appendingPathComponent("cross.yaml"), atomically: true, encoding: .utf8)

        let check = try exp(["data", "check", "--spec", "cross.yaml"])
        #expect(check.status == 0, "\(check.error)")
        #expect(check.output.contains("Clips per corpus") && check.output.contains("emodb/") && check.output.contains("savee/"))

        let run = try exp(["run", "cross.yaml", "--runs-dir", "runs"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error.contains("eval/emovo: uar "), "\(run.error)")
        let runs = root.appendingPathComponent("runs/cross")
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
        let directory = RunDirectory(existing: runs.appendingPathComponent(id))
        let record = try #require(try RunRecord.read(directory.record))
        #expect(record.classes == ["neutral", "happy", "sad", "angry", "fearful", "disgust"])
        #expect(try String(contentsOf: directory.spec, encoding: .utf8).contains("units: classes"))
        let emovo = try JSONCoding.decoder().decode(CorpusEvaluation.self, from: Data(contentsOf:
            directory.evaluations.appendingPathComponent("emovo/evaluation.json")))
        // EMOVO's surprise clips have no output in this model: left out and counted, one take per speaker.
        #expect(emovo.leftOut == ["surprised": 2] && emovo.missingClasses.isEmpty)
        #expect(emovo.evaluated == 12)

        // TESS's pleasant surprise ('ps', surprised) is outside the model too.
        let evaluate = try exp(["evaluate", "--run", "cross", "--runs-dir", "runs", "corpus=tess,root=tess,name=tess-yaf"])
        #expect(evaluate.status == 0, "\(evaluate.error)")
        #expect(evaluate.output.contains("cross/\(id): eval/tess-yaf: uar ") && evaluate.output.contains("left out 2: surprised 2"),
                "\(evaluate.output)")
        let tess = try JSONCoding.decoder().decode(ClassificationMetrics.self, from: Data(contentsOf:
            directory.evaluations.appendingPathComponent("tess-yaf/metrics.json")))
        #expect(tess.count == 12 && tess.perClass.map(\.name) == record.classes)

        let show = try exp(["show", "cross", "--runs-dir", "runs"])
        #expect(show.status == 0 && show.output.contains("cross-corpus evaluation") && show.output.contains("eval/tess-yaf"))
        let compare = try exp(["compare", "runs/cross", "--columns", "run,eval.emovo.uar,eval.tess-yaf.uar,eval.tess-yaf.count",
                               "--format", "csv"])
        #expect(compare.status == 0, "\(compare.error)")
        let lines = compare.output.components(separatedBy: .newlines).filter { !$0.isEmpty }
        #expect(lines.first == "run,eval.emovo.uar,eval.tess-yaf.uar,eval.tess-yaf.count")
        #expect(lines.count == 2 && lines[1].hasSuffix(",12"))

        let missing = try exp(["evaluate", "--run", "cross", "--runs-dir", "runs", "corpus=emovo,root=nowhere"])
        #expect(missing.status != 0 && missing.error.contains("nowhere"))
        let typo = try exp(["evaluate", "--run", "cross", "--runs-dir", "runs", "corpus=emovoo,root=emovo"])
        #expect(typo.status != 0 && typo.error.contains("Did you mean 'emovo'?"), "\(typo.error)")
    }
}
