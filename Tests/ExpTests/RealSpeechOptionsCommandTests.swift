import EmotionCorpus
import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

/// The real-speech training options end to end on a tiny synthesised corpus: silence trimming, per-speaker
/// normalisation, mixup and label smoothing under the speaker k-fold protocol, and `exp predict` with an ensemble of
/// a sweep's runs and with speaker statistics taken from the files given.
@Suite(.serialized) struct RealSpeechOptionsCommandTests {
    static let spec = """
        name: tiny
        seed: 3
        data: {corpus: ravdess, root: corpus, sample_rate: 8000, duration: 1.0, normalize: peak, trim_db: 40,
               speaker_normalization: true}
        features: {type: mfcc, n_mfcc: 8, n_fft: 256, hop_length: 256, n_mels: 20}
        augment: [{type: noise, snr_db: [15, 30]}]
        model:
          layers:
            - {type: conv1d, filters: 8, kernel_size: 3, activation: relu}
            - {type: maxpool1d, pool_size: 2}
            - {type: lstm, units: 8}
            - {type: dense, units: classes, activation: softmax}
        optimizer: {type: adam, learning_rate: 0.01}
        training: {epochs: 3, batch_size: 16, mixup: {alpha: 0.4}, label_smoothing: 0.1, average_checkpoints: 2}
        split: {type: speaker_kfold, k: 4, fold: 3, validation: train_speakers, validation_count: 1}
        sweep: {seeds: [1, 2]}

        """

    func predictions(_ arguments: [String], in root: URL) throws -> [Prediction] {
        let result = try RunCommandTests.exp(["predict", "--runs-dir", "runs", "--format", "json"] + arguments, in: root)
        #expect(result.status == 0, "\(result.error)")
        return try JSONDecoder().decode([Prediction].self, from: Data(result.output.utf8))
    }

    @Test func sweepTrainsWithTheOptionsAndPredictsAsOneEnsemble() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("exp-rs-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try DemoCorpus.write(to: root.appendingPathComponent("corpus").path,
                                 configuration: .init(actorCount: 4, seed: 11, sampleRate: 8000))
        try Self.spec.write(to: root.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
        let run = try RunCommandTests.exp(["run", "tiny.yaml", "--runs-dir", "runs", "--quiet"], in: root)
        #expect(run.status == 0, "\(run.error)")
        let ids = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("runs/tiny").path)
            .filter { $0.hasPrefix("tiny-") }.sorted()
        try #require(ids.count == 2)
        let resolved = try String(contentsOf: root.appendingPathComponent("runs/tiny/\(ids[0])/spec.yaml"), encoding: .utf8)
        #expect(resolved.contains("trim_db: 40") && resolved.contains("speaker_normalization: true"))
        let checkpoint = try Checkpoint.read(root.appendingPathComponent("runs/tiny/\(ids[0])/checkpoints/best.safetensors"))
        #expect(checkpoint.metadata["exp.speaker_normalization"] == "true")

        // Checkpoint averaging: the two best epochs' weights are kept and their mean is saved and evaluated.
        let checkpoints = root.appendingPathComponent("runs/tiny/\(ids[0])/checkpoints")
        let last = try Checkpoint.read(checkpoints.appendingPathComponent("last.safetensors"))
        let state = try JSONDecoder().decode(LoopState.self, from: Data(last.metadata["exp.loop_state"]!.utf8))
        let top = try #require(state.topEpochs)
        #expect(top.count == 2 && top[0].value >= top[1].value)
        let kept = try top.map { try Checkpoint.read(checkpoints.appendingPathComponent(String(format: "top-e%05d.safetensors", $0.epoch))) }
        let average = try Checkpoint.read(checkpoints.appendingPathComponent("average.safetensors"))
        #expect(average.metadata["exp.speaker_normalization"] == "true")
        #expect(Set(average.tensors.keys) == Set(kept[0].tensors.keys))
        for (name, tensor) in average.tensors {
            let a = kept[0].tensors[name]!.storage, b = kept[1].tensors[name]!.storage
            for index in tensor.storage.indices {
                // One Double mean rounded once to Float: within one Float ulp of the exact mean.
                let exact = (Double(a[index]) + Double(b[index])) / 2
                #expect(abs(Double(tensor.storage[index]) - exact) <= abs(exact) * 1.2e-7, "\(name)[\(index)]")
            }
        }
        let averaged = try predictions(["--run", "tiny/\(ids[0])", "--checkpoint", "average", "corpus/Actor_04"], in: root)
        #expect(averaged.count == 60)
        // Without --checkpoint, a run that averaged checkpoints predicts with the averaged weights it was tested with.
        let implicit = try predictions(["--run", "tiny/\(ids[0])", "corpus/Actor_04"], in: root)
        #expect(implicit.map(\.probabilities) == averaged.map(\.probabilities))
        let best = try predictions(["--run", "tiny/\(ids[0])", "--checkpoint", "best", "corpus/Actor_04"], in: root)
        #expect(best.map(\.probabilities) != averaged.map(\.probabilities))

        let files = ["corpus/Actor_04", "corpus/Actor_03"]
        let first = try predictions(["--run", "tiny/\(ids[0])", "--speakers", "directory"] + files, in: root)
        let second = try predictions(["--run", "tiny/\(ids[1])", "--speakers", "directory"] + files, in: root)
        let both = try predictions(["--run", "tiny/\(ids[0])", "--run", "tiny/\(ids[1])", "--speakers", "directory"]
                                   + files, in: root)
        #expect(both.count == 120 && first.count == 120)
        #expect(first.map(\.probabilities) != second.map(\.probabilities))
        for index in both.indices {
            #expect(both[index].file == first[index].file)
            for k in both[index].probabilities.indices {
                let mean = (first[index].probabilities[k] + second[index].probabilities[k]) / 2
                #expect(abs(both[index].probabilities[k] - mean) <= 1e-12)
            }
            let best = both[index].probabilities.indices.max { both[index].probabilities[$0] < both[index].probabilities[$1] }!
            #expect(both[index].label == both[index].classes[best])
        }
        // Speaker statistics come from the files given: Actor_04 alone as one speaker is what `directory` did with it,
        // while pooling two actors as one speaker changes the statistics and so the probabilities.
        let alone = try predictions(["--run", "tiny/\(ids[0])", "corpus/Actor_04"], in: root)
        #expect(alone.map(\.probabilities) == Array(first.prefix(60)).map(\.probabilities))
        let pooled = try predictions(["--run", "tiny/\(ids[0])", "--speakers", "single"] + files, in: root)
        #expect(pooled.map(\.probabilities) != first.map(\.probabilities))
    }
}
