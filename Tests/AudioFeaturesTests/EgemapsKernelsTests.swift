@testable import AudioFeatures
import Foundation
import Testing

/// The numerical kernels behind eGeMAPS pitch and formants, each against a direct or naive reference.
@Suite struct EgemapsKernelsTests {
    /// A reproducible uniform sequence in [-1, 1) (SplitMix64), so failures can be replayed.
    static func noise(_ count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 52) - 1
        }
    }

    /// The formants' 11 kHz resampling (outputs accumulated side by side) equals the per-output loop in
    /// openSMILE's order bit for bit, and the direct inverse DFT in double precision within float rounding:
    /// ~110 terms summed in single precision with float cosines, at most 2 · 110 · 6e-8 · Σ|X| / (N/2).
    @Test func resamplingMatchesTheDirectInverseDFT() {
        let framing = EgemapsFraming(sampleRate: 16000, frameSeconds: 0.020, shape: .hamming)
        let formants = EgemapsFormants(framing: framing, sampleRate: 16000)
        let n = framing.fftSize, l = framing.frameLength
        let outputs = Int((Double(l) * 11000 / 16000).rounded())
        let nd = Double(n) * Double(outputs) / Double(l)
        let half = min(n, outputs) / 2
        let bins = Self.noise(n + 2, seed: 7).map { Float($0 * 50) }
        let spectrum = UnsafeMutablePointer<Float>.allocate(capacity: n + 2)
        defer { spectrum.deallocate() }
        for i in 0..<(n + 2) { spectrum[i] = bins[i] }
        var ours = [Float](repeating: 0, count: outputs)
        formants.resample(spectrum, into: &ours)
        let total = bins.map { Double(abs($0)) }.reduce(0, +)
        var worst = 0.0
        for i in 0..<outputs {
            var sequential = bins[0], exact = Double(bins[0])
            for k in 1..<half {
                let w = 2 * Double.pi * Double(k * i) / nd
                sequential += bins[2 * k] * Float(cos(w)) - bins[2 * k + 1] * Float(sin(w))
                exact += Double(bins[2 * k]) * cos(w) - Double(bins[2 * k + 1]) * sin(w)
            }
            #expect(ours[i] == sequential / Float(n / 2), "output \(i): ours \(ours[i]), per-output loop \(sequential / Float(n / 2))")
            worst = max(worst, abs(exact / Double(n / 2) - Double(ours[i])))
        }
        #expect(worst <= 2 * 110 * 6e-8 * total / Double(n / 2), "max |Δ| against double precision \(worst)")
    }

    /// LPC with the lags' autocorrelations accumulated side by side equals the lag-by-lag loop bit for bit, and
    /// solves the Yule–Walker equations `Σ_j a_j r[|i−j|] = −r[i]`, `i = 1…p`, for the autocorrelation `r` of
    /// the frame (in double precision here). Sums of 220 float products (unit roundoff 6e-8) and the recursion
    /// leave residuals of order 220 · 6e-8 · r[0] · (1 + Σ|a_j|); the bound is 1e-4 · r[0] · (1 + Σ|a_j|).
    @Test func lpcSolvesTheYuleWalkerEquations() {
        let p = 11
        let x = Self.noise(220, seed: 3).map(Float.init)
        let a = EgemapsFormants.lpc(x, order: p)
        var lagByLag = [Float](repeating: 0, count: p + 1)
        for lag in 0...p { for i in lag..<x.count { lagByLag[lag] += x[i] * x[i - lag] } }
        let acf = EgemapsFormants.autocorrelation(x, maxLag: p)
        #expect(acf == lagByLag)
        let r = (0...p).map { lag in (lag..<x.count).reduce(0.0) { $0 + Double(x[$1]) * Double(x[$1 - lag]) } }
        let size = 1 + a.map { Double(abs($0)) }.reduce(0, +)
        for i in 1...p {
            let residual = (1...p).reduce(r[i]) { $0 + Double(a[$1 - 1]) * r[abs(i - $1)] }
            #expect(abs(residual) <= 1e-4 * r[0] * size, "equation \(i): residual \(residual), r[0] \(r[0])")
        }
    }

    /// The spline with knot-only elimination terms cached equals the textbook one that eliminates the whole
    /// system per spline (Numerical Recipes `spline`), bit for bit: the same operations in the same order.
    @Test func splineMatchesTheTextbookElimination() {
        let x = (0..<40).map { log2(Double($0 + 1) * 31.25) }
        let y = Self.noise(40, seed: 11).map { max($0, 0) }
        let points = (0..<57).map { x[0] + (x[39] - x[0]) * Double($0) / 56 }
        let ours = NaturalCubicSpline(x: x, y: y).evaluate(at: points)
        // Reference: full elimination per spline, then the cubic in its usual form.
        let n = x.count
        var y2 = [Double](repeating: 0, count: n), u = y2
        for i in 1..<(n - 1) {
            let sigma = (x[i] - x[i - 1]) / (x[i + 1] - x[i - 1])
            let p = 1 / (sigma * y2[i - 1] + 2)
            y2[i] = (sigma - 1) * p
            let slope = (y[i + 1] - y[i]) / ((x[i + 1] - x[i]) * (x[i + 1] - x[i - 1]))
                - (y[i] - y[i - 1]) / ((x[i] - x[i - 1]) * (x[i + 1] - x[i - 1]))
            u[i] = p * (6 * slope - sigma * u[i - 1])
        }
        for j in stride(from: n - 2, through: 0, by: -1) { y2[j] = y2[j] * y2[j + 1] + u[j] }
        for (t, value) in zip(points, ours) {
            var lo = 0, hi = n - 1
            while hi - lo > 1 { let mid = (lo + hi) / 2; if x[mid] > t { hi = mid } else { lo = mid } }
            let h = x[hi] - x[lo], a = (x[hi] - t) / h, b = (t - x[lo]) / h
            let expected = a * y[lo] + b * y[hi] + ((a * a * a - a) * y2[lo] + (b * b * b - b) * y2[hi]) * h * h / 6
            #expect(value == expected, "at \(t): ours \(value), textbook \(expected)")
        }
    }

    /// Two splines eliminated side by side equal the same splines built one at a time, bit for bit, and so do
    /// pitch candidates computed over a clip's frames in pairs (odd count: the last frame alone).
    @Test func pairedSplinesAndCandidatesMatchSingleOnes() {
        let x = (0..<40).map { log2(Double($0 + 1) * 31.25) }
        let y0 = Self.noise(40, seed: 21).map { max($0, 0) }, y1 = Self.noise(40, seed: 22).map { $0 * $0 }
        let knots = NaturalCubicSpline.Knots(x)
        let points = (0..<57).map { x[0] + (x[39] - x[0]) * Double($0) / 56 }
        let (s0, s1) = NaturalCubicSpline.pair(x: x, y0, y1, knots: knots)
        #expect(s0.evaluate(at: points) == NaturalCubicSpline(x: x, y: y0, knots: knots).evaluate(at: points))
        #expect(s1.evaluate(at: points) == NaturalCubicSpline(x: x, y: y1, knots: knots).evaluate(at: points))

        let candidates = EgemapsPitchCandidates(sampleRate: 16000, fftSize: 1024)
        let spectra = (0..<5).map { t in Self.noise(513, seed: UInt64(30 + t)).map { Float(abs($0)) } }
        #expect(candidates(magnitudes: spectra) == spectra.map { candidates(magnitude: $0) })
    }

    /// Peak enhancement clears the gaps between local maxima as openSMILE's does when it first lists every peak
    /// and then clears (written out here that way), including the lone-peak case.
    @Test(arguments: [1, 2, 3, 4, 5]) func enhancementMatchesTheTwoPassForm(seed: Int) {
        var a = Self.noise(97, seed: UInt64(seed)).map { $0 * $0 }
        if seed == 5 { a = (0..<97).map { Double($0) } }  // monotone: the last bin is the only peak
        var expected = a
        let n = a.count
        var peaks: [Int] = []
        if a[0] > a[1] { peaks.append(0) }
        for i in 1..<(n - 1) where a[i] > a[i - 1] && a[i] >= a[i + 1] { peaks.append(i) }
        if a[n - 1] > a[n - 2] { peaks.append(n - 1) }
        if peaks.count == 1 {
            for j in 3..<n { expected[j] = 0 }
        } else {
            for i in 1..<peaks.count where peaks[i - 1] + 3 <= peaks[i] - 3 {
                for j in (peaks[i - 1] + 3)...(peaks[i] - 3) { expected[j] = 0 }
            }
        }
        EgemapsPitchCandidates.enhance(&a)
        #expect(a == expected)
    }

    /// The roots of an order-11 polynomial built from known roots (five complex pairs inside and outside the unit
    /// circle, one real root) are found from the circle, from nearby starting points, and from starting points on
    /// the real axis, where the iteration cannot leave the axis and the search falls back to the circle. Double
    /// precision on well-separated simple roots: within 1e-9.
    @Test func polynomialRootsFromEveryStart() {
        let pairs = [Complex(0.9 * cos(0.2), 0.9 * sin(0.2)), Complex(0.8 * cos(0.9), 0.8 * sin(0.9)),
                     Complex(1.2 * cos(1.6), 1.2 * sin(1.6)), Complex(0.7 * cos(2.3), 0.7 * sin(2.3)),
                     Complex(0.95 * cos(2.9), 0.95 * sin(2.9))]
        let known = pairs + pairs.map(\.conjugate) + [Complex(-0.4, 0)]
        // Ascending coefficients of Π (x − r), real up to rounding.
        var c = [Complex(1, 0)]
        for r in known {
            var next = [Complex](repeating: Complex(0, 0), count: c.count + 1)
            for (k, ck) in c.enumerated() {
                next[k + 1] = next[k + 1] + ck
                next[k] = next[k] - ck * r
            }
            c = next
        }
        let coefficients = c.map(\.re)
        func matches(_ found: [Complex]) -> Bool {
            found.count == known.count && known.allSatisfy { r in found.contains { ($0 - r).magnitude < 1e-9 } }
        }
        let turn = Complex(cos(0.05), sin(0.05))
        #expect(matches(PolynomialRoots.roots(ascending: coefficients)))
        #expect(matches(PolynomialRoots.roots(ascending: coefficients, start: known.map { $0 * turn })))
        #expect(matches(PolynomialRoots.roots(ascending: coefficients, start: (0..<11).map { Complex(Double($0) / 10 - 0.5, 0) })))
    }
}
