// The phonetic content of the two RAVDESS statements, reduced to what a formant synthesiser needs:
// vowel formant targets, consonant classes with their loci, and per-syllable stress.

/// An English vowel as first three formant targets (Hz) of an adult male voice.
///
/// Values follow Peterson & Barney (1952) / Hillenbrand et al. (1995) averages; the voice scales them by its
/// vocal-tract factor, so one table serves every speaker.
struct SynthVowel: Sendable {
    var f1: Float, f2: Float, f3: Float

    static let kit = SynthVowel(f1: 390, f2: 1990, f3: 2550)  // ɪ  "kids", "sitting"
    static let palm = SynthVowel(f1: 730, f2: 1090, f3: 2440)  // ɑ  "are"
    static let thought = SynthVowel(f1: 570, f2: 840, f3: 2410)  // ɔ  "talking", "dogs", "door"
    static let schwa = SynthVowel(f1: 500, f2: 1500, f3: 2500)  // ə  "the"
    static let fleece = SynthVowel(f1: 300, f2: 2250, f3: 2950)  // i  glide target of "by"
    static let nurse = SynthVowel(f1: 480, f2: 1350, f3: 1690)  // ɝ  the r-colouring of "are", "door"
}

/// Where a consonant is made, which sets the formant loci its neighbours glide towards and its noise spectrum.
enum SynthPlace: Sendable {
    case labial, dental, alveolar, velar

    /// Formant loci (Hz, adult male) the vocal tract passes through at the consonant.
    var locus: SynthVowel {
        switch self {
        case .labial: return SynthVowel(f1: 250, f2: 900, f3: 2200)
        case .dental: return SynthVowel(f1: 280, f2: 1500, f3: 2550)
        case .alveolar: return SynthVowel(f1: 260, f2: 1750, f3: 2650)
        case .velar: return SynthVowel(f1: 260, f2: 1950, f3: 2350)
        }
    }

    /// Centre and bandwidth (Hz, adult male) of the frication or burst noise made at this place.
    var noise: (centre: Float, bandwidth: Float) {
        switch self {
        case .labial: return (1200, 1500)
        case .dental: return (3500, 3500)
        case .alveolar: return (5200, 1600)
        case .velar: return (2100, 900)
        }
    }
}

/// One phone of a statement.
enum SynthPhone: Sendable {
    /// A vowel gliding from `start` to `end` (equal for monophthongs); `stressed` carries a pitch accent.
    case vowel(start: SynthVowel, end: SynthVowel, stressed: Bool)
    /// A plosive: closure, burst and (when voiceless) aspiration.
    case stop(SynthPlace, voiced: Bool)
    /// A fricative: turbulence noise, with weak voicing when `voiced`.
    case fricative(SynthPlace, voiced: Bool)
    /// A nasal: voiced, damped, with a low first formant.
    case nasal(SynthPlace)
}

/// The two RAVDESS sentences (statement 01 and 02) as phone sequences.
enum SynthStatement {
    /// Phones of statement `number` (1 "Kids are talking by the door", 2 "Dogs are sitting by the door").
    static func phones(_ number: Int) -> [SynthPhone] {
        precondition(number == 1 || number == 2, "RAVDESS has statements 1 and 2, got \(number)")
        let ending: [SynthPhone] = [
            .vowel(start: .palm, end: .nurse, stressed: false),  // are
            number == 1 ? .stop(.alveolar, voiced: false) : .fricative(.alveolar, voiced: false),  // t / s
            .vowel(start: number == 1 ? .thought : .kit, end: number == 1 ? .thought : .kit, stressed: true),
            .stop(number == 1 ? .velar : .alveolar, voiced: false),  // k / t
            .vowel(start: .kit, end: .kit, stressed: false),
            .nasal(.velar),  // -ing
            .stop(.labial, voiced: true),  // by
            .vowel(start: .palm, end: .fleece, stressed: false),
            .fricative(.dental, voiced: true),  // the
            .vowel(start: .schwa, end: .schwa, stressed: false),
            .stop(.alveolar, voiced: true),  // door
            .vowel(start: .thought, end: .nurse, stressed: true),
        ]
        let opening: [SynthPhone] = number == 1
            ? [.stop(.velar, voiced: false), .vowel(start: .kit, end: .kit, stressed: true),
               .stop(.alveolar, voiced: true), .fricative(.alveolar, voiced: true)]  // kids
            : [.stop(.alveolar, voiced: true), .vowel(start: .thought, end: .thought, stressed: true),
               .stop(.velar, voiced: true), .fricative(.alveolar, voiced: true)]  // dogs
        return opening + ending
    }
}
