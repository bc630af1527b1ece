import Foundation

/// Harmonics-to-noise ratio, harmonic differences and formant amplitudes of 60 ms Gaussian frames, as openSMILE's
/// `cHarmonics` computes eGeMAPS `HNRdBACF`, `logRelF0-H1-H2`, `logRelF0-H1-A3` and `F1…F3amplitudeLogRelF0`.
///
/// HNR comes from the autocorrelation (inverse DFT of the power spectrum): at the ACF peak nearest lag
/// `⌊sampleRate / F0⌋`, `HNR = 10 log10(r[τ] / (r[0] − r[τ]))`, clamped to −90…110 dB. Harmonic `h` (`h = 0` is
/// F0) is the spectral peak nearest `(h + 1) F0`; its level is `20 log10` of its parabola-interpolated magnitude
/// relative to the F0 bin's magnitude. As openSMILE parses them, `H1-H2` compares harmonics 1 and 2 (2F0 and
/// 3F0) and `A3` is the strongest harmonic within ±20 % of F3. Unvoiced frames give 0, formant amplitudes −201.
struct EgemapsHarmonics: Sendable {
    /// The six descriptors of one frame.
    struct Frame: Sendable, Equatable {
        var hnr: Float = 0
        var h1h2: Float = 0
        var h1a3: Float = 0
        var formantAmplitudes: [Float] = [-201, -201, -201]
    }

    private static let harmonicCount = 100
    private let sampleRate: Int
    private let fftSize: Int
    private let binHz: Double

    init(sampleRate: Int, fftSize: Int) {
        self.sampleRate = sampleRate
        self.fftSize = fftSize
        binHz = Double(sampleRate) / Double(fftSize)
    }

    private struct Harmonic {
        var bin = -1
        var frequency: Float = 0
        var magnitude: Float = 0
        var interpolated: Float = 0
        var logRel: Float = -201
    }

    /// Descriptors of every frame: magnitude spectra, F0 in Hz (0 = unvoiced) and formant frequencies per frame.
    func frames(spectra: [[Float]], f0: [Float], formants: [[Double]]) -> [Frame] {
        let workspace = FFTWorkspace(size: fftSize)
        return spectra.indices.map { t in
            self(magnitude: spectra[t], f0: f0[t], formants: t < formants.count ? formants[t] : [], workspace: workspace)
        }
    }

    /// Descriptors of one frame from its magnitude spectrum, F0 in Hz (0 = unvoiced) and formant frequencies.
    func callAsFunction(magnitude: [Float], f0: Float, formants: [Double]) -> Frame {
        self(magnitude: magnitude, f0: f0, formants: formants, workspace: FFTWorkspace(size: fftSize))
    }

    private func callAsFunction(magnitude: [Float], f0: Float, formants: [Double], workspace: FFTWorkspace) -> Frame {
        var frame = Frame()
        let n = magnitude.count
        let frq = { (k: Int) -> Double in Double(k) * binHz }
        // The first bin from `start` above f (bins are k·Δf), then the nearer of it and its predecessor.
        func binOf(_ f: Float, from start: Int) -> Int {
            let f = Double(f)
            var b = max(start, 1, f >= 0 ? Int((f / binHz).rounded(.down)) : 1)
            while b < n && !(frq(b) > f) { b += 1 }
            while b > max(start, 1) && frq(b - 1) > f { b -= 1 }
            guard b < n else { return 0 }
            return frq(b) - f > f - frq(b - 1) ? b - 1 : b
        }
        func isPeak(_ x: [Float], _ i: Int) -> Bool {
            let count = x.count
            if i >= count || i < 0 { return false }
            if i + 1 < count { return i > 0 ? (x[i] > x[i - 1] && x[i] > x[i + 1]) : x[0] > x[1] }
            return i > 0 && x[i] > x[i - 1]
        }
        // HNR from the autocorrelation of the power spectrum.
        let lag = f0 > 0 ? Int((Double(Float(frq(n - 1) * 2)) / Double(f0)).rounded(.down)) : 0
        if lag > 0 {
            let acf = autocorrelation(magnitude, workspace)
            let tau = closestPeak(acf, lag, isPeak)
            if tau > 0 {
                var ratio = Double(acf[0]) - Double(acf[tau])
                ratio = ratio == 0 ? 10e10 : Double(acf[tau]) / ratio
                frame.hnr = Float(ratio > 10e10 ? 10 * log10(10e10) : ratio < 10e-10 ? 10 * log10(10e-10) : 10 * log10(ratio))
            }
        }
        guard f0 > 0 else { return frame }
        // Harmonic peaks (openSMILE's search on a non-linear frequency axis).
        var harmonics = [Harmonic](repeating: Harmonic(), count: Self.harmonicCount)
        var lastBin = binOf(0.5 * f0, from: 1)
        let firstBin = binOf(0.5 * f0, from: lastBin)
        for i in 0..<Self.harmonicCount {
            let candidate = binOf(Float(i + 1) * f0, from: lastBin)
            if candidate >= n { continue }
            var peak = -1
            if isPeak(magnitude, candidate) {
                peak = candidate
            } else {
                var left = candidate - 1, right = candidate + 1
                let lower = binOf((Float(i) + 0.5) * f0, from: lastBin)
                let upper = binOf((Float(i) + 1.5) * f0, from: candidate)
                while (left >= lower || right <= upper) && peak == -1 {
                    if right <= upper {
                        if isPeak(magnitude, right) { peak = right; break }
                        right += 1
                    }
                    if left >= lower {
                        if isPeak(magnitude, left) { peak = left; break }
                        left -= 1
                    }
                }
            }
            if peak >= firstBin && peak < n - 1 && peak >= 1 {
                let (x, y) = EgemapsPitchCandidates.parabolaVertex(
                    frq(peak - 1), Double(magnitude[peak - 1]), frq(peak), Double(magnitude[peak]),
                    frq(peak + 1), Double(magnitude[peak + 1]))
                harmonics[i] = Harmonic(bin: peak, frequency: Float(x), magnitude: magnitude[peak], interpolated: Float(y))
            } else {
                harmonics[i] = Harmonic(bin: candidate)
            }
            lastBin = candidate
        }
        // Levels relative to the F0 peak; a harmonic that landed on its predecessor's bin is dropped.
        let reference = harmonics[0].magnitude
        let relative = reference != 0
        let referenceLog = relative ? log10(Double(reference)) : 0
        harmonics[0].logRel = relative ? 0 : -201
        for i in 1..<Self.harmonicCount {
            if relative {
                let m = harmonics[i].interpolated
                harmonics[i].logRel = m > 0 ? max(Float(20 * (log10(Double(m)) - referenceLog)), -200) : -200
            } else {
                harmonics[i].logRel = -201
            }
            if harmonics[i].bin == harmonics[i - 1].bin {
                harmonics[i] = Harmonic(bin: 0)
            }
        }
        // Formant amplitudes: the strongest harmonic within ±20 % of each formant frequency.
        let amplitudeIndex = formants.prefix(3).map { fc -> Int in
            let left = 0.8 * Float(fc), right = 1.2 * Float(fc)
            var best = -1
            var bestMagnitude: Float = 0
            for h in 0..<Self.harmonicCount where harmonics[h].frequency >= left && harmonics[h].frequency <= right {
                if harmonics[h].magnitude > bestMagnitude { best = h; bestMagnitude = harmonics[h].magnitude }
            }
            return best
        }
        func clamp(_ x: Float) -> Float { min(max(x, -201), 201) }
        frame.h1h2 = clamp(harmonics[1].logRel - harmonics[2].logRel)
        let a3 = amplitudeIndex.count > 2 ? amplitudeIndex[2] : -1
        frame.h1a3 = a3 >= 0 ? clamp(harmonics[1].logRel - harmonics[a3].logRel) : clamp(harmonics[1].logRel - 201)
        frame.formantAmplitudes = (0..<3).map { i in
            i < amplitudeIndex.count && amplitudeIndex[i] >= 0 ? harmonics[amplitudeIndex[i]].logRel : 0
        }
        return frame
    }

    /// `|(P₀ + P_{N/2}(−1)^i)/2 + Σ_k P_k cos(2πki/N)| / (N/2 + 1)` for lags `i = 0…N/2` (openSMILE `computeAcf`).
    private func autocorrelation(_ magnitude: [Float], _ workspace: FFTWorkspace) -> [Float] {
        let n = fftSize, bins = magnitude.count
        // The even extension of the power spectrum; its DFT is twice the sum above.
        for k in 0..<bins { workspace.input[k] = magnitude[k] * magnitude[k] }
        for k in 1..<(n / 2) { workspace.input[n - k] = magnitude[k] * magnitude[k] }
        workspace.execute()
        return (0..<bins).map { abs(workspace.spectrum[2 * $0] / 2) / Float(bins) }
    }

    /// openSMILE `getClosestPeak`: the nearest local maximum to `index`, searching left first at each distance.
    private func closestPeak(_ x: [Float], _ index: Int, _ isPeak: ([Float], Int) -> Bool) -> Int {
        let n = x.count
        if isPeak(x, index) { return index }
        var o = 1
        while index - o > 0 || index + o < n - 1 {
            if index - o > 0 && isPeak(x, index - o) { return index - o }
            if index + o < n - 1 && isPeak(x, index + o) { return index + o }
            o += 1
        }
        let i = min(index, n - 1)
        if x[0] > x[i] && x[n - 1] <= x[i] { return 0 }
        if x[0] <= x[i] && x[n - 1] > x[i] { return n - 1 }
        if x[0] > x[i] && x[n - 1] > x[i] { return i < n / 2 ? 0 : n - 1 }
        return index
    }
}
