import AudioFeatures
import Foundation

extension DemoCorpus {
    /// What to synthesise in a corpus layout: a few speakers, a few takes per class, short mono files.
    public struct LayoutConfiguration: Sendable, Equatable {
        /// Speakers, taken in `SynthLayout.speakers` order (1 … that count, and at most 12 of one gender, the
        /// synthesiser's voices; default 2).
        public var speakerCount: Int
        /// Takes per speaker and class, 1 … `SynthLayout.maximumTakes` (default 2).
        public var takes: Int
        /// The vocabulary labels to write (each one the layout has); `nil` writes all of them.
        public var labels: [String]?
        /// Sample rate of the files in Hz, 8000 … 96000 (default 16000).
        public var sampleRate: Int
        /// Seed of every random decision; each layout also derives its own voices from it (default 7).
        public var seed: Int
        /// Audio container by extension: `wav` (default) or `flac`.
        public var fileExtension: String

        /// Creates a configuration.
        public init(speakerCount: Int = 2, takes: Int = 2, labels: [String]? = nil, sampleRate: Int = 16_000,
                    seed: Int = 7, fileExtension: String = "wav") {
            self.speakerCount = speakerCount
            self.takes = takes
            self.labels = labels
            self.sampleRate = sampleRate
            self.seed = seed
            self.fileExtension = fileExtension
        }
    }

    /// Writes a small corpus named and laid out by `layout`'s convention under `directory` (created if needed),
    /// rendering the clips on all cores with the demo voice synthesiser, and returns the clip records the
    /// layout's reader is expected to produce, in path order.
    ///
    /// Every speaker gets its own synthetic voice of its documented gender; voices differ between layouts.
    /// For `crema_d` a `VideoDemographics.csv` with the speakers' genders is written beside `AudioWAV/`.
    /// - Throws: `AudioError.writeFailed` naming the first file that could not be written.
    public static func write(_ layout: SynthLayout, to directory: String,
                             configuration: LayoutConfiguration = LayoutConfiguration()) throws -> [Clip] {
        let speakers = Array(layout.speakers.prefix(configuration.speakerCount))
        precondition(configuration.speakerCount >= 1 && speakers.count == configuration.speakerCount,
                     "\(layout.rawValue) has \(layout.speakers.count) speakers, asked for \(configuration.speakerCount)")
        precondition((1...SynthLayout.maximumTakes).contains(configuration.takes),
                     "takes must be in 1…\(SynthLayout.maximumTakes), got \(configuration.takes)")
        let labels = configuration.labels ?? layout.labels
        precondition(labels.allSatisfy(layout.labels.contains), "\(layout.rawValue) has labels \(layout.labels), asked for \(labels)")
        precondition(["wav", "flac"].contains(configuration.fileExtension), "fileExtension is wav or flac")
        // Males take odd synthesiser actors and females even ones, as the demo voices are gendered that way.
        var nextActor: [Gender: Int] = [.male: 1, .female: 2]
        var jobs: [(path: String, clip: Clip, spec: SynthClipSpec)] = []
        for speaker in speakers {
            let actor = nextActor[speaker.gender] ?? 1
            nextActor[speaker.gender] = actor + 2
            precondition(actor <= 24, "the synthesiser has 12 voices per gender")
            for label in labels {
                let emotion = Emotion(rawValue: label) ?? .calm  // boredom: low arousal, the calm cues
                for take in 0..<configuration.takes {
                    let file = layout.file(speaker: speaker.code, gender: speaker.gender, label: label, take: take,
                                           root: directory, fileExtension: configuration.fileExtension)
                    jobs.append((file.clip.path, file.clip, SynthClipSpec(actor: actor, emotion: emotion, intensity: 1,
                                                                          statement: take / 2 + 1, repetition: take % 2 + 1)))
                }
            }
        }
        let layoutIndex = SynthLayout.allCases.firstIndex(of: layout) ?? 0
        let plan = SynthCorpusPlan(configuration: Configuration(
            actorCount: jobs.map(\.spec.actor).max() ?? 1, seed: configuration.seed &+ 7919 &* layoutIndex,
            sampleRate: configuration.sampleRate))
        for folder in Set(jobs.map { ($0.path as NSString).deletingLastPathComponent }) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw AudioError.writeFailed(path: folder, reason: "cannot create folder: \(error.localizedDescription)")
            }
        }
        if layout == .cremaD { try writeDemographics(speakers, to: FileListing.join(directory, "VideoDemographics.csv")) }
        let outcome = SynthOutcome(count: jobs.count)
        let specs = jobs.map(\.spec), paths = jobs.map(\.path)
        DispatchQueue.concurrentPerform(iterations: specs.count) { index in
            var (samples, channels) = plan.render(specs[index])
            if channels == 2 { samples = stride(from: 0, to: samples.count, by: 2).map { samples[$0] } }
            do {
                try AudioFile.write(paths[index], interleaved: samples, channelCount: 1,
                                    sampleRate: configuration.sampleRate, encoding: .pcm16)
                _ = outcome.finish(index, error: nil)
            } catch {
                _ = outcome.finish(index, error: error)
            }
        }
        if let error = outcome.firstError() { throw error }
        return jobs.map(\.clip).sorted { $0.path < $1.path }
    }

    /// CREMA-D's demographics table for the written speakers.
    private static func writeDemographics(_ speakers: [(code: String, gender: Gender)], to path: String) throws {
        let rows = speakers.map { "\($0.code),30,\($0.gender == .male ? "Male" : "Female"),Unknown,Not Hispanic" }
        let text = (["ActorID,Age,Sex,Race,Ethnicity"] + rows).joined(separator: "\n") + "\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw AudioError.writeFailed(path: path, reason: error.localizedDescription)
        }
    }
}
