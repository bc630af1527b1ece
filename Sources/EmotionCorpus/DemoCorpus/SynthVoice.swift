import Foundation

/// One demo actor's voice: pitch range by gender, vocal-tract length and habitual voice quality.
struct SynthVoice: Sendable {
    /// RAVDESS convention: odd actor numbers are male, even female.
    var gender: Gender
    /// Lowest and highest F0 (Hz) this speaker produces; emotion moves within this range.
    var minimumF0: Float
    var maximumF0: Float
    /// Formant scale factor (adult male ≈ 1; shorter tracts, as in most female voices, ≈ 1.15–1.2).
    var tractScale: Float
    /// Habitual breathiness (0…1) and tension (−1 lax … 1 pressed) added to every emotion's values.
    var breathiness: Float
    var tension: Float
    /// Speaking-rate factor of the speaker (1 = average).
    var rate: Float
    /// Recording level (dB) of this actor's session, one source of the corpus's loudness spread.
    var levelDecibels: Float

    /// The voice of `actor` (1-based) under `seed`.
    init(actor: Int, seed: Int) {
        var random = CorpusRandom(seed: seed, actor, SynthStream.voice)
        gender = actor % 2 == 1 ? .male : .female
        if gender == .male {
            minimumF0 = Float(random.uniform(85, 92))
            maximumF0 = Float(random.uniform(145, 155))
            tractScale = Float(random.uniform(0.94, 1.06))
        } else {
            minimumF0 = Float(random.uniform(165, 175))
            maximumF0 = Float(random.uniform(240, 255))
            tractScale = Float(random.uniform(1.12, 1.22))
        }
        breathiness = Float(random.uniform(0, 0.08)) + (gender == .female ? 0.04 : 0)
        tension = Float(random.uniform(-0.2, 0.2))
        rate = Float(random.uniform(0.92, 1.08))
        levelDecibels = Float(random.uniform(-12, 0))
    }

    /// F0 (Hz) at `position` in the speaker's log-frequency range, softly saturating at both ends.
    ///
    /// Positions in 0.1…0.9 map linearly in log-frequency; beyond, a tanh knee keeps the result inside
    /// `[minimumF0, maximumF0]` without the flat plateaus a hard clamp would make.
    func frequency(atPosition position: Float) -> Float {
        let centred = position - 0.5
        let magnitude = abs(centred)
        let knee: Float = 0.4
        let bounded = magnitude <= knee ? magnitude : knee + 0.1 * tanhf((magnitude - knee) / 0.1)
        let p = 0.5 + (centred < 0 ? -bounded : bounded)
        return minimumF0 * powf(maximumF0 / minimumF0, p)
    }
}

/// Stream identifiers that keep independent random decisions apart under one seed.
enum SynthStream {
    static let voice = 1_000
    static let acting = 2_000
    static let clip = 3_000
    static let corpus = 4_000
}
