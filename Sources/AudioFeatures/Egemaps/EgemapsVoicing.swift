import Foundation

/// F0 contour of eGeMAPS v02 (`F0semitoneFrom27.5Hz`, before smoothing): subharmonic-summation candidates on
/// 60 ms Gaussian frames, Viterbi smoothing, semitone conversion, and openSMILE's energy gate (`cValbasedSelector`
/// on the RMS of the windowed 60 ms frame: frames with RMS ≤ 0.001 are unvoiced).
///
/// One value per 10 ms frame; 0 marks an unvoiced frame. Frame `t` starts at sample `t · hop`, as the 20 ms
/// frames of `EgemapsEnergySpectral` do, so the two contours align by index.
struct EgemapsVoicing: Sendable {
    let framing: EgemapsFraming
    private let candidates: EgemapsPitchCandidates
    private static let energyGate: Float = 0.001

    init(sampleRate: Int) {
        framing = EgemapsFraming(sampleRate: sampleRate, frameSeconds: 0.060, shape: .gaussian(sigma: 0.4))
        candidates = EgemapsPitchCandidates(sampleRate: sampleRate, fftSize: framing.fftSize)
    }

    /// Frames analysed: every whole 60 ms frame plus the one reaching past the end (openSMILE emits it
    /// zero-padded); none when the clip is shorter than one frame.
    func frameCount(sampleCount: Int) -> Int {
        let whole = framing.frameCount(sampleCount: sampleCount)
        return whole > 0 ? whole + 1 : 0
    }

    /// The pitch analysis of one clip, one value per 60 ms frame.
    struct Result: Sendable {
        /// F0 in Hz after the energy gate (openSMILE `F0final` of `logPitch`; 0 = unvoiced).
        var f0: [Float]
        /// `F0semitoneFrom27.5Hz` before smoothing (0 = unvoiced).
        var semitones: [Float]
        /// Leading frames the Viterbi search had decided before the last frame arrived.
        var decided: Int
        /// The frames' magnitude spectra (`N/2 + 1` bins each), reused by `EgemapsHarmonics`.
        var spectra: [[Float]]
    }

    func analyse(_ samples: [Float]) -> Result {
        let spectra = framing.magnitudes(samples, frames: frameCount(sampleCount: samples.count))
        let (f0, decided) = EgemapsPitchSmoother.smooth(candidates(magnitudes: spectra))
        var gated = f0
        for t in f0.indices {
            var sum = 0.0
            let frame = framing.frame(samples, t)
            for (i, x) in frame.enumerated() { let w = Double(x) * Double(framing.window[i]); sum += w * w }
            let rms = Float((sum / Double(framing.frameLength)).squareRoot())
            if !(rms > Self.energyGate) { gated[t] = 0 }
        }
        return Result(f0: gated, semitones: gated.map(EgemapsPitchSmoother.semitones), decided: decided, spectra: spectra)
    }

    /// `F0semitoneFrom27.5Hz` per frame before smoothing (0 = unvoiced), with the decided-frame count.
    func semitones(_ samples: [Float]) -> (semitones: [Float], decided: Int) {
        let r = analyse(samples)
        return (r.semitones, r.decided)
    }
}
