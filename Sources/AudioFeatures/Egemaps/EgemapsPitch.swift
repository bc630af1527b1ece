import Foundation

/// Pitch candidates by subharmonic summation on 60 ms Gaussian frames, as openSMILE's `cSpecScale` →
/// `cPitchShs` (→ `cPitchBase`) compute them for eGeMAPS v02 `F0semitoneFrom27.5Hz`.
///
/// Per frame, the magnitude spectrum is peak-enhanced (bins farther than two from a local maximum are zeroed),
/// smoothed with `[1 2 1]/4`, resampled by a natural cubic spline onto `P = N/2 + 1` points equally spaced in
/// log₂ frequency from 25 Hz to Nyquist, and weighted by an arctangent auditory sensitivity curve. The
/// subharmonic sum adds the spectrum shifted down by `log₂ h` octaves, `h = 2…15`, with weight `0.85^(h-1)`:
/// ```
/// SS[j] = (1/15) Σ_{h=1}^{15} 0.85^(h-1) S[j + ⌊p log₂ h⌋]      (p = points per octave)
/// ```
/// Its six highest local maxima, refined by a parabola in log frequency, are the candidates; a candidate's
/// voicing is `1 - mean(SS) / peak`. Candidates outside 55–1000 Hz are dropped and the best-scoring one is
/// moved first. Reference: Hermes (1988), "Measurement of pitch by subharmonic summation", JASA 83(1).
struct EgemapsPitchCandidates: Sendable {
    /// Up to `count` candidates of one frame (frequency in Hz, 0 when absent) with their voicing probabilities.
    struct Frame: Sendable, Equatable {
        var frequencies: [Float]
        var voicings: [Float]
    }

    static let count = 6
    private static let harmonics = 15
    private static let compression: Float = 0.85
    private static let minPitch: Float = 55
    private static let maxPitch: Float = 1000

    private let binCount: Int
    private let sourceLog: [Double]
    private let targetLog: [Double]
    private let auditoryWeight: [Double]
    private let grid: NaturalCubicSpline.Grid
    private let knots: NaturalCubicSpline.Knots
    private let firstLog: Float
    private let stepLog: Float
    /// `⌊p log₂ h⌋` for `h = 2 … 15`: where harmonic `h` lands, in points of the log-frequency axis.
    private let shifts: [Int]

    init(sampleRate: Int, fftSize: Int) {
        binCount = fftSize / 2 + 1
        let deltaF = Double(sampleRate) / Double(fftSize)
        let minF = 25.0
        let maxF = deltaF * Double(binCount - 1)
        var source = [Double](repeating: 0, count: binCount)
        for i in 1..<binCount { source[i] = log2(Double(i) * deltaF) }
        source[0] = 2 * source[1] - source[2]
        sourceLog = source
        let fminT = log2(minF), fmaxT = log2(maxF)
        let step = (fmaxT - fminT) / Double(binCount - 1)
        targetLog = (0..<binCount).map { fminT + Double($0) * step }
        grid = NaturalCubicSpline.Grid(x: sourceLog, at: targetLog)
        knots = NaturalCubicSpline.Knots(sourceLog)
        let octaves = log(maxF / minF) / log(2.0)
        let perOctave = Double(binCount) / octaves
        let atanS = perOctave * log2(65.0 / 50.0) - 1
        auditoryWeight = (0..<binCount).map { 0.5 + atan(3 * (Double($0) + 1 - atanS) / perOctave) / Double.pi }
        // cPitchShs reads these through single-precision level metadata.
        firstLog = Float(fminT)
        stepLog = (Float(fmaxT) - Float(fminT)) / Float(binCount - 1)
        let points = Double(Float(perOctave))
        shifts = (2...Self.harmonics).map { Int((points * log2(Double($0))).rounded(.down)) }
    }

    func callAsFunction(magnitude: [Float]) -> Frame {
        let spectrum = octaveSpectrum(magnitude)
        return candidates(spectrum)
    }

    /// Candidates of every frame; the frames' splines are solved two at a time (`NaturalCubicSpline.pair`),
    /// with results identical to one frame at a time.
    func callAsFunction(magnitudes: [[Float]]) -> [Frame] {
        var frames: [Frame] = []
        frames.reserveCapacity(magnitudes.count)
        var t = 0
        while t + 2 <= magnitudes.count {
            let y0 = prepared(magnitudes[t]), y1 = prepared(magnitudes[t + 1])
            let (s0, s1) = NaturalCubicSpline.pair(x: sourceLog, y0, y1, knots: knots)
            frames.append(candidates(weighted(s0.evaluate(grid))))
            frames.append(candidates(weighted(s1.evaluate(grid))))
            t += 2
        }
        if t < magnitudes.count { frames.append(self(magnitude: magnitudes[t])) }
        return frames
    }

    /// The auditory-weighted log-frequency spectrum (`cSpecScale` with spectral enhancement and smoothing).
    func octaveSpectrum(_ magnitude: [Float]) -> [Float] {
        weighted(NaturalCubicSpline(x: sourceLog, y: prepared(magnitude), knots: knots).evaluate(grid))
    }

    /// The enhanced and smoothed linear-frequency magnitudes the spline interpolates.
    private func prepared(_ magnitude: [Float]) -> [Double] {
        var y = magnitude.map(Double.init)
        Self.enhance(&y)
        Self.smooth(&y)
        return y
    }

    /// Log-frequency values weighted by the auditory curve, negative ones (spline undershoot) set to 0.
    private func weighted(_ resampled: [Double]) -> [Float] {
        (0..<binCount).map { i in
            let v = Float(resampled[i])
            return v > 0 ? Float(Double(v) * auditoryWeight[i]) : 0
        }
    }

    /// Zeroes bins more than two away from every local maximum (openSMILE `smileDsp_specEnhanceSHS`).
    static func enhance(_ a: inout [Double]) {
        let n = a.count
        guard n >= 2 else { return }
        var peaks = [Int](repeating: 0, count: n)
        a.withUnsafeMutableBufferPointer { a in
            peaks.withUnsafeMutableBufferPointer { peaks in
                // Every index is written and the count advances only at a peak: no branch to mispredict on
                // the ragged spectra of speech.
                var count = 0
                peaks[0] = 0
                count += a[0] > a[1] ? 1 : 0
                for i in 1..<(n - 1) {
                    peaks[count] = i
                    count += (a[i] > a[i - 1] ? 1 : 0) & (a[i] >= a[i + 1] ? 1 : 0)
                }
                peaks[count] = n - 1
                count += a[n - 1] > a[n - 2] ? 1 : 0
                if count == 1 {
                    // openSMILE reads the (zero) second slot of its peak list here, so a lone peak clears all
                    // but bins 0-2.
                    for j in 3..<max(n, 3) { a[j] = 0 }
                } else if count > 1 {
                    for i in 1..<count where peaks[i - 1] + 3 <= peaks[i] - 3 {
                        for j in (peaks[i - 1] + 3)...(peaks[i] - 3) { a[j] = 0 }
                    }
                }
            }
        }
    }

    /// In-place `[1 2 1]/4` smoothing of all but the last bin, zero before the first (`smileDsp_specSmoothSHS`).
    static func smooth(_ a: inout [Double]) {
        var previous = 0.0
        for i in 0..<max(a.count - 1, 0) {
            let current = a[i]
            a[i] = (previous + 2 * current + a[i + 1]) / 4
            previous = current
        }
    }

    private func candidates(_ s: [Float]) -> Frame {
        let n = s.count
        var ss = s
        ss.withUnsafeMutableBufferPointer { ss in
            s.withUnsafeBufferPointer { s in
                var scale = Self.compression
                for shift in shifts {
                    // Pointer offsets instead of `j - shift` indices: no overflow check, so the loop vectorises.
                    if shift < n {
                        let source = s.baseAddress! + shift, target = ss.baseAddress!
                        for j in 0..<(n - shift) { target[j] += source[j] * scale }
                    }
                    scale *= Self.compression
                }
                for j in 0..<n { ss[j] = max(ss[j] / Float(Self.harmonics), 0) }
            }
        }
        var index = [Float](repeating: 0, count: Self.count)
        var score = [Float](repeating: 0, count: Self.count)
        var found = 0
        var mean = Double(ss[0])
        for i in 1..<(n - 1) {
            if ss[i - 1] < ss[i] && ss[i] > ss[i + 1] {
                for j in 0..<Self.count where score[j] == 0 || score[j] < ss[i] {
                    var k = Self.count - 1
                    while k > j { score[k] = score[k - 1]; index[k] = index[k - 1]; k -= 1 }
                    index[j] = Float(i)
                    score[j] = ss[i]
                    found = min(found + 1, Self.count)
                    break
                }
            }
            mean += Double(ss[i])
        }
        mean = (mean + Double(ss[n - 1])) / Double(n)
        var frequency = [Float](repeating: 0, count: Self.count)
        var voicing = [Float](repeating: 0, count: Self.count)
        for c in 0..<found {
            let j = Int(index[c])
            let f1 = index[c] * stepLog + firstLog
            let f2 = (index[c] + 1) * stepLog + firstLog
            let f0 = (index[c] - 1) * stepLog + firstLog
            let (x, peak) = Self.parabolaVertex(Double(f0), Double(ss[j - 1]), Double(f1), Double(ss[j]),
                                                Double(f2), Double(ss[j + 1]))
            frequency[c] = Float(exp(x * log(2.0)))
            score[c] = Float(peak)
            voicing[c] = (peak > 0 && peak > mean) ? Float(1 - mean / peak) : 0
        }
        // cPitchBase: drop out-of-range candidates (shifting the rest up), then move the best score first.
        var i = 0
        while i < Self.count && found > 0 {
            if frequency[i] > Self.maxPitch || frequency[i] < Self.minPitch {
                let original = frequency[i]
                for j in (i + 1)..<Self.count {
                    frequency[j - 1] = frequency[j]; voicing[j - 1] = voicing[j]; score[j - 1] = score[j]
                }
                frequency[Self.count - 1] = 0; voicing[Self.count - 1] = 0; score[Self.count - 1] = 0
                if original > 0 { found -= 1; i -= 1 }
            }
            i += 1
        }
        var best = 0
        for c in 1..<Self.count where score[c] > score[best] { best = c }
        if best > 0 {
            frequency.swapAt(0, best); voicing.swapAt(0, best); score.swapAt(0, best)
        }
        return Frame(frequencies: frequency, voicings: voicing)
    }

    /// Vertex `(x, y)` of the parabola through three points, or the highest point if they are collinear
    /// (openSMILE `smileMath_quadFrom3pts`).
    static func parabolaVertex(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                               _ x3: Double, _ y3: Double) -> (Double, Double) {
        let den = x1 * x1 * x2 + x2 * x2 * x3 + x3 * x3 * x1 - x3 * x3 * x2 - x2 * x2 * x1 - x1 * x1 * x3
        if den != 0 {
            let a = (y1 * x2 + y2 * x3 + y3 * x1 - y3 * x2 - y2 * x1 - y1 * x3) / den
            let b = (x1 * x1 * y2 + x2 * x2 * y3 + x3 * x3 * y1 - x3 * x3 * y2 - x2 * x2 * y1 - x1 * x1 * y3) / den
            let c = (x1 * x1 * x2 * y3 + x2 * x2 * x3 * y1 + x3 * x3 * x1 * y2 - x3 * x3 * x2 * y1
                     - x2 * x2 * x1 * y3 - x1 * x1 * x3 * y2) / den
            if a != 0 {
                let x = -b / (2 * a)
                return (x, c - a * x * x)
            }
        }
        if y1 > y2 && y1 > y3 { return (x1, y1) }
        if y2 > y1 && y2 > y3 { return (x2, y2) }
        if y3 > y1 && y3 > y2 { return (x3, y3) }
        return (x1, y1)
    }
}
