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

    /// Smoothed F0 in Hz per frame (0 = unvoiced), before the energy gate, with the number of frames the
    /// Viterbi search had decided before the end of input (`EgemapsPitchSmoother.smooth`).
    func frequencies(_ samples: [Float]) -> (f0: [Float], decided: Int) {
        let frames = framing.magnitudes(samples, frames: frameCount(sampleCount: samples.count))
        return EgemapsPitchSmoother.smooth(frames.map { candidates(magnitude: $0) })
    }

    /// `F0semitoneFrom27.5Hz` per frame before smoothing (0 = unvoiced), with the decided-frame count.
    func semitones(_ samples: [Float]) -> (semitones: [Float], decided: Int) {
        let (f0, decided) = frequencies(samples)
        let st = f0.indices.map { t -> Float in
            var sum = 0.0
            let frame = framing.frame(samples, t)
            for (i, x) in frame.enumerated() { let w = Double(x) * Double(framing.window[i]); sum += w * w }
            let rms = Float((sum / Double(framing.frameLength)).squareRoot())
            return rms > Self.energyGate ? EgemapsPitchSmoother.semitones(f0[t]) : 0
        }
        return (st, decided)
    }
}
