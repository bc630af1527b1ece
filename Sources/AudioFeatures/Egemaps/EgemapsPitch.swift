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

/// A natural cubic spline through `(x[i], y[i])` with increasing `x` (Numerical Recipes `spline`/`splint`).
struct NaturalCubicSpline {
    private let x: [Double]
    private let y: [Double]
    private let second: [Double]

    init(x: [Double], y: [Double]) {
        self.init(x: x, y: y, knots: Knots(x))
    }

    /// The knot-only terms of the tridiagonal system, shared by every spline over the same `x` (openSMILE caches
    /// them too: `smileMath_cspline_init`). The elimination's pivots depend on the knots alone, so they are
    /// computed here once; only the right-hand side is eliminated per spline.
    struct Knots: Sendable {
        let sigma: [Double]
        let right: [Double]
        let left: [Double]
        /// Reciprocal pivots `1 / (σ_i y2_{i−1} + 2)` of the forward elimination.
        let pivot: [Double]
        /// The forward-eliminated super-diagonal, `(σ_i − 1) · pivot_i` (0 at both ends).
        let upper: [Double]

        init(_ x: [Double]) {
            let n = x.count
            var sigma = [Double](repeating: 0, count: n), right = sigma, left = sigma, pivot = sigma, upper = sigma
            for i in 1..<max(n - 1, 1) {
                sigma[i] = (x[i] - x[i - 1]) / (x[i + 1] - x[i - 1])
                right[i] = (x[i + 1] - x[i]) * (x[i + 1] - x[i - 1])
                left[i] = (x[i] - x[i - 1]) * (x[i + 1] - x[i - 1])
                pivot[i] = 1 / (sigma[i] * upper[i - 1] + 2)
                upper[i] = (sigma[i] - 1) * pivot[i]
            }
            self.sigma = sigma; self.right = right; self.left = left; self.pivot = pivot; self.upper = upper
        }
    }

    init(x: [Double], y: [Double], knots: Knots) {
        precondition(x.count == y.count && x.count >= 3, "NaturalCubicSpline expects >= 3 matching points, got \(x.count), \(y.count)")
        self.x = x
        self.y = y
        let n = x.count
        var y2 = [Double](repeating: 0, count: n)
        y.withUnsafeBufferPointer { y in
            knots.sigma.withUnsafeBufferPointer { sigma in
                knots.pivot.withUnsafeBufferPointer { pivot in
                    knots.upper.withUnsafeBufferPointer { upper in
                        knots.right.withUnsafeBufferPointer { right in
                            knots.left.withUnsafeBufferPointer { left in
                                y2.withUnsafeMutableBufferPointer { y2 in
                                    // y2 holds the slopes' second differences first (independent per knot, so
                                    // vectorised), then the eliminated right-hand side u, then the solution.
                                    for i in 1..<(n - 1) {
                                        y2[i] = 6 * ((y[i + 1] - y[i]) / right[i] - (y[i] - y[i - 1]) / left[i])
                                    }
                                    var u = 0.0
                                    for i in 1..<(n - 1) {
                                        u = pivot[i] * (y2[i] - sigma[i] * u)
                                        y2[i] = u
                                    }
                                    y2[0] = 0
                                    y2[n - 1] = 0
                                    for j in stride(from: n - 2, through: 0, by: -1) { y2[j] = upper[j] * y2[j + 1] + y2[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
        second = y2
    }

    private init(x: [Double], y: [Double], second: [Double]) {
        self.x = x; self.y = y; self.second = second
    }

    /// Two splines over the same knots, eliminated side by side in the two lanes of a vector: lane by lane the
    /// operations of `init(x:y:knots:)`, so each spline is identical to one built alone, while the two
    /// recurrences (each bound by the latency of its previous step) overlap.
    static func pair(x: [Double], _ y0: [Double], _ y1: [Double], knots: Knots) -> (NaturalCubicSpline, NaturalCubicSpline) {
        let n = x.count
        precondition(y0.count == n && y1.count == n && n >= 3, "NaturalCubicSpline.pair expects >= 3 points each, got \(n), \(y0.count), \(y1.count)")
        var y2 = [SIMD2<Double>](repeating: .zero, count: n)
        let (sigma, pivot, upper, right, left) = (knots.sigma, knots.pivot, knots.upper, knots.right, knots.left)
        y2.withUnsafeMutableBufferPointer { y2 in
            y0.withUnsafeBufferPointer { y0 in
                y1.withUnsafeBufferPointer { y1 in
                    for i in 1..<(n - 1) {
                        let next = SIMD2(y0[i + 1], y1[i + 1]), here = SIMD2(y0[i], y1[i]), previous = SIMD2(y0[i - 1], y1[i - 1])
                        y2[i] = 6 * ((next - here) / right[i] - (here - previous) / left[i])
                    }
                }
            }
            pivot.withUnsafeBufferPointer { pivot in
                sigma.withUnsafeBufferPointer { sigma in
                    var u = SIMD2<Double>.zero
                    for i in 1..<(n - 1) {
                        u = pivot[i] * (y2[i] - sigma[i] * u)
                        y2[i] = u
                    }
                }
            }
            y2[0] = .zero
            y2[n - 1] = .zero
            upper.withUnsafeBufferPointer { upper in
                for j in stride(from: n - 2, through: 0, by: -1) { y2[j] = upper[j] * y2[j + 1] + y2[j] }
            }
        }
        return (NaturalCubicSpline(x: x, y: y0, second: y2.map { $0[0] }),
                NaturalCubicSpline(x: x, y: y1, second: y2.map { $0[1] }))
    }

    /// Evaluation points located once (by bisection) among the knots, for splines that share their `x`.
    struct Grid: Sendable {
        let low: [Int]
        let a: [Double]
        let b: [Double]
        let h: [Double]
        /// `a³ − a` and `b³ − b`, the weights of the second derivatives.
        let a3: [Double]
        let b3: [Double]

        init(x: [Double], at points: [Double]) {
            var low: [Int] = [], a: [Double] = [], b: [Double] = [], h: [Double] = []
            for t in points {
                var lo = 0, hi = x.count - 1
                while hi - lo > 1 {
                    let mid = (hi + lo) / 2
                    if x[mid] > t { hi = mid } else { lo = mid }
                }
                let width = x[hi] - x[lo]
                low.append(lo); h.append(width)
                a.append((x[hi] - t) / width); b.append((t - x[lo]) / width)
            }
            self.low = low; self.a = a; self.b = b; self.h = h
            a3 = a.map { $0 * $0 * $0 - $0 }
            b3 = b.map { $0 * $0 * $0 - $0 }
        }
    }

    /// Spline values at the points of `grid` (built from this spline's `x`).
    func evaluate(_ grid: Grid) -> [Double] {
        let count = grid.low.count
        return [Double](unsafeUninitializedCapacity: count) { out, initialized in
            y.withUnsafeBufferPointer { y in
                second.withUnsafeBufferPointer { second in
                    for i in 0..<count {
                        let lo = grid.low[i], a = grid.a[i], b = grid.b[i], h = grid.h[i]
                        out[i] = a * y[lo] + b * y[lo + 1] + (grid.a3[i] * second[lo] + grid.b3[i] * second[lo + 1]) * h * h / 6
                    }
                }
            }
            initialized = count
        }
    }

    /// Spline values at `points` (each located by bisection).
    func evaluate(at points: [Double]) -> [Double] { evaluate(Grid(x: x, at: points)) }
}
