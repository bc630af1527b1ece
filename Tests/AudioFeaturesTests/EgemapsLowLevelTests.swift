@testable import AudioFeatures
import Foundation
import Testing

/// eGeMAPS v02 frame-level descriptors against openSMILE 2.6 (`Tests/Reference/make_egemaps_reference.py`).
@Suite struct EgemapsLowLevelTests {
    static let clips = EgemapsReference.shared.clips.map(\.name)
    /// openSMILE's LLD table has one row per 60 ms frame (`T₆₀`); the 20 ms contours have a few more.
    static func rows(_ clip: EgemapsReference.Clip) -> Int { clip.lld.count }

    /// Loudness, spectral balance, flux and MFCC 1–4 (`_sma3`), frame by frame.
    ///
    /// Each value sums up to 513 float32 bins (unit roundoff 6e-8), so both implementations may differ by
    /// ~3e-5 of the column's magnitude; the bound is 1e-4 of the largest value in the column.
    @Test(arguments: clips) func energySpectralColumns(name: String) throws {
        let clip = try #require(EgemapsReference.shared.clips.first { $0.name == name })
        let contours = EgemapsEnergySpectral(sampleRate: 16000).contours(try clip.samples())
        #expect(contours.loudness.count >= Self.rows(clip))
        for (c, raw) in contours.columns.enumerated() {
            let ours = EgemapsSmoothing.sma3(raw)
            let reference = clip.column(c)
            let scale = reference.map(abs).max() ?? 0
            var worst = 0.0, at = 0
            for t in 0..<reference.count where abs(Double(ours[t]) - reference[t]) > worst {
                worst = abs(Double(ours[t]) - reference[t]); at = t
            }
            #expect(worst <= 1e-4 * scale + 1e-7,
                    "\(EgemapsReference.shared.lldNames[c]) frame \(at): ours \(ours[at]), openSMILE \(reference[at]), max |Δ| \(worst)")
        }
    }

    /// `F0semitoneFrom27.5Hz_sma3nz`: voicing decisions agree on ≥ 97 % of frames, and where both call a frame
    /// voiced, ≥ 97 % of frames are within 1 % in Hz (0.172 semitones).
    @Test(arguments: clips) func pitch(name: String) throws {
        let clip = try #require(EgemapsReference.shared.clips.first { $0.name == name })
        let (semitones, _) = EgemapsVoicing(sampleRate: 16000).semitones(try clip.samples())
        let ours = EgemapsSmoothing.sma3NonZero(semitones)
        let reference = clip.column(10)
        #expect(ours.count == reference.count)
        var agree = 0, both = 0, close = 0
        for t in 0..<min(ours.count, reference.count) {
            if (ours[t] > 0) == (reference[t] > 0) { agree += 1 }
            if ours[t] > 0 && reference[t] > 0 {
                both += 1
                if abs(Double(ours[t]) - reference[t]) <= 12 * log2(1.01) { close += 1 }
            }
        }
        #expect(Double(agree) >= 0.97 * Double(reference.count), "voicing agrees on \(agree)/\(reference.count) frames")
        #expect(Double(close) >= 0.97 * Double(both), "F0 within 1 % on \(close)/\(both) voiced frames")
    }

    /// Jitter, shimmer, HNR, harmonic differences, formants and their amplitudes (`_sma3nz`).
    ///
    /// openSMILE's last rows of these columns are smoothed against frames it never finished, so the last three rows
    /// are left out. Harmonic and voice-quality columns must agree within 1 % (+0.01) on ≥ 97 % of the rows;
    /// formant frequencies and bandwidths, roots of a single-precision order-11 LPC polynomial, on ≥ 85 %.
    /// Pure tones and hard clipping (no harmonics, an ill-conditioned LPC) are not compared.
    @Test(arguments: clips.filter { !["sine220", "sine1500_quiet", "clipped_glottal130"].contains($0) })
    func voiceColumns(name: String) throws {
        let clip = try #require(EgemapsReference.shared.clips.first { $0.name == name })
        let analysis = EgemapsAnalysis(sampleRate: 16000)
        let table = analysis.lowLevel(analysis.contours(try clip.samples()))
        #expect(table.count == clip.lld.count)
        let rows = max(clip.lld.count - 3, 0)
        for c in 11..<25 {
            var close = 0
            for t in 0..<rows where abs(Double(table[t][c]) - clip.lld[t][c]) <= 0.01 * abs(clip.lld[t][c]) + 0.01 {
                close += 1
            }
            let formant = [16, 17, 19, 20, 22, 23].contains(c)
            #expect(Double(close) >= (formant ? 0.85 : 0.97) * Double(rows),
                    "\(EgemapsReference.shared.lldNames[c]): \(close)/\(rows) rows agree")
        }
    }

    /// Jitter orders glottal pulse trains by their period perturbation (steady < 1 % < 3 %); the vocal-tract
    /// filter and the 0.5 correlation gate keep the measured values below the nominal ones.
    @Test func jitterOfKnownSignals() throws {
        func meanJitter(_ name: String) throws -> Float {
            let clip = try #require(EgemapsReference.shared.clips.first { $0.name == name })
            let analysis = EgemapsAnalysis(sampleRate: 16000)
            let j = analysis.contours(try clip.samples()).jitter.filter { $0 > 0 }
            return j.reduce(0, +) / Float(max(j.count, 1))
        }
        let steady = try meanJitter("glottal200_steady"), one = try meanJitter("glottal120_jitter1")
        let three = try meanJitter("glottal150_jitter3_shimmer")
        #expect(steady < 0.003 && one > 0.004 && one < 0.02 && three > 1.5 * one && three < 0.05, "\(steady) \(one) \(three)")
    }

    /// Known answers: a steady 200 Hz glottal pulse train is voiced throughout at 200 Hz; silence is unvoiced.
    @Test func pitchOfKnownSignals() throws {
        let shared = EgemapsReference.shared.clips
        let steady = try #require(shared.first { $0.name == "glottal200_steady" })
        let (st, _) = EgemapsVoicing(sampleRate: 16000).semitones(try steady.samples())
        let voiced = st.filter { $0 > 0 }
        #expect(voiced.count >= st.count - 6, "only the leading and trailing silence may be unvoiced")
        let expected = Float(12 * log2(200 / 27.5))
        #expect(voiced.allSatisfy { abs($0 - expected) < 0.172 }, "F0 of a 200 Hz train: \(voiced.min() ?? 0)…\(voiced.max() ?? 0) semitones")
        let silence = try #require(shared.first { $0.name == "silence" })
        #expect(EgemapsVoicing(sampleRate: 16000).semitones(try silence.samples()).semitones.allSatisfy { $0 == 0 })
    }

    /// `sma3` pads with the edge frame; `sma3nz` averages non-zero neighbours and keeps zeros.
    @Test func smoothing() {
        #expect(EgemapsSmoothing.sma3([3, 6, 9]) == [4, 6, 8])
        #expect(EgemapsSmoothing.sma3NonZero([0, 2, 4, 0, 6]) == [0, 3, 3, 0, 6])
    }

    /// Frame geometry: whole 20 ms frames every 10 ms, FFT padded to a power of two.
    @Test func framing() {
        let f = EgemapsFraming(sampleRate: 16000, frameSeconds: 0.020, shape: .hamming)
        #expect(f.frameLength == 320 && f.hopLength == 160 && f.fftSize == 512)
        #expect(f.frameCount(sampleCount: 16000) == 99 && f.frameCount(sampleCount: 319) == 0)
        let g = EgemapsFraming(sampleRate: 48000, frameSeconds: 0.060, shape: .gaussian(sigma: 0.4))
        #expect(g.frameLength == 2880 && g.fftSize == 4096)
        #expect(abs(g.window[1439] - 1) < 1e-3 && g.window[0] < 0.05)
    }
}
