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
    /// `cos` and `sin` of `2π k i / n_d` for output sample `i` and bin `k < kMax/2`, row-major by `i`.
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
        let nd = virtualLength
        cosines = (0..<outputCount).flatMap { i in (0..<(m / 2)).map { k2 in Float(cos(2 * Double.pi * Double(k2 * i) / nd)) } }
        sines = (0..<outputCount).flatMap { i in (0..<(m / 2)).map { k2 in Float(sin(2 * Double.pi * Double(k2 * i) / nd)) } }
    }

    /// Formants of every whole 20 ms frame of `samples`.
    func callAsFunction(_ samples: [Float]) -> [Frame] {
        let frames = framing.frameCount(sampleCount: samples.count)
        guard frames > 0 else { return [] }
        let n = framing.fftSize, l = framing.frameLength
        let pad = (n - l) / 2
        let workspace = FFTWorkspace(size: n)
        var result: [Frame] = []
        result.reserveCapacity(frames)
        for t in 0..<frames {
            let start = t * framing.hopLength
            for i in 0..<n { workspace.input[i] = 0 }
            for i in 0..<l { workspace.input[pad + i] = samples[start + i] * framing.window[i] }
            workspace.execute()
            let s = workspace.spectrum
            let resampled = resample(s, nyquist: s[n])
            result.append(formants(lpc(resampled).map(Double.init)))
        }
        return result
    }

    /// openSMILE's `smileDsp_irdft`: the spectrum's inverse real DFT at `I` points, scaled by `2 / N`.
    ///
    /// Resampling, autocorrelation and the Levinson recursion run in single precision as openSMILE's do: the
    /// roots of an order-11 polynomial move visibly with the rounding of its coefficients.
    private func resample(_ spectrum: UnsafeMutablePointer<Float>, nyquist: Float) -> [Float] {
        let k = framing.fftSize, half = kMax / 2
        return cosines.withUnsafeBufferPointer { cosines in
            sines.withUnsafeBufferPointer { sines in
                (0..<outputCount).map { i in
                    var x = spectrum[0]
                    if outputCount >= k { x += nyquist * Float(cos(2 * Double.pi * Double((k / 2) * i) / virtualLength)) }
                    // openSMILE's real FFT stores Σ x sin(+ωn), i.e. minus the imaginary part.
                    let row = i * half
                    for k2 in stride(from: 1, to: half, by: 1) {
                        x += spectrum[2 * k2] * cosines[row + k2] - spectrum[2 * k2 + 1] * sines[row + k2]
                    }
                    return x / Float(k / 2)
                }
            }
        }
    }

    /// Order-11 LPC coefficients `a_1 … a_11` by the autocorrelation method (openSMILE `smileDsp_calcLpcAcf`).
    private func lpc(_ x: [Float]) -> [Float] {
        let p = Self.order
        var r = [Float](repeating: 0, count: p + 1)
        for lag in 0...p where lag < x.count {
            for i in lag..<x.count { r[lag] += x[i] * x[i - lag] }
        }
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

    private func formants(_ a: [Double]) -> Frame {
        let p = a.count
        // Ascending-power coefficients of x^p − Σ a_j x^(p−j), as openSMILE hands them to its root solver.
        var poly = (0..<p).map { -a[p - $0 - 1] }
        poly.append(1)
        guard a.contains(where: { $0 != 0 }) else {
            return Frame(frequencies: [Double](repeating: 0, count: Self.count), bandwidths: [Double](repeating: 0, count: Self.count))
        }
        var found: [(Double, Double)] = []
        for var root in PolynomialRoots.roots(ascending: poly) {
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
    static func roots(ascending c: [Double]) -> [Complex] {
        let n = c.count - 1
        guard n >= 1, c[n] != 0 else { return [] }
        let monic = c.map { $0 / c[n] }
        // Start on a circle of the Cauchy-bound radius, rotated off the real axis.
        let radius = 1 + (monic.dropLast().map(abs).max() ?? 0)
        var z = (0..<n).map { k -> Complex in
            let angle = 2 * Double.pi * Double(k) / Double(n) + 0.4
            return Complex(radius * 0.5 * cos(angle), radius * 0.5 * sin(angle))
        }
        func evaluate(_ x: Complex) -> (Complex, Complex) {
            var p = Complex(1, 0), d = Complex(0, 0)
            for k in stride(from: n - 1, through: 0, by: -1) {
                d = d * x + p
                p = p * x + Complex(monic[k], 0)
            }
            return (p, d)
        }
        for _ in 0..<500 {
            var moved = 0.0
            for i in 0..<n {
                let (p, d) = evaluate(z[i])
                if p.magnitude == 0 { continue }
                let ratio = p / d
                var sum = Complex(0, 0)
                for j in 0..<n where j != i { sum = sum + Complex(1, 0) / (z[i] - z[j]) }
                let step = ratio / (Complex(1, 0) - ratio * sum)
                z[i] = z[i] - step
                moved = max(moved, step.magnitude)
            }
            if moved < 1e-14 { break }
        }
        return z
    }
}
