import Foundation
import Testing
@testable import ExperimentKit

/// `exp ensemble` as a user runs it: two experiments swept over the folds of a speaker k-fold split, scored together
/// fold by fold, one run alone, and a reference with no runs.
@Suite(.serialized) struct EnsembleCommandTests {
    static func spec(name: String, features: String) -> String {
        """
        name: \(name)
        seed: 4
        data: {corpus: ravdess, root: corpus, sample_rate: 8000, duration: 0.5, speaker_normalization: true}
        features: \(features)
        model:
          layers:
            - {type: global_average_pooling1d}
            - {type: dense, units: classes, activation: softmax}
        optimizer: {type: adam, learning_rate: 0.01}
        training: {epochs: 1, batch_size: 16}
        split: {type: speaker_kfold, k: 2}
        sweep: {folds: all}

        """
    }

    @Test func sweptExperimentsAreScoredFoldByFold() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("exp-ensemble-cli-\(getpid())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        func exp(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
            try RunCommandTests.exp(arguments, in: root)
        }
        let synth = try exp(["data", "synth", "--out", "corpus", "--actors", "2", "--takes", "1", "--sample-rate", "8000"])
        #expect(synth.status == 0, "\(synth.error)")
        try Self.spec(name: "cepstra", features: "{type: mfcc, n_mfcc: 8, n_fft: 256, hop_length: 128, n_mels: 16}")
            .write(to: root.appendingPathComponent("cepstra.yaml"), atomically: true, encoding: .utf8)
        try Self.spec(name: "spectra", features: "{type: logmel, n_fft: 256, hop_length: 128, n_mels: 12}")
            .write(to: root.appendingPathComponent("spectra.yaml"), atomically: true, encoding: .utf8)
        let trained = try exp(["run", "cepstra.yaml", "spectra.yaml", "--runs-dir", "runs", "--quiet"])
        #expect(trained.status == 0, "\(trained.error)")

        let table = try exp(["ensemble", "--run", "cepstra", "--run", "runs/spectra", "--runs-dir", "runs",
                             "--format", "md"])
        #expect(table.status == 0, "\(table.error)")
        let lines = table.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(table.output)")
        #expect(lines.dropFirst(2).first?.hasPrefix("| fold-0 | cepstra/cepstra-") == true, "\(table.output)")
        #expect(lines.dropFirst(3).first?.hasPrefix("| fold-1 | cepstra/cepstra-") == true, "\(table.output)")
        #expect(lines.last?.hasPrefix("| mean ± std (2) |") == true, "\(table.output)")
        #expect(table.error.contains("cepstra+spectra/fold-0: cepstra/"), "progress goes to stderr: \(table.error)")

        let ensembles = root.appendingPathComponent("runs/cepstra+spectra")
        for fold in 0 ..< 2 {
            let folder = ensembles.appendingPathComponent("fold-\(fold)")
            let record = try JSONCoding.decoder().decode(EnsembleGroupRecord.self,
                                                         from: Data(contentsOf: folder.appendingPathComponent("ensemble.json")))
            #expect(record.members.map(\.experiment) == ["cepstra", "spectra"] && record.fold == fold)
            let metrics = try JSONCoding.decoder().decode(ClassificationMetrics.self,
                                                          from: Data(contentsOf: folder.appendingPathComponent("metrics.json")))
            #expect(metrics.count == record.testClips && record.testClips > 0)
            #expect(lines[2 + fold].contains(String(format: "| %.4f |", metrics.uar)), "\(lines[2 + fold])")
        }

        let compared = try exp(["compare", "runs/cepstra+spectra", "--format", "csv"])
        #expect(compared.status == 0, "\(compared.error)")
        #expect(compared.output.contains("cepstra+spectra/fold-0,ensemble,") && !compared.error.contains("no run.json"),
                "\(compared.output)\n\(compared.error)")

        // One run alone, named by its directory: its own test metrics come back.
        let runs = root.appendingPathComponent("runs/cepstra")
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { $0.hasPrefix("cepstra-") }.sorted().first)
        let own = try JSONCoding.decoder().decode(ClassificationMetrics.self,
                                                  from: Data(contentsOf: runs.appendingPathComponent("\(id)/metrics.json")))
        let alone = try exp(["ensemble", "--run", "runs/cepstra/\(id)", "--name", "solo", "--runs-dir", "runs",
                             "--format", "json"])
        #expect(alone.status == 0, "\(alone.error)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(alone.output.utf8)) as? [String: Any])
        let groups = try #require(document["groups"] as? [[String: Any]])
        #expect(groups.count == 1)
        let uar = try #require(groups.first?["uar"] as? Double)
        #expect(abs(uar - own.uar) < 1e-9, "ensemble \(uar), run \(own.uar)")

        let missing = try exp(["ensemble", "--run", "cepstra", "--run", "nothing", "--runs-dir", "runs"])
        #expect(missing.status != 0)
        #expect(missing.error.contains("nothing"), "\(missing.error)")
    }
}
