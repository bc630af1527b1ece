import AudioFeatures
import Foundation

/// The built-in demo corpus: a RAVDESS-layout set of synthetic emotional speech written by a seeded
/// source-filter voice synthesiser (`exp data synth`).
///
/// Layout and counts follow the RAVDESS speech set: `Actor_01`…`Actor_NN` folders, 7-field names
/// `03-01-EE-II-SS-RR-AA.wav`, 60 clips per actor (neutral 4, every other emotion 8), 16-bit WAV, 2.9–5.3 s
/// with leading and trailing near-silence. Like the real corpus it has five stereo files, a wide loudness
/// spread (every actor has one clip peaking below 1 % of full scale) and, when actor 07 is present, one pair
/// of byte-identical files. The same configuration always produces byte-identical files: every clip draws
/// from its own stream derived from `(seed, actor, clip)`, so the parallel order does not matter.
public enum DemoCorpus {
    /// What to synthesise.
    public struct Configuration: Sendable, Equatable, Codable {
        /// Number of actors, 1…24 (`--actors`); actor numbers run from 1.
        public var actorCount: Int
        /// Seed of every random decision (`--seed`).
        public var seed: Int
        /// Sample rate of the files in Hz, 8000…96000 (`--sample-rate`).
        public var sampleRate: Int

        /// A configuration; defaults give the full 24-actor, 48 kHz corpus.
        public init(actorCount: Int = 24, seed: Int = 7, sampleRate: Int = 48_000) {
            self.actorCount = actorCount
            self.seed = seed
            self.sampleRate = sampleRate
        }
    }

    /// What was written.
    public struct Summary: Sendable {
        /// Every clip, in actor then file-name order, with its RAVDESS attributes.
        public var clips: [Clip]
        /// Paths of the stereo files (five).
        public var stereoPaths: [String]
        /// Paths of the deliberately quiet clips (peak below 1 % of full scale), one per actor.
        public var quietPaths: [String]
        /// The byte-identical pair `(original, copy)` when actor 07 is present.
        public var duplicatePair: (String, String)?
    }

    /// Clips per actor: neutral 4 plus seven emotions × 8.
    public static let clipsPerActor = 60

    /// Writes the corpus under `directory` (created if needed), rendering clips on all cores.
    ///
    /// - Parameter progress: Called with (finished, total) after each file, from any thread.
    /// - Throws: `AudioError.writeFailed` naming the first file that could not be written.
    public static func write(to directory: String, configuration: Configuration = Configuration(),
                             progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Summary {
        precondition((1...24).contains(configuration.actorCount),
                     "DemoCorpus supports 1…24 actors, got \(configuration.actorCount)")
        precondition((8_000...96_000).contains(configuration.sampleRate),
                     "DemoCorpus supports 8000…96000 Hz, got \(configuration.sampleRate)")
        let plan = SynthCorpusPlan(configuration: configuration)
        let root = URL(fileURLWithPath: directory)
        for actor in 1...configuration.actorCount {
            let folder = root.appendingPathComponent(String(format: "Actor_%02d", actor))
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw AudioError.writeFailed(path: folder.path, reason: "cannot create folder: \(error.localizedDescription)")
            }
        }
        let jobs = plan.clips
        let paths = jobs.map { root.appendingPathComponent($0.relativePath).path }
        let outcome = SynthOutcome(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let job = jobs[index]
            let (samples, channels) = plan.render(job.source)
            do {
                try AudioFile.write(paths[index], interleaved: samples, channelCount: channels,
                                    sampleRate: configuration.sampleRate, encoding: .pcm16)
                let done = outcome.finish(index, error: nil)
                progress?(done, jobs.count)
            } catch {
                _ = outcome.finish(index, error: error)
            }
        }
        if let error = outcome.firstError() { throw error }

        var duplicate: (String, String)?
        if let copy = jobs.firstIndex(where: { $0.source != $0.spec }),
           let original = jobs.firstIndex(where: { $0.spec == jobs[copy].source }) {
            duplicate = (paths[original], paths[copy])
        }
        return Summary(
            clips: zip(jobs, paths).map { $0.spec.clip(path: $1) },
            stereoPaths: jobs.indices.filter { plan.stereo.contains(jobs[$0].source) }.map { paths[$0] },
            quietPaths: jobs.indices.filter { plan.quiet.contains(jobs[$0].source) }.map { paths[$0] },
            duplicatePair: duplicate)
    }

    /// Renders one clip without writing it: interleaved samples in `[-1, 1]` and the channel count.
    ///
    /// The samples are those `write` stores before 16-bit quantisation.
    public static func render(actor: Int, emotion: Emotion, strong: Bool, statement: Int, repetition: Int,
                              configuration: Configuration = Configuration()) -> (samples: [Float], channelCount: Int) {
        let plan = SynthCorpusPlan(configuration: configuration)
        let spec = SynthClipSpec(actor: actor, emotion: emotion, intensity: strong ? 2 : 1, statement: statement,
                                 repetition: repetition)
        let source = plan.clips.first { $0.spec == spec }?.source ?? spec
        return plan.render(source)
    }
}

/// Collects per-clip failures and the finished count from concurrent workers.
final class SynthOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Int: Error] = [:]
    private var finished = 0

    init(count: Int) {}

    func finish(_ index: Int, error: Error?) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let error { errors[index] = error } else { finished += 1 }
        return finished
    }

    func firstError() -> Error? {
        lock.lock()
        defer { lock.unlock() }
        return errors.keys.min().flatMap { errors[$0] }
    }
}
