import Foundation

/// eGeMAPS v02 contours and functionals of one clip, computed as openSMILE 2.6's `eGeMAPSv02.conf` does.
///
/// The 20 ms Hamming contours (`EgemapsEnergySpectral`) have `T₂₀ = 1 + (n - L₂₀) / hop` frames, the 60 ms pitch
/// contour (`EgemapsVoicing`) `T₆₀ = 2 + (n - L₆₀) / hop`; openSMILE's LLD table has `T₆₀` rows. Voiced and
/// unvoiced variants of the spectral descriptors keep a frame's value only where the (unsmoothed) F0 contour is
/// non-zero, respectively zero, over the frames both contours share.
struct EgemapsAnalysis: Sendable {
    let sampleRate: Int
    private let energySpectral: EgemapsEnergySpectral
    private let voicing: EgemapsVoicing

    init(sampleRate: Int) {
        self.sampleRate = sampleRate
        energySpectral = EgemapsEnergySpectral(sampleRate: sampleRate)
        voicing = EgemapsVoicing(sampleRate: sampleRate)
    }

    /// Raw (unsmoothed) contours of a clip.
    struct Contours: Sendable {
        var energySpectral: EgemapsEnergySpectral.Contours
        /// `F0semitoneFrom27.5Hz` before smoothing, 0 where unvoiced (`T₆₀` frames).
        var f0Semitones: [Float]
        /// Leading F0 frames decided before the end of input (see `EgemapsPitchSmoother`).
        var f0Decided: Int
    }

    func contours(_ samples: [Float]) -> Contours {
        let (f0, decided) = voicing.semitones(samples)
        return Contours(energySpectral: energySpectral.contours(samples), f0Semitones: f0, f0Decided: decided)
    }

    /// Functionals by openSMILE column name, for the descriptors implemented so far.
    func functionals(_ c: Contours) -> [String: Float] {
        typealias F = EgemapsFunctionals
        var out: [String: Float] = [:]
        // openSMILE's functionals run before the pitch smoother's end-of-input flush: they see only the frames
        // its Viterbi search had decided by then.
        let seen = min(c.f0Decided, c.f0Semitones.count)
        let f0 = Array(EgemapsSmoothing.sma3NonZero(c.f0Semitones).prefix(seen))
        let es = c.energySpectral
        func addStatistics(_ name: String, _ x: [Float]) {
            let (mu, cv) = F.meanAndNormalisedDeviation(x)
            let p = F.percentiles(x)
            let s = F.slopes(x)
            out[name + "_amean"] = mu
            out[name + "_stddevNorm"] = cv
            out[name + "_percentile20.0"] = p[0]
            out[name + "_percentile50.0"] = p[1]
            out[name + "_percentile80.0"] = p[2]
            out[name + "_pctlrange0-2"] = p[3]
            out[name + "_meanRisingSlope"] = s[0]
            out[name + "_stddevRisingSlope"] = s[1]
            out[name + "_meanFallingSlope"] = s[2]
            out[name + "_stddevFallingSlope"] = s[3]
        }
        addStatistics("F0semitoneFrom27.5Hz_sma3nz", F.nonZero(f0))
        let loudness = EgemapsSmoothing.sma3(es.loudness)
        addStatistics("loudness_sma3", loudness)
        let cepstral = [("spectralFlux", es.spectralFlux)] + (0..<4).map { ("mfcc\($0 + 1)", es.mfcc[$0]) }
        for (name, x) in cepstral {
            let (mu, cv) = F.meanAndNormalisedDeviation(EgemapsSmoothing.sma3(x))
            out[name + "_sma3_amean"] = mu
            out[name + "_sma3_stddevNorm"] = cv
        }
        let shared = min(seen + 1, c.f0Semitones.count, es.loudness.count)
        let voiced = (0..<shared).map { c.f0Semitones[$0] > 0.000001 }
        let spectral: [(String, [Float])] = [
            ("alphaRatio", es.alphaRatio), ("hammarbergIndex", es.hammarbergIndex),
            ("slope", es.slope0to500), ("slope", es.slope500to1500), ("spectralFlux", es.spectralFlux),
        ]
        let bands = ["", "", "0-500", "500-1500", ""]
        for (k, (name, x)) in spectral.enumerated() {
            let v = EgemapsSmoothing.sma3NonZero((0..<shared).map { voiced[$0] ? x[$0] : 0 }).prefix(seen)
            let u = EgemapsSmoothing.sma3NonZero((0..<shared).map { voiced[$0] ? 0 : x[$0] }).prefix(seen)
            let (mu, cv) = F.meanAndNormalisedDeviation(F.nonZero(Array(v)))
            out["\(name)V\(bands[k])_sma3nz_amean"] = mu
            out["\(name)V\(bands[k])_sma3nz_stddevNorm"] = cv
            out["\(name)UV\(bands[k])_sma3nz_amean"] = F.mean(F.nonZero(Array(u)))
        }
        for i in 0..<4 {
            let v = EgemapsSmoothing.sma3NonZero((0..<shared).map { voiced[$0] ? es.mfcc[i][$0] : 0 }).prefix(seen)
            let (mu, cv) = F.meanAndNormalisedDeviation(F.nonZero(Array(v)))
            out["mfcc\(i + 1)V_sma3nz_amean"] = mu
            out["mfcc\(i + 1)V_sma3nz_stddevNorm"] = cv
        }
        out["loudnessPeaksPerSec"] = F.peaksPerSecond(loudness)
        let voicedRuns = F.segmentStatistics(F.segments(f0) { $0 != 0 }, count: f0.count)
        let pauses = F.segmentStatistics(F.segments(f0) { $0 == 0 }, count: f0.count)
        out["VoicedSegmentsPerSec"] = voicedRuns[0]
        out["MeanVoicedSegmentLengthSec"] = voicedRuns[1]
        out["StddevVoicedSegmentLengthSec"] = voicedRuns[2]
        out["MeanUnvoicedSegmentLength"] = pauses[1]
        out["StddevUnvoicedSegmentLength"] = pauses[2]
        out["equivalentSoundLevel_dBp"] = F.equivalentSoundLevel(es.meanSquare)
        return out
    }
}
