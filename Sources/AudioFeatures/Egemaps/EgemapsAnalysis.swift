import Foundation

/// eGeMAPS v02 contours of one clip, computed as openSMILE 2.6's `eGeMAPSv02.conf` does.
///
/// The 20 ms Hamming contours (`EgemapsEnergySpectral`, formants) have `T₂₀ = 1 + (n − L₂₀) / hop` frames; the
/// 60 ms pitch-synchronous ones (F0, jitter, shimmer, harmonics) have `T₆₀ = 2 + (n − L₆₀) / hop` (openSMILE
/// adds one zero-padded frame at the end), which is also the number of rows of the LLD table. Frame `t` of
/// every contour starts at sample `t · hop`, so they align by index.
struct EgemapsAnalysis: Sendable {
    let sampleRate: Int
    private let energySpectral: EgemapsEnergySpectral
    private let voicing: EgemapsVoicing
    private let formants: EgemapsFormants
    private let harmonics: EgemapsHarmonics
    private let jitterShimmer: EgemapsJitterShimmer

    init(sampleRate: Int) {
        self.sampleRate = sampleRate
        energySpectral = EgemapsEnergySpectral(sampleRate: sampleRate)
        voicing = EgemapsVoicing(sampleRate: sampleRate)
        formants = EgemapsFormants(framing: energySpectral.framing, sampleRate: sampleRate)
        harmonics = EgemapsHarmonics(sampleRate: sampleRate, fftSize: voicing.framing.fftSize)
        jitterShimmer = EgemapsJitterShimmer(sampleRate: sampleRate, hopLength: voicing.framing.hopLength,
                                             frameLength: voicing.framing.frameLength)
    }

    /// Raw (unsmoothed) contours of a clip.
    struct Contours: Sendable {
        var energySpectral: EgemapsEnergySpectral.Contours
        /// `F0semitoneFrom27.5Hz` before smoothing, 0 where unvoiced (`T₆₀` frames).
        var f0Semitones: [Float]
        /// Leading F0 frames decided before the last frame arrived (see `EgemapsPitchSmoother`).
        var f0Decided: Int
        var jitter: [Float]
        var shimmerDB: [Float]
        var harmonics: [EgemapsHarmonics.Frame]
        /// Formants per 20 ms frame.
        var formants: [EgemapsFormants.Frame]

        /// Rows of the LLD table, `T₆₀`.
        var rowCount: Int { f0Semitones.count }

        /// The 15 pitch-synchronous descriptors before smoothing, in LLD order (`F0semitoneFrom27.5Hz` …
        /// `F3amplitudeLogRelF0`), over `rowCount` frames.
        var voiceColumns: [[Float]] {
            let n = rowCount
            func formant(_ i: Int, _ bandwidth: Bool) -> [Float] {
                (0..<n).map { t in
                    guard t < formants.count else { return 0 }
                    return Float(bandwidth ? formants[t].bandwidths[i] : formants[t].frequencies[i])
                }
            }
            let amplitude = { (i: Int) in harmonics.map { $0.formantAmplitudes[i] } }
            return [f0Semitones, jitter, shimmerDB, harmonics.map(\.hnr), harmonics.map(\.h1h2), harmonics.map(\.h1a3),
                    formant(0, false), formant(0, true), amplitude(0), formant(1, false), formant(1, true), amplitude(1),
                    formant(2, false), formant(2, true), amplitude(2)]
        }
    }

    func contours(_ samples: [Float]) -> Contours {
        let es = energySpectral.contours(samples)
        let pitch = voicing.analyse(samples)
        let lpc = formants(samples)
        let harmonicFrames = harmonics.frames(spectra: pitch.spectra, f0: pitch.f0, formants: lpc.map(\.frequencies))
        let js = jitterShimmer(samples, f0: pitch.f0)
        return Contours(energySpectral: es, f0Semitones: pitch.semitones, f0Decided: pitch.decided,
                        jitter: js.map(\.jitter), shimmerDB: js.map(\.shimmerDB), harmonics: harmonicFrames,
                        formants: lpc)
    }

    /// The 25 smoothed descriptors, `[T₆₀][25]`, in `EgemapsNames.lowLevel` order.
    func lowLevel(_ c: Contours) -> [[Float]] {
        let n = c.rowCount
        let energy = c.energySpectral.columns.map { Array(EgemapsSmoothing.sma3($0).prefix(n)) }
        let voice = c.voiceColumns.map(EgemapsSmoothing.sma3NonZero)
        let columns = energy + voice
        return (0..<n).map { t in columns.map { t < $0.count ? $0[t] : 0 } }
    }

    /// The 88 functionals in `EgemapsNames.functionals` order.
    func functionals(_ c: Contours) -> [Float] {
        let byName = namedFunctionals(c)
        return EgemapsNames.functionals.map { byName[$0] ?? 0 }
    }

    /// The 88 functionals by openSMILE column name.
    func namedFunctionals(_ c: Contours) -> [String: Float] {
        typealias F = EgemapsFunctionals
        var out: [String: Float] = [:]
        let es = c.energySpectral
        // openSMILE's functionals run before the pitch smoother's end-of-input flush: they see only the frames
        // its Viterbi search had decided by then, each smoothed with its real successor.
        let seen = min(c.f0Decided, c.rowCount)
        let shared = min(seen + 1, c.rowCount, es.loudness.count)
        let voiced = (0..<shared).map { c.f0Semitones[$0] > 0.000001 }
        func seenContour(_ x: [Float]) -> [Float] {
            Array(EgemapsSmoothing.sma3NonZero(Array(x.prefix(shared))).prefix(seen))
        }
        func addMoments(_ name: String, _ x: [Float]) {
            let (mu, cv) = F.meanAndNormalisedDeviation(F.nonZero(x))
            out[name + "_amean"] = mu
            out[name + "_stddevNorm"] = cv
        }
        func addStatistics(_ name: String, _ x: [Float]) {
            let (mu, cv) = F.meanAndNormalisedDeviation(x)
            let p = F.percentiles(x)
            let s = F.slopes(x)
            let suffixes = ["amean", "stddevNorm", "percentile20.0", "percentile50.0", "percentile80.0",
                            "pctlrange0-2", "meanRisingSlope", "stddevRisingSlope", "meanFallingSlope",
                            "stddevFallingSlope"]
            for (suffix, v) in zip(suffixes, [mu, cv] + p + s) { out[name + "_" + suffix] = v }
        }
        let f0 = seenContour(c.f0Semitones)
        addStatistics("F0semitoneFrom27.5Hz_sma3nz", F.nonZero(f0))
        let loudness = EgemapsSmoothing.sma3(es.loudness)
        addStatistics("loudness_sma3", loudness)
        let cepstral = [("spectralFlux", es.spectralFlux)] + (0..<4).map { ("mfcc\($0 + 1)", es.mfcc[$0]) }
        for (name, x) in cepstral {
            let (mu, cv) = F.meanAndNormalisedDeviation(EgemapsSmoothing.sma3(x))
            out[name + "_sma3_amean"] = mu
            out[name + "_sma3_stddevNorm"] = cv
        }
        // Voice quality and formants: formant frequencies and bandwidths only where F0 is non-zero.
        let voiceNames = ["jitterLocal", "shimmerLocaldB", "HNRdBACF", "logRelF0-H1-H2", "logRelF0-H1-A3",
                          "F1frequency", "F1bandwidth", "F1amplitudeLogRelF0", "F2frequency", "F2bandwidth",
                          "F2amplitudeLogRelF0", "F3frequency", "F3bandwidth", "F3amplitudeLogRelF0"]
        let gated: Set<String> = ["F1frequency", "F1bandwidth", "F2frequency", "F2bandwidth", "F3frequency", "F3bandwidth"]
        for (name, column) in zip(voiceNames, c.voiceColumns.dropFirst()) {
            let x = gated.contains(name) ? (0..<shared).map { voiced[$0] ? column[$0] : 0 } : column
            addMoments(name + "_sma3nz", seenContour(x))
        }
        let spectral: [(String, [Float])] = [
            ("alphaRatio", es.alphaRatio), ("hammarbergIndex", es.hammarbergIndex), ("slopeV0-500", es.slope0to500),
            ("slopeV500-1500", es.slope500to1500), ("spectralFlux", es.spectralFlux),
        ] + (0..<4).map { ("mfcc\($0 + 1)", es.mfcc[$0]) }
        for (name, x) in spectral {
            let voicedName = name.hasPrefix("slopeV") ? name : name + "V"
            addMoments(voicedName + "_sma3nz", seenContour((0..<shared).map { voiced[$0] ? x[$0] : 0 }))
            guard !name.hasPrefix("mfcc") else { continue }
            let unvoicedName = name.hasPrefix("slopeV") ? name.replacingOccurrences(of: "slopeV", with: "slopeUV") : name + "UV"
            let u = seenContour((0..<shared).map { voiced[$0] ? 0 : x[$0] })
            out[unvoicedName + "_sma3nz_amean"] = F.mean(F.nonZero(u))
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
