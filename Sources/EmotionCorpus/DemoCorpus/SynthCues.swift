import Foundation

/// The F0 contour an utterance follows, in units of its pitch range (declination and accents come on top).
enum SynthContour: Sendable {
    case fall, riseFall, rise, fallRise

    /// Offset at utterance position `u` in `[0, 1]`, in units of the range.
    func value(at u: Float) -> Float {
        switch self {
        case .fall: return 0.5 - u
        case .riseFall: return sinf(Float.pi * u) - 0.35
        case .rise: return 0.3 * sinf(Float.pi * u) - 0.2 + 0.55 * smoothstep(0.6, 1, u)
        case .fallRise: return 0.5 * cosf(1.8 * Float.pi * u)
        }
    }

    private func smoothstep(_ lower: Float, _ upper: Float, _ x: Float) -> Float {
        let t = min(max((x - lower) / (upper - lower), 0), 1)
        return t * t * (3 - 2 * t)
    }
}

/// The acoustic cues of one acted emotion at one intensity, as the synthesiser consumes them.
///
/// The table follows the direction of effects reported by Banse & Scherer (1996) and Juslin & Laukka (2003):
/// anger, happiness, fear and surprise raise F0 level; anger and happiness widen the range and raise loudness
/// and tension; sadness lowers F0, rate and loudness and adds breathiness and jitter; fear is fast, breathy
/// and tremulous; surprise ends in a rise. Neighbours (calm/neutral, happy/surprised, fearful/sad) share most
/// cues, so the classes overlap once per-clip variation is added.
struct SynthCues: Sendable {
    /// F0 level as a position in the speaker's log-F0 range (0 = floor, 1 = ceiling).
    var level: Float
    /// Excursion of the contour and the accents, in semitones.
    var rangeSemitones: Float
    var contour: SynthContour
    /// Syllable-rate factor (1 = neutral tempo).
    var rate: Float
    /// Loudness relative to neutral, dB.
    var loudnessDecibels: Float
    /// Aspiration noise mixed into the glottal source (0…1).
    var breathiness: Float
    /// Vocal tension (−1 lax, steep spectral tilt … 1 pressed, flat tilt).
    var tension: Float
    /// Cycle-to-cycle period and amplitude perturbation, as fractions (0.01 = 1 %).
    var jitter: Float
    var shimmer: Float
    /// Depth of a 5–7 Hz F0 tremor in semitones.
    var tremorSemitones: Float

    /// The cues of `emotion` at normal intensity (`strong == false`) or strong intensity.
    ///
    /// Strong intensity moves every cue 1.6 times as far from neutral as normal intensity does.
    static func of(_ emotion: Emotion, strong: Bool) -> SynthCues {
        let base = table(emotion)
        guard strong else { return base }
        let neutral = table(.neutral)
        let k: Float = 1.6
        func push(_ value: Float, _ reference: Float) -> Float { reference + k * (value - reference) }
        return SynthCues(
            level: push(base.level, neutral.level),
            rangeSemitones: push(base.rangeSemitones, neutral.rangeSemitones),
            contour: base.contour,
            rate: push(base.rate, neutral.rate),
            loudnessDecibels: push(base.loudnessDecibels, neutral.loudnessDecibels) + 1,
            breathiness: max(0, push(base.breathiness, neutral.breathiness)),
            tension: push(base.tension, neutral.tension),
            jitter: max(0.002, push(base.jitter, neutral.jitter)),
            shimmer: max(0.01, push(base.shimmer, neutral.shimmer)),
            tremorSemitones: k * base.tremorSemitones)
    }

    private static func table(_ emotion: Emotion) -> SynthCues {
        switch emotion {
        case .neutral: return SynthCues(level: 0.28, rangeSemitones: 2.0, contour: .fall, rate: 1.00, loudnessDecibels: 0,
                                        breathiness: 0.08, tension: 0.0, jitter: 0.006, shimmer: 0.03, tremorSemitones: 0)
        case .calm: return SynthCues(level: 0.23, rangeSemitones: 1.6, contour: .fall, rate: 0.91, loudnessDecibels: -2,
                                     breathiness: 0.15, tension: -0.25, jitter: 0.005, shimmer: 0.025, tremorSemitones: 0)
        case .happy: return SynthCues(level: 0.52, rangeSemitones: 4.5, contour: .riseFall, rate: 1.08, loudnessDecibels: 3,
                                      breathiness: 0.08, tension: 0.3, jitter: 0.008, shimmer: 0.03, tremorSemitones: 0)
        case .sad: return SynthCues(level: 0.21, rangeSemitones: 1.5, contour: .fall, rate: 0.84, loudnessDecibels: -4,
                                    breathiness: 0.26, tension: -0.5, jitter: 0.015, shimmer: 0.05, tremorSemitones: 0.2)
        case .angry: return SynthCues(level: 0.58, rangeSemitones: 4.0, contour: .fall, rate: 1.12, loudnessDecibels: 7,
                                      breathiness: 0.03, tension: 0.9, jitter: 0.012, shimmer: 0.04, tremorSemitones: 0)
        case .fearful: return SynthCues(level: 0.36, rangeSemitones: 2.6, contour: .rise, rate: 1.08, loudnessDecibels: -2,
                                        breathiness: 0.26, tension: -0.2, jitter: 0.018, shimmer: 0.05, tremorSemitones: 0.3)
        case .disgust: return SynthCues(level: 0.26, rangeSemitones: 3.2, contour: .fallRise, rate: 0.82, loudnessDecibels: 1,
                                        breathiness: 0.12, tension: 0.5, jitter: 0.010, shimmer: 0.04, tremorSemitones: 0)
        case .surprised: return SynthCues(level: 0.55, rangeSemitones: 4.2, contour: .rise, rate: 1.07, loudnessDecibels: 3,
                                          breathiness: 0.09, tension: 0.28, jitter: 0.008, shimmer: 0.03, tremorSemitones: 0)
        }
    }

    /// These cues after an actor's habitual portrayal (`acting`) and one take's variation (`take`) are drawn.
    ///
    /// Both are seeded streams; `acting` is shared by all clips of one actor and emotion, `take` is per clip, so
    /// the two repetitions of a sentence differ while an actor keeps a recognisable style.
    func varied(acting: inout CorpusRandom, take: inout CorpusRandom) -> SynthCues {
        func draw(_ random: inout CorpusRandom, _ sd: Double) -> Float { Float(random.normal() * sd) }
        var cues = self
        cues.level += draw(&acting, 0.06) + draw(&take, 0.04)
        cues.rangeSemitones *= expf(draw(&acting, 0.15) + draw(&take, 0.12))
        cues.rate *= expf(draw(&acting, 0.06) + draw(&take, 0.04))
        cues.loudnessDecibels += draw(&acting, 2) + draw(&take, 1.5)
        cues.breathiness = max(0, cues.breathiness + draw(&acting, 0.04) + draw(&take, 0.03))
        cues.tension = min(1.2, max(-1.2, cues.tension + draw(&acting, 0.15) + draw(&take, 0.1)))
        cues.jitter *= expf(draw(&acting, 0.2) + draw(&take, 0.15))
        cues.shimmer *= expf(draw(&acting, 0.15) + draw(&take, 0.1))
        return cues
    }
}
