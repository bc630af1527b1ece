import Foundation

/// Control tracks of one utterance, one value per control frame of `controlStep` samples (≈ 1 ms).
///
/// The renderer interpolates nothing but F0 between frames; formant and amplitude tracks are already smoothed
/// here, which is what makes consonant–vowel transitions glide as coarticulation does.
struct SynthTracks {
    var sampleRate: Int
    var controlStep: Int
    var sampleCount: Int
    /// F0 in Hz (defined everywhere; `voicing` decides where it is heard).
    var f0: [Float]
    /// Amplitude of the voiced glottal source.
    var voicing: [Float]
    /// Amplitude of aspiration noise fed through the vocal tract (breathiness, voiceless-stop aspiration).
    var aspiration: [Float]
    /// Amplitude, centre and bandwidth (Hz) of frication noise added after the tract.
    var frication: [Float]
    var fricationCentre: [Float]
    var fricationBandwidth: [Float]
    /// Five formant frequency and bandwidth tracks (Hz), `formants[k][frame]`.
    var formants: [[Float]]
    var bandwidths: [[Float]]
    /// First and last sample of speech (the rest is near-silence).
    var speechRange: Range<Int>
}

/// Builds the control tracks of one take of a statement from a voice, cues and a seeded stream.
enum SynthPlan {
    /// Fixed upper formants (Hz, adult male): F4 and F5 barely move with the vowel.
    static let upperFormants: (Float, Float) = (3350, 4100)
    /// Bandwidths (Hz) of F1…F5 in modal voice (Klatt 1980 defaults, rounded).
    static let modalBandwidths: [Float] = [70, 95, 140, 200, 250]

    static func tracks(statement: Int, voice: SynthVoice, cues: SynthCues, sampleRate: Int,
                       random: inout CorpusRandom) -> SynthTracks {
        let rate = max(0.4, cues.rate * voice.rate)
        let phones = SynthStatement.phones(statement)
        // Phone durations in seconds: (voiced part, noise part) per phone, scaled by tempo and a little jitter.
        var durations: [Double] = []
        for (index, phone) in phones.enumerated() {
            var seconds: Double
            switch phone {
            case .vowel(let start, let end, let stressed):
                seconds = stressed ? 0.165 : 0.105
                if start.f2 != end.f2 { seconds += 0.045 }
                if index == phones.count - 1 { seconds *= 1.45 }  // phrase-final lengthening
            case .stop(_, let voiced): seconds = voiced ? 0.075 : 0.115
            case .fricative(_, let voiced): seconds = voiced ? 0.07 : 0.10
            case .nasal: seconds = 0.07
            }
            durations.append(seconds / Double(rate) * exp(random.normal() * 0.08))
        }
        let speechSeconds = durations.reduce(0, +)
        var lead = random.uniform(0.75, 1.35)
        var trail = random.uniform(0.7, 1.5)
        // RAVDESS clips last 2.9–5.3 s; the silences absorb whatever the speech does not fill.
        let total = min(max(lead + speechSeconds + trail, 2.95), 5.25)
        trail = total - lead - speechSeconds
        if trail < 0.3 { lead = max(0.3, lead + trail - 0.3); trail = total - lead - speechSeconds }
        let sampleCount = Int((total * Double(sampleRate)).rounded())
        let step = max(1, sampleRate / 1000)
        let frameCount = sampleCount / step + 2
        let frameSeconds = Double(step) / Double(sampleRate)
        func frame(_ seconds: Double) -> Int { min(frameCount, max(0, Int((seconds / frameSeconds).rounded()))) }

        var t = SynthTracks(
            sampleRate: sampleRate, controlStep: step, sampleCount: sampleCount,
            f0: .init(repeating: 0, count: frameCount), voicing: .init(repeating: 0, count: frameCount),
            aspiration: .init(repeating: 0, count: frameCount), frication: .init(repeating: 0, count: frameCount),
            fricationCentre: .init(repeating: 3000, count: frameCount),
            fricationBandwidth: .init(repeating: 2000, count: frameCount),
            formants: [SynthVowel.schwa.f1, SynthVowel.schwa.f2, SynthVowel.schwa.f3, upperFormants.0, upperFormants.1]
                .map { [Float](repeating: $0, count: frameCount) },
            bandwidths: modalBandwidths.map { [Float](repeating: $0, count: frameCount) },
            speechRange: 0..<0)

        var accents: [Double] = []
        var cursor = lead
        for (phone, seconds) in zip(phones, durations) {
            let a = frame(cursor), b = frame(cursor + seconds)
            let length = max(1, b - a)
            func setFormants(_ i: Int, _ v: SynthVowel) { t.formants[0][i] = v.f1; t.formants[1][i] = v.f2; t.formants[2][i] = v.f3 }
            switch phone {
            case .vowel(let start, let end, let stressed):
                if stressed { accents.append(cursor + seconds * 0.45) }
                for i in a..<b {
                    let x = Float(i - a) / Float(length)
                    t.voicing[i] = stressed ? 1 : 0.72
                    t.aspiration[i] = 0.9 * cues.breathiness
                    setFormants(i, SynthVowel(f1: start.f1 + x * (end.f1 - start.f1), f2: start.f2 + x * (end.f2 - start.f2),
                                              f3: start.f3 + x * (end.f3 - start.f3)))
                }
            case .stop(let place, let voiced):
                let burst = a + Int(Double(length) * (voiced ? 0.78 : 0.5))
                let burstEnd = min(b, burst + max(1, frame(0.012)))
                for i in a..<b {
                    setFormants(i, place.locus)
                    t.fricationCentre[i] = place.noise.centre
                    t.fricationBandwidth[i] = place.noise.bandwidth
                    if i < burst {
                        t.voicing[i] = voiced ? 0.1 : 0  // voice bar during a voiced closure
                    } else if i < burstEnd {
                        t.frication[i] = voiced ? 0.35 : 0.6
                    } else {
                        t.aspiration[i] = voiced ? 0 : 0.55  // voiceless stops are aspirated in English
                        t.voicing[i] = voiced ? 0.6 : 0
                    }
                }
            case .fricative(let place, let voiced):
                for i in a..<b {
                    setFormants(i, place.locus)
                    t.frication[i] = place == .dental ? 0.1 : (voiced ? 0.22 : 0.4)
                    t.fricationCentre[i] = place.noise.centre
                    t.fricationBandwidth[i] = place.noise.bandwidth
                    t.voicing[i] = voiced ? 0.3 : 0
                }
            case .nasal(let place):
                for i in a..<b {
                    setFormants(i, SynthVowel(f1: 280, f2: place.locus.f2, f3: 2600))
                    t.bandwidths[0][i] = 2 * modalBandwidths[0]
                    t.voicing[i] = 0.45
                }
            }
            cursor += seconds
        }
        let speechStart = lead, speechEnd = cursor
        t.speechRange = Int(speechStart * Double(sampleRate))..<min(sampleCount, Int(speechEnd * Double(sampleRate)))

        // Voice quality widens the first bandwidths (glottal losses), the vocal tract scales every formant
        // (the renderer bypasses any that land too close to Nyquist at low sample rates).
        for k in 0..<5 {
            for i in 0..<frameCount {
                t.formants[k][i] *= voice.tractScale
                t.bandwidths[k][i] += (k == 0 ? 60 : 25) * cues.breathiness
            }
        }
        for i in 0..<frameCount { t.fricationCentre[i] = min(t.fricationCentre[i] * voice.tractScale, 0.4 * Float(sampleRate)) }
        smooth(&t.formants, seconds: 0.014, frameSeconds: frameSeconds)
        smooth(&t.bandwidths, seconds: 0.014, frameSeconds: frameSeconds)
        var amplitudes = [t.voicing, t.aspiration, t.frication]
        smooth(&amplitudes, seconds: 0.005, frameSeconds: frameSeconds)
        (t.voicing, t.aspiration, t.frication) = (amplitudes[0], amplitudes[1], amplitudes[2])

        // F0: level + contour + declination + accents + tremor, in semitones, mapped into the speaker's range.
        let speakerSemitones = 12 * log2f(voice.maximumF0 / voice.minimumF0)
        let tremorRate = random.uniform(5, 7), tremorPhase = random.uniform(0, 2 * Double.pi)
        let accentWidth = 0.07 / Double(rate)
        for i in 0..<frameCount {
            let seconds = min(max(Double(i) * frameSeconds, speechStart), speechEnd)
            let u = Float((seconds - speechStart) / max(speechEnd - speechStart, 1e-3))
            var semitones = cues.rangeSemitones * cues.contour.value(at: u) - 1.5 * u
            for centre in accents {
                let z = (seconds - centre) / accentWidth
                semitones += 0.6 * cues.rangeSemitones * Float(exp(-0.5 * z * z))
            }
            semitones += cues.tremorSemitones * Float(sin(2 * Double.pi * tremorRate * seconds + tremorPhase))
            t.f0[i] = voice.frequency(atPosition: cues.level + semitones / speakerSemitones)
            // Intensity declines over the utterance (about 3 dB), as it does with subglottal pressure.
            t.voicing[i] *= powf(10, -3 * u / 20)
        }
        return t
    }

    /// Zero-phase one-pole smoothing (forward then backward) of each track with time constant `seconds`.
    private static func smooth(_ tracks: inout [[Float]], seconds: Double, frameSeconds: Double) {
        let a = Float(exp(-frameSeconds / seconds))
        for k in tracks.indices {
            var track = tracks[k]
            guard !track.isEmpty else { continue }
            var y = track[0]
            for i in track.indices { y = a * y + (1 - a) * track[i]; track[i] = y }
            y = track[track.count - 1]
            for i in track.indices.reversed() { y = a * y + (1 - a) * track[i]; track[i] = y }
            tracks[k] = track
        }
    }
}
