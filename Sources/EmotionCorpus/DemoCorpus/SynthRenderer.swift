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
        // Five named resonators rather than an array: the per-sample loop then runs on registers.
        var f1 = SynthResonator(), f2 = SynthResonator(), f3 = SynthResonator(), f4 = SynthResonator()
        var f5 = SynthResonator(), noiseFilter = SynthResonator()
        var phase: Float = 1, periodF0: Float = 100, amplitude: Float = 1, previousFlow: Float = 0
        var normaliser: Float = 1, tilted: Float = 0
        let open = quality.openQuotient
        let rising = open * (1 - quality.closingFraction), closing = open * quality.closingFraction
        let uniformScale = Float(12).squareRoot() / Float(1 << 24)

        for frame in 0..<(tracks.sampleCount + tracks.controlStep - 1) / tracks.controlStep {
            f1.tune(tracks.formants[0][frame], tracks.bandwidths[0][frame], sampleRate: sampleRate)
            f2.tune(tracks.formants[1][frame], tracks.bandwidths[1][frame], sampleRate: sampleRate)
            f3.tune(tracks.formants[2][frame], tracks.bandwidths[2][frame], sampleRate: sampleRate)
            f4.tune(tracks.formants[3][frame], tracks.bandwidths[3][frame], sampleRate: sampleRate)
            f5.tune(tracks.formants[4][frame], tracks.bandwidths[4][frame], sampleRate: sampleRate)
            noiseFilter.tune(tracks.fricationCentre[frame], tracks.fricationBandwidth[frame], sampleRate: sampleRate,
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
                    periodF0 = max(40, (f0 + x * (f0Next - f0)) * (1 + quality.jitter * Float(random.normal())))
                    amplitude = max(0.2, 1 + quality.shimmer * Float(random.normal()))
                    // Scale the flow derivative so its closing peak is ≈ 1 whatever the period length.
                    normaliser = 2 * closing * sampleRate / (Float.pi * periodF0) * amplitude
                }
                let flow: Float
                if phase < rising {
                    flow = 0.5 * (1 - cosf(Float.pi * phase / rising))
                } else if phase < open {
                    flow = cosf(0.5 * Float.pi * (phase - rising) / closing)
                } else {
                    flow = 0
                }
                let excitation = (flow - previousFlow) * normaliser
                previousFlow = flow
                phase += periodF0 * period
                tilted = (1 - quality.tilt) * excitation + quality.tilt * tilted

                let bits = random.next()
                let noise1 = (Float(bits >> 40) - Float(1 << 23)) * uniformScale
                let noise2 = (Float((bits >> 8) & 0xFF_FFFF) - Float(1 << 23)) * uniformScale
                let gate: Float = flow > 0 ? 1 : 0.35  // aspiration is strongest while the glottis is open
                let source = (voicing + x * (voicingNext - voicing)) * tilted + aspiration * gate * noise1 * 0.25
                let voiced = f5.process(f4.process(f3.process(f2.process(f1.process(source)))))
                output[n] = voiced + frication * noiseFilter.process(noise2) * 0.5
            }
        }
        return output
    }
}

/// A two-pole digital resonator (Klatt 1980): `y[n] = A x[n] + B y[n-1] + C y[n-2]`.
struct SynthResonator {
    private var a: Float = 1, b: Float = 0, c: Float = 0
    private var y1: Float = 0, y2: Float = 0

    /// Sets centre `frequency` and `bandwidth` (Hz), unity gain at 0 Hz, or at the centre when `peakNormalised`.
    /// A formant at or above 0.42 × the sample rate becomes a pass-through: a unity-at-DC resonator there has an
    /// enormous peak gain, and Klatt's synthesiser likewise leaves out formants above its output band.
    mutating func tune(_ frequency: Float, _ bandwidth: Float, sampleRate: Float, peakNormalised: Bool = false) {
        guard frequency < 0.42 * sampleRate else {
            (a, b, c) = (1, 0, 0)
            return
        }
        let r = expf(-Float.pi * bandwidth / sampleRate)
        let theta = 2 * Float.pi * frequency / sampleRate
        b = 2 * r * cosf(theta)
        c = -r * r
        a = 1 - b - c
        if peakNormalised {
            // |1 - B e^{-iθ} - C e^{-2iθ}| is the reciprocal of the unnormalised gain at the centre.
            let re = 1 - b * cosf(theta) - c * cosf(2 * theta)
            let im = b * sinf(theta) + c * sinf(2 * theta)
            a = (re * re + im * im).squareRoot()
        }
    }

    @inline(__always) mutating func process(_ x: Float) -> Float {
        let y = a * x + b * y1 + c * y2
        y2 = y1
        y1 = y
        return y
    }
}
