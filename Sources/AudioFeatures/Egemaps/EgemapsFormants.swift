import Foundation

/// Formant frequencies and bandwidths of 20 ms Hamming frames by LPC, as openSMILE's `cSpecResample` →
/// `cLpc` → `cFormantLpc` chain computes them for eGeMAPS v02 (`F1frequency` … `F3bandwidth`).
///
/// The frame's FFT (zero-padded symmetrically to `N`) is resampled to 11 kHz by evaluating its inverse real DFT
/// at `I = round(L · 11000 / sampleRate)` points spaced `N / n_d` samples apart (`n_d = N I / L`), which keeps
/// the padding ahead of the frame in view, as openSMILE does. An order-11 autocorrelation LPC (Levinson–Durbin,
/// `A(z) = 1 + Σ a_j z^-j`) follows. openSMILE then takes the roots of `x¹¹ − Σ a_j x^(11−j)` (note the sign),
/// reflects any outside the unit circle inward, and keeps up to five with `Im ≥ 0` whose frequency lies in
/// 50–5450 Hz, sorted by frequency:
/// ```
/// f = |arg r| / (2π T),   bandwidth = −ln|r| / (π T),   T = 1 / 11000 s
/// ```
struct EgemapsFormants: Sendable {
    /// Formant frequencies and bandwidths of one frame in Hz (5 each, 0 when absent).
    struct Frame: Sendable, Equatable {
        var frequencies: [Double]
        var bandwidths: [Double]
    }

    private static let order = 11
    private static let count = 5
    private static let minF = 50.0, maxF = 5450.0
    private let framing: EgemapsFraming
    private let outputCount: Int
    private let virtualLength: Double
    private let samplePeriod: Double
    private let kMax: Int
    /// `cos` and `sin` of `2π k i / n_d` for bins `k = 1 … kMax/2 − 1` and output samples `i`, row-major by `k`
    /// (so the inner loop runs over contiguous outputs and vectorises).
    private let cosines: [Float]
    private let sines: [Float]

    init(framing: EgemapsFraming, sampleRate: Int) {
        self.framing = framing
        let k = framing.fftSize, l = framing.frameLength
        let out = Int((Double(l) * 11000 / Double(sampleRate)).rounded())
        outputCount = max(out, 1)
        let ratio = Double(outputCount) / Double(l)
        virtualLength = Double(k) * ratio
        samplePeriod = 1 / (Double(sampleRate) * ratio)
        var m = min(k, outputCount)
        if m % 2 == 1 { m -= 1 }
        kMax = m
        let nd = virtualLength, count = outputCount
        let bins = max(m / 2 - 1, 0)
        func angle(_ k2: Int, _ i: Int) -> Double { 2 * Double.pi * Double(k2 * i) / nd }
        cosines = (0..<bins).flatMap { b in (0..<count).map { i in Float(cos(angle(b + 1, i))) } }
        sines = (0..<bins).flatMap { b in (0..<count).map { i in Float(sin(angle(b + 1, i))) } }
    }

    /// Formants of every whole 20 ms frame of `samples`.
    func callAsFunction(_ samples: [Float]) -> [Frame] {
        let frames = framing.frameCount(sampleCount: samples.count)
        guard frames > 0 else { return [] }
        let n = framing.fftSize, l = framing.frameLength
        let pad = (n - l) / 2
        let workspace = FFTWorkspace(size: n)
        var resampled = [Float](repeating: 0, count: outputCount)
        var roots: [Complex] = []
        var result: [Frame] = []
        result.reserveCapacity(frames)
        for t in 0..<frames {
            let start = t * framing.hopLength
            for i in 0..<n { workspace.input[i] = 0 }
            for i in 0..<l { workspace.input[pad + i] = samples[start + i] * framing.window[i] }
            workspace.execute()
            resample(workspace.spectrum, into: &resampled)
            result.append(formants(Self.lpc(resampled, order: Self.order).map(Double.init), roots: &roots))
        }
        return result
    }

    /// openSMILE's `smileDsp_irdft`: the spectrum's inverse real DFT at `I` points, scaled by `2 / N`.
    ///
    /// Each output is summed in single precision, bin after bin, as openSMILE does (the roots of the order-11
    /// LPC polynomial downstream move visibly with any change of rounding); the outputs are independent, so
    /// they are accumulated side by side, which vectorises without reordering any output's sum.
    func resample(_ spectrum: UnsafeMutablePointer<Float>, into out: inout [Float]) {
        let k = framing.fftSize, half = kMax / 2, count = outputCount
        precondition(out.count == count, "EgemapsFormants.resample expects \(count) outputs, got \(out.count)")
        let dc = spectrum[0]
        out.withUnsafeMutableBufferPointer { x in
            cosines.withUnsafeBufferPointer { cosines in
                sines.withUnsafeBufferPointer { sines in
                    for i in 0..<count { x[i] = dc }
                    if count >= k {
                        let nyquist = spectrum[k]
                        for i in 0..<count { x[i] += nyquist * Float(cos(2 * Double.pi * Double((k / 2) * i) / virtualLength)) }
                    }
                    // openSMILE's real FFT stores Σ x sin(+ωn), i.e. minus the imaginary part. Bins are taken
                    // four at a time, each output adding them in order, so it is loaded and stored once per four.
                    var k2 = 1
                    while k2 + 4 <= half {
                        let c0 = cosines.baseAddress! + (k2 - 1) * count, s0 = sines.baseAddress! + (k2 - 1) * count
                        let c1 = c0 + count, c2 = c1 + count, c3 = c2 + count
                        let s1 = s0 + count, s2 = s1 + count, s3 = s2 + count
                        let re0 = spectrum[2 * k2], im0 = spectrum[2 * k2 + 1]
                        let re1 = spectrum[2 * k2 + 2], im1 = spectrum[2 * k2 + 3]
                        let re2 = spectrum[2 * k2 + 4], im2 = spectrum[2 * k2 + 5]
                        let re3 = spectrum[2 * k2 + 6], im3 = spectrum[2 * k2 + 7]
                        let out = x.baseAddress!
                        for i in 0..<count {
                            var v = out[i]
                            v += re0 * c0[i] - im0 * s0[i]
                            v += re1 * c1[i] - im1 * s1[i]
                            v += re2 * c2[i] - im2 * s2[i]
                            v += re3 * c3[i] - im3 * s3[i]
                            out[i] = v
                        }
                        k2 += 4
                    }
                    while k2 < half {
                        let re = spectrum[2 * k2], im = spectrum[2 * k2 + 1]
                        let c = cosines.baseAddress! + (k2 - 1) * count, s = sines.baseAddress! + (k2 - 1) * count
                        for i in 0..<count { x[i] += re * c[i] - im * s[i] }
                        k2 += 1
                    }
                    let scale = Float(k / 2)
                    for i in 0..<count { x[i] /= scale }
                }
            }
        }
    }

    /// LPC coefficients `a_1 … a_p` (`p < 16`) by the autocorrelation method and the Levinson–Durbin recursion
    /// (openSMILE `smileDsp_calcLpcAcf`), in single precision as openSMILE computes them.
    static func lpc(_ x: [Float], order p: Int) -> [Float] {
        let r = autocorrelation(x, maxLag: p)
        var a = [Float](repeating: 0, count: p)
        guard r[0] != 0 else { return a }
        var e = r[0]
        for m in 1...p {
            var sum = r[m]
            for i in 1..<m { sum += a[i - 1] * r[m - i] }
            let k = -sum / e
            a[m - 1] = k
            if m / 2 >= 1 {
                for i in 1...(m / 2) {
                    let x = a[i - 1]
                    a[i - 1] += k * a[m - i - 1]
                    if i < m / 2 || m % 2 == 1 { a[m - i - 1] += k * x }
                }
            }
            e *= 1 - k * k
            if e == 0 { for i in m..<p { a[i] = 0 }; break }
        }
        return a
    }

    /// `r[lag] = Σ_{i ≥ lag} x[i] x[i − lag]` for `lag = 0 … p` (`p < 16`), each summed in openSMILE's order.
    ///
    /// The lags are accumulated side by side in one 16-lane vector, reading `x[i − lag]` for all of them at once
    /// from a reversed, zero-padded copy of `x`.
    static func autocorrelation(_ x: [Float], maxLag p: Int) -> [Float] {
        precondition(p >= 0 && p < 16, "EgemapsFormants.autocorrelation expects maxLag in 0...15, got \(p)")
        let n = x.count
        var sums = SIMD16<Float>(repeating: 0)
        // reversed[n − 1 − i + lag] = x[i − lag], 0 where i < lag (adding 0 · x[i] leaves a sum unchanged).
        var reversed = [Float](repeating: 0, count: n + 16)
        for i in 0..<n { reversed[n - 1 - i] = x[i] }
        reversed.withUnsafeBytes { z in
            for i in 0..<n {
                let lagged = z.loadUnaligned(fromByteOffset: (n - 1 - i) * MemoryLayout<Float>.stride, as: SIMD16<Float>.self)
                sums += SIMD16(repeating: x[i]) * lagged
            }
        }
        return (0...p).map { sums[$0] }
    }

    /// Formants from LPC coefficients; `roots` holds the previous frame's polynomial roots (empty for none) and
    /// receives this frame's. Overlapping frames have nearby roots, so the root search starts from them, turned
    /// by 0.01 rad so that real starting points can leave the real axis.
    private func formants(_ a: [Double], roots: inout [Complex]) -> Frame {
        let p = a.count
        // Ascending-power coefficients of x^p − Σ a_j x^(p−j), as openSMILE hands them to its root solver.
        var poly = (0..<p).map { -a[p - $0 - 1] }
        poly.append(1)
        guard a.contains(where: { $0 != 0 }) else {
            return Frame(frequencies: [Double](repeating: 0, count: Self.count), bandwidths: [Double](repeating: 0, count: Self.count))
        }
        var found: [(Double, Double)] = []
        let turn = Complex(cos(0.01), sin(0.01))
        roots = PolynomialRoots.roots(ascending: poly, start: roots.isEmpty ? nil : roots.map { $0 * turn })
        for var root in roots {
            if root.magnitude > 1 { root = Complex(1, 0) / root.conjugate }
            guard root.im >= 0 else { continue }
            let f = abs(atan2(root.im, root.re)) / (2 * Double.pi * samplePeriod)
            guard f >= Self.minF && f <= Self.maxF else { continue }
            found.append((f, -log(root.magnitude) / (Double.pi * samplePeriod)))
            if found.count >= Self.count { break }
        }
        found.sort { $0.0 < $1.0 }
        var frame = Frame(frequencies: [Double](repeating: 0, count: Self.count), bandwidths: [Double](repeating: 0, count: Self.count))
        for (i, (f, b)) in found.enumerated() { frame.frequencies[i] = f; frame.bandwidths[i] = b }
        return frame
    }
}

/// A complex number in double precision (just what root finding needs).
struct Complex: Sendable, Equatable {
    var re: Double
    var im: Double
    init(_ re: Double, _ im: Double) { self.re = re; self.im = im }
    var magnitude: Double { (re * re + im * im).squareRoot() }
    var conjugate: Complex { Complex(re, -im) }
    static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    static func * (a: Complex, b: Complex) -> Complex { Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re) }
    static func / (a: Complex, b: Complex) -> Complex {
        let d = b.re * b.re + b.im * b.im
        return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }
}

/// All complex roots of a real polynomial by the Aberth–Ehrlich simultaneous iteration.
enum PolynomialRoots {
    /// Roots of `c[0] + c[1] x + … + c[n] x^n` (`c[n] ≠ 0`), in no particular order.
    ///
    /// `start` (n distinct points, e.g. the roots of a similar polynomial) shortens the iteration; without it, or
    /// when the iteration from it has not settled after 50 rounds, the roots are sought from a circle.
    static func roots(ascending c: [Double], start: [Complex]? = nil) -> [Complex] {
        let n = c.count - 1
        guard n >= 1, c[n] != 0 else { return [] }
        let monic = c.map { $0 / c[n] }
        if let start, start.count == n {
            let (z, settled) = iterate(monic, from: start, rounds: 50)
            if settled { return z }
        }
        // Start on a circle of the Cauchy-bound radius, rotated off the real axis.
        let radius = 1 + (monic.dropLast().map(abs).max() ?? 0)
        let circle = (0..<n).map { k -> Complex in
            let angle = 2 * Double.pi * Double(k) / Double(n) + 0.4
            return Complex(radius * 0.5 * cos(angle), radius * 0.5 * sin(angle))
        }
        return iterate(monic, from: circle, rounds: 500).roots
    }

    /// At most `rounds` Aberth–Ehrlich rounds on the monic polynomial from `start`; `settled` tells whether every
    /// root's last correction fell below 1e-14.
    private static func iterate(_ monic: [Double], from start: [Complex], rounds: Int) -> (roots: [Complex], settled: Bool) {
        let n = monic.count - 1
        var z = start
        func evaluate(_ x: Complex) -> (Complex, Complex) {
            var p = Complex(1, 0), d = Complex(0, 0)
            for k in stride(from: n - 1, through: 0, by: -1) {
                d = d * x + p
                p = p * x + Complex(monic[k], 0)
            }
            return (p, d)
        }
        // A root stops moving once its correction falls below 1e-14 (the others then no longer disturb it
        // beyond that); the rest iterate on, so late roots do not cost the converged ones a re-evaluation.
        var settled = [Bool](repeating: false, count: n)
        for _ in 0..<rounds {
            var moving = false
            for i in 0..<n where !settled[i] {
                let (p, d) = evaluate(z[i])
                if p.magnitude == 0 { settled[i] = true; continue }
                let ratio = p / d
                var sumRe = 0.0, sumIm = 0.0
                for j in 0..<n where j != i {
                    // 1 / (z_i − z_j) = conj(δ) / |δ|², with one division.
                    let dr = z[i].re - z[j].re, di = z[i].im - z[j].im
                    let q = 1 / (dr * dr + di * di)
                    sumRe += dr * q
                    sumIm -= di * q
                }
                let step = ratio / (Complex(1, 0) - ratio * Complex(sumRe, sumIm))
                z[i] = z[i] - step
                if step.magnitude < 1e-14 { settled[i] = true } else { moving = true }
            }
            if !moving { return (z, true) }
        }
        return (z, false)
    }
}
