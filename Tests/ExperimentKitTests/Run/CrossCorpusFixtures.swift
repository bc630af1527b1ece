import EmotionCorpus
import Foundation
@testable import ExperimentKit

/// Small synthetic corpora for multi-corpus runs and cross-corpus evaluation: demo clips at 8 kHz listed in CSV
/// manifests, each manifest keeping the classes and speakers a test asks for.
enum CrossCorpusFixtures {
    /// A 3-actor demo corpus at 8 kHz (180 clips), written once per test process.
    static let demo: Result<DemoCorpus.Summary, any Error> = Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exp-cross-corpus-\(getpid())")
        return try DemoCorpus.write(to: directory.path, configuration: .init(actorCount: 3, seed: 5, sampleRate: 8000))
    }

    /// Writes `<directory>/<name>.csv` listing the demo clips whose actor is in `actors` and whose label is in
    /// `labels` (all labels when nil), with speakers prefixed by `speakerPrefix` (or all named `speaker`);
    /// returns the manifest path.
    static func manifest(_ name: String, in directory: URL, actors: Set<String>, labels: Set<String>? = nil,
                         speakerPrefix: String = "s", speaker: String? = nil) throws -> String {
        let clips = try demo.get().clips.filter { clip in
            actors.contains(clip.speaker ?? "") && (labels?.contains(clip.label) ?? true)
        }
        var lines = ["path,label,speaker,gender"]
        for clip in clips {
            lines.append("\(clip.path),\(clip.label),\(speaker ?? speakerPrefix + (clip.speaker ?? "")),\(clip.gender?.rawValue ?? "")")
        }
        let url = directory.appendingPathComponent("\(name).csv")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The shared processing, features and a tiny network: `data`, `split` and the rest are filled in by the test.
    static func spec(name: String, data: String, split: String, extra: String = "") -> String {
        """
        name: \(name)
        seed: 1
        data: \(data)
        features: {type: mfcc, n_mfcc: 8, n_fft: 256, hop_length: 256, n_mels: 20}
        model:
          layers:
            - {type: lstm, units: 6}
            - {type: dense, units: classes, activation: softmax}
        optimizer: {type: adam, learning_rate: 0.01}
        training: {epochs: 1, batch_size: 16}
        split: \(split)
        \(extra)
        """
    }

    /// Validates `yaml` against the built-in registries, with 8 classes for the shape checks.
    static func load(_ yaml: String, file: String = "cross.yaml") throws -> ExperimentSpec {
        try ExperimentSpec(tree: node(yaml, file: file), file: file, registries: .builtins, classCount: 8)
    }

    /// Run options writing into `base/runs` with a feature cache in `base/cache` and no progress output.
    static func options(_ base: URL) -> RunOptions {
        RunOptions(runsRoot: base.appendingPathComponent("runs"), progress: .plain,
                   featureCache: FeatureCache(directory: base.appendingPathComponent("cache").path),
                   expVersion: "test", write: { _ in })
    }
}
