import Foundation

/// One RAVDESS speech clip identity: the fields of its 7-field name that vary.
struct SynthClipSpec: Hashable, Sendable {
    var actor: Int
    var emotion: Emotion
    /// 1 normal, 2 strong.
    var intensity: Int
    var statement: Int
    var repetition: Int

    /// The RAVDESS name: audio-only modality (03), speech channel (01), `03-01-EE-II-SS-RR-AA.wav`.
    var name: RavdessFileName {
        RavdessFileName(emotion: emotion, intensity: intensity == 2 ? .strong : .normal, statement: statement,
                        repetition: repetition, actor: actor)
    }

    var fileName: String { name.fileName }

    var relativePath: String { String(format: "Actor_%02d/", actor) + fileName }

    /// Index of this clip among its actor's 60, in file-name order.
    var indexInActor: Int {
        let emotionStart = emotion == .neutral ? 0 : 4 + (emotion.ravdessCode - 2) * 8
        let within = emotion == .neutral
            ? (statement - 1) * 2 + (repetition - 1)
            : (intensity - 1) * 4 + (statement - 1) * 2 + (repetition - 1)
        return emotionStart + within
    }

    /// The clip record the RAVDESS reader makes of this file.
    func clip(path: String) -> Clip { RavdessSource.clip(path: path, name: name) }

    /// The 60 speech clips of `actor` in file-name order (neutral has no strong intensity).
    static func all(actor: Int) -> [SynthClipSpec] {
        Emotion.allCases.flatMap { emotion in
            (emotion == .neutral ? [1] : [1, 2]).flatMap { intensity in
                [1, 2].flatMap { statement in
                    [1, 2].map { SynthClipSpec(actor: actor, emotion: emotion, intensity: intensity, statement: statement, repetition: $0) }
                }
            }
        }
    }
}

/// Corpus-wide decisions (which files are stereo, quiet or duplicated) and per-clip rendering.
struct SynthCorpusPlan: Sendable {
    /// A file to write: its own identity and the clip whose audio it carries (different only for the duplicate).
    struct Job: Sendable {
        var spec: SynthClipSpec
        var source: SynthClipSpec
        var relativePath: String { spec.relativePath }
    }

    let configuration: DemoCorpus.Configuration
    let clips: [Job]
    let stereo: Set<SynthClipSpec>
    let quiet: Set<SynthClipSpec>
    private let voices: [SynthVoice]

    /// Number of stereo files, as in the real corpus.
    static let stereoCount = 5
    /// The real corpus has one byte-identical pair in actor 07; the demo copies this take over its repetition.
    static let duplicateOriginal = SynthClipSpec(actor: 7, emotion: .calm, intensity: 1, statement: 2, repetition: 1)

    init(configuration: DemoCorpus.Configuration) {
        self.configuration = configuration
        let seed = configuration.seed
        voices = (1...configuration.actorCount).map { SynthVoice(actor: $0, seed: seed) }
        var copy = SynthCorpusPlan.duplicateOriginal
        copy.repetition = 2
        clips = (1...configuration.actorCount).flatMap { actor in
            SynthClipSpec.all(actor: actor).map { Job(spec: $0, source: $0 == copy ? SynthCorpusPlan.duplicateOriginal : $0) }
        }
        var quiet = Set<SynthClipSpec>()
        for actor in 1...configuration.actorCount {
            var random = CorpusRandom(seed: seed, actor, SynthStream.corpus)
            var chosen = SynthClipSpec.all(actor: actor)[random.index(below: DemoCorpus.clipsPerActor)]
            if chosen == copy { chosen = SynthCorpusPlan.duplicateOriginal }
            quiet.insert(chosen)
        }
        self.quiet = quiet
        // Stereo files are drawn among clips outside the duplicate pair, so exactly five files are stereo.
        var candidates = clips.map(\.spec).filter { $0 != copy && $0 != SynthCorpusPlan.duplicateOriginal }
        var random = CorpusRandom(seed: seed, 0, SynthStream.corpus)
        random.shuffle(&candidates)
        stereo = Set(candidates.prefix(SynthCorpusPlan.stereoCount))
    }

    /// Interleaved samples and channel count of the clip `source`.
    func render(_ source: SynthClipSpec) -> (samples: [Float], channelCount: Int) {
        let seed = configuration.seed
        let voice = voices[source.actor - 1]
        var acting = CorpusRandom(seed: seed, source.actor, SynthStream.acting + source.emotion.ravdessCode)
        var take = CorpusRandom(seed: seed, source.actor, SynthStream.clip + source.indexInActor)
        let cues = SynthCues.of(source.emotion, strong: source.intensity == 2).varied(acting: &acting, take: &take)
        let tracks = SynthPlan.tracks(statement: source.statement, voice: voice, cues: cues,
                                      sampleRate: configuration.sampleRate, random: &take)
        var samples = SynthRenderer.render(tracks, quality: SynthQuality(cues: cues, voice: voice), random: &take)

        // Near-silence: a faint low-passed room noise 60 dB below the speech peak, then the recording level.
        var peak: Float = 0
        for value in samples { peak = max(peak, abs(value)) }
        let floorLevel = max(peak, 1e-6) * 0.001
        var lowPassed: Float = 0
        let unit = Float(1.7) / Float(1 << 23)
        for n in samples.indices {
            let white = (Float(take.next() >> 40) - Float(1 << 23)) * unit
            lowPassed = 0.7 * lowPassed + 0.3 * white
            samples[n] += floorLevel * lowPassed
        }
        let peakDecibels: Float
        if quiet.contains(source) {
            peakDecibels = Float(take.uniform(-47, -41))
        } else {
            let level = -9 + voice.levelDecibels + 0.8 * cues.loudnessDecibels + Float(take.normal() * 1.5)
            peakDecibels = min(-0.9, max(-32, level))
        }
        peak = samples.reduce(0) { max($0, abs($1)) }
        let gain = powf(10, peakDecibels / 20) / max(peak, 1e-9)
        for n in samples.indices { samples[n] *= gain }
        guard stereo.contains(source) else { return (samples, 1) }
        // A spaced microphone pair: the right channel arrives 0.25 ms later and 1.5 dB weaker.
        let delay = max(1, configuration.sampleRate / 4000)
        let right = powf(10, -1.5 / 20)
        var interleaved = [Float](repeating: 0, count: 2 * samples.count)
        for n in samples.indices {
            interleaved[2 * n] = samples[n]
            interleaved[2 * n + 1] = n >= delay ? right * samples[n - delay] : 0
        }
        return (interleaved, 2)
    }
}
