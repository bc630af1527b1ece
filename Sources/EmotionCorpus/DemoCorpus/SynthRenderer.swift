import Foundation

/// Voice-quality settings constant over one take.
struct SynthQuality {
    /// Open phase of the glottal cycle as a fraction of the period (longer = breathier, softer).
    var openQuotient: Float
    /// Closing phase as a fraction of the open phase (shorter = more abrupt closure, flatter spectrum).
    var closingFraction: Float
    /// One-pole low-pass coefficient applied to the source: the spectral tilt of lax vs. pressed voice.
    var tilt: Float
    var jitter: Float
    var shimmer: Float

    init(cues: SynthCues, voice: SynthVoice) {
        let breath = cues.breathiness + voice.breathiness
        let tension = cues.tension + voice.tension
        openQuotient = min(0.85, max(0.35, 0.58 + 0.25 * breath - 0.12 * tension))
        closingFraction = min(0.5, max(0.18, 0.34 - 0.08 * tension + 0.1 * breath))
        tilt = min(0.9, max(0.02, 0.45 - 0.3 * tension + 0.25 * breath))
        jitter = cues.jitter
        shimmer = cues.shimmer
    }
}

/// A source-filter formant synthesiser (after Klatt 1980, cascade branch) rendering `SynthTracks` to samples.
///
/// Source: Rosenberg (1971) glottal-flow pulses, differentiated (lip radiation), with per-period jitter and
/// shimmer, low-passed by the tilt filter, plus aspiration noise gated by the open phase. Filter: five cascaded
/// two-pole resonators `y[n] = A x[n] + B y[n-1] + C y[n-2]` with `C = -exp(-2πbT)`,
/// `B = 2 exp(-πbT) cos(2πfT)`, `A = 1 - B - C` (unity gain at 0 Hz). Frication is band-pass noise from one more
/// resonator, normalised to unity gain at its centre, added after the tract. Formants at or above 0.42 × the
/// sample rate are bypassed.
enum SynthRenderer {
    static func render(_ tracks: SynthTracks, quality: SynthQuality, random: inout CorpusRandom) -> [Float] {
        let sampleRate = Float(tracks.sampleRate)
        let period = 1 / sampleRate
        var output = [Float](repeating: 0, count: tracks.sampleCount)
        var coefficients = [Float](repeating: 0, count: 18)  // (A, B, C) × 6 resonators; index 5 = frication
        var state = [Float](repeating: 0, count: 12)  // (y1, y2) × 6
        var phase: Float = 1, periodF0: Float = 100, amplitude: Float = 1, previousFlow: Float = 0
        var normaliser: Float = 1, tilted: Float = 0
        let open = quality.openQuotient
        let rising = open * (1 - quality.closingFraction), closing = open * quality.closingFraction
        let uniformScale = Float(12).squareRoot() / Float(1 << 24)

        func setResonator(_ k: Int, frequency: Float, bandwidth: Float, peakNormalised: Bool) {
            guard frequency < 0.42 * sampleRate else {
                // A unity-at-DC resonator near Nyquist has an enormous peak gain; leave the formant out instead,
                // as Klatt's synthesiser does for formants above its output band.
                coefficients[3 * k] = 1; coefficients[3 * k + 1] = 0; coefficients[3 * k + 2] = 0
                return
            }
            let r = expf(-Float.pi * bandwidth * period)
            let theta = 2 * Float.pi * frequency * period
            let b = 2 * r * cosf(theta), c = -r * r
            var a = 1 - b - c
            if peakNormalised {
                // |1 - B e^{-iθ} - C e^{-2iθ}| is the reciprocal of the unnormalised gain at the centre.
                let re = 1 - b * cosf(theta) - c * cosf(2 * theta)
                let im = b * sinf(theta) + c * sinf(2 * theta)
                a = (re * re + im * im).squareRoot()
            }
            coefficients[3 * k] = a; coefficients[3 * k + 1] = b; coefficients[3 * k + 2] = c
        }

        for frame in 0..<(tracks.sampleCount + tracks.controlStep - 1) / tracks.controlStep {
            for k in 0..<5 {
                setResonator(k, frequency: tracks.formants[k][frame], bandwidth: tracks.bandwidths[k][frame], peakNormalised: false)
            }
            setResonator(5, frequency: tracks.fricationCentre[frame], bandwidth: tracks.fricationBandwidth[frame],
                         peakNormalised: true)
            let f0 = tracks.f0[frame], f0Next = tracks.f0[frame + 1]
            let voicing = tracks.voicing[frame], voicingNext = tracks.voicing[frame + 1]
            let aspiration = tracks.aspiration[frame], frication = tracks.frication[frame]
            let start = frame * tracks.controlStep
            let end = min(start + tracks.controlStep, tracks.sampleCount)
            for n in start..<end {
                let x = Float(n - start) / Float(tracks.controlStep)
                if phase >= 1 {
                    // A new glottal period: draw its jitter and shimmer once, as real cycles vary as wholes.
                    phase -= 1
                    periodF0 = (f0 + x * (f0Next - f0)) * (1 + quality.jitter * Float(random.normal()))
                    amplitude = max(0.2, 1 + quality.shimmer * Float(random.normal()))
                    // Scale the flow derivative so its closing peak is ≈ 1 whatever the period length.
                    normaliser = 2 * closing * sampleRate / (Float.pi * max(periodF0, 40))
                }
                let flow: Float
                if phase < rising {
                    flow = 0.5 * (1 - cosf(Float.pi * phase / rising))
                } else if phase < open {
                    flow = cosf(0.5 * Float.pi * (phase - rising) / closing)
                } else {
                    flow = 0
                }
                let excitation = (flow - previousFlow) * normaliser * amplitude
                previousFlow = flow
                phase += max(periodF0, 40) * period
                tilted = (1 - quality.tilt) * excitation + quality.tilt * tilted

                let bits = random.next()
                let noise1 = (Float(bits >> 40) - Float(1 << 23)) * uniformScale
                let noise2 = (Float((bits >> 8) & 0xFF_FFFF) - Float(1 << 23)) * uniformScale
                let gate: Float = flow > 0 ? 1 : 0.35  // aspiration is strongest while the glottis is open
                var signal = (voicing + x * (voicingNext - voicing)) * tilted + aspiration * gate * noise1 * 0.25
                for k in 0..<5 {
                    let y = coefficients[3 * k] * signal + coefficients[3 * k + 1] * state[2 * k]
                        + coefficients[3 * k + 2] * state[2 * k + 1]
                    state[2 * k + 1] = state[2 * k]
                    state[2 * k] = y
                    signal = y
                }
                let fric = coefficients[15] * noise2 + coefficients[16] * state[10] + coefficients[17] * state[11]
                state[11] = state[10]
                state[10] = fric
                output[n] = signal + frication * fric * 0.5
            }
        }
        return output
    }
}
