import AudioFeatures
import EmotionCorpus
import Foundation

/// Temporary directories, tiny WAV files and in-memory corpora shared by the corpus tests.
enum CorpusFixtures {
    /// A fresh empty directory under the system temporary directory.
    static func temporaryDirectory(_ label: String = #function) throws -> String {
        let name = "exp-corpus-\(label.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString)"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes a short 16-bit WAV whose samples depend on `variant`, so distinct variants never share bytes.
    static func writeWAV(_ path: String, variant: Int, frames: Int = 160, sampleRate: Int = 8000,
                         channels: Int = 1) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let frequency = 100 + Double(variant % 997) * 3.7
        var samples = [Float](repeating: 0, count: frames * channels)
        for frame in 0..<frames {
            let value = Float(0.25 * sin(2 * Double.pi * frequency * Double(frame) / Double(sampleRate)))
            for channel in 0..<channels { samples[frame * channels + channel] = value * Float(channel + 1) / Float(channels) }
        }
        // The first sample spells the variant out, so even equal frequencies differ.
        samples[0] = Float(variant % 30_000) / 32_768
        try AudioFile.write(path, interleaved: samples, channelCount: channels, sampleRate: sampleRate)
    }

    /// Every speech file name of one RAVDESS actor: 60 names (neutral 4, every other emotion 8).
    static func speechNames(actor: Int) -> [RavdessFileName] {
        var names: [RavdessFileName] = []
        for emotion in Emotion.allCases {
            let intensities: [RavdessFileName.Intensity] = emotion == .neutral ? [.normal] : [.normal, .strong]
            for intensity in intensities {
                for statement in 1...2 {
                    for repetition in 1...2 {
                        names.append(RavdessFileName(emotion: emotion, intensity: intensity, statement: statement,
                                                     repetition: repetition, actor: actor))
                    }
                }
            }
        }
        return names
    }

    /// An in-memory RAVDESS-shaped corpus (no files): `actors` × 60 clips, each with a distinct content hash.
    static func memoryRavdess(actors: Int = 24) -> Corpus {
        var clips: [Clip] = []
        for actor in 1...actors {
            for name in speechNames(actor: actor) {
                var clip = RavdessSource.clip(path: "/mem/Actor_\(name.speaker)/\(name.fileName)", name: name)
                clip.contentHash = clip.path
                clips.append(clip)
            }
        }
        clips.sort { $0.path < $1.path }
        return Corpus(name: "ravdess", root: "/mem", clips: clips, classes: Emotion.allCases.map(\.rawValue))
    }

    /// Writes RAVDESS speech files for `actors` into `root/Actor_XX/`, restricted to `emotions`.
    @discardableResult
    static func writeRavdess(root: String, actors: ClosedRange<Int>, emotions: Set<Emotion> = Set(Emotion.allCases),
                             flat: Bool = false) throws -> [String] {
        var paths: [String] = []
        for actor in actors {
            for name in speechNames(actor: actor) where emotions.contains(name.emotion) {
                let folder = flat ? root : "\(root)/Actor_\(name.speaker)"
                let path = "\(folder)/\(name.fileName)"
                try writeWAV(path, variant: paths.count + 1)
                paths.append(path)
            }
        }
        return paths
    }
}
