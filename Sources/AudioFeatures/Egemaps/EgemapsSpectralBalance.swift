import Foundation

/// Spectral balance of one 20 ms Hamming frame as openSMILE's `cSpectral` computes it for eGeMAPS
/// (`alphaRatio`, `hammarbergIndex`, `slope0-500`, `slope500-1500`, with `squareInput = 1`,
/// `useLogSpectrum = 1`).
///
/// With power `P[k] = |X[k]|²` at `f_k = k · Δf`:
/// ```
/// alphaRatio      = 10 log10( Σ_{1 kHz ≤ f_k ≤ 5 kHz} P / Σ_{f_k < 1 kHz} P )
/// hammarbergIndex = 10 log10( max_{f_k < 2 kHz} P / max_{2 kHz ≤ f_k ≤ 5 kHz} P )
/// slope a–b       = least-squares slope (dB/Hz) of 10 log10 P[k] against f_k over the bins of [a, b]
/// ```
/// The slope keeps openSMILE's normalisation: its point count is `iR - iL` where `iL`, `iR` are the band's
/// first and last bins (one fewer than the bins summed), and band edges falling between bins are weighted.
/// Reference: Eyben et al. (2016), "The Geneva Minimalistic Acoustic Parameter Set (GeMAPS)", IEEE TAC 7(2).
struct EgemapsSpectralBalance: Sendable {
    /// `alphaRatio`, `hammarbergIndex`, `slope0-500`, `slope500-1500` of one frame.
    struct Values: Sendable, Equatable {
        var alphaRatio: Float
        var hammarbergIndex: Float
        var slope0to500: Float
        var slope500to1500: Float
    }

    private let binHz: Double
    /// Power floor `(1e-7)²` of the log spectrum (openSMILE `specFloor`, squared).
    private static let powerFloor: Float = 0.0000001 * 0.0000001

    init(sampleRate: Int, fftSize: Int) {
        binHz = Double(sampleRate) / Double(fftSize)
    }

    func callAsFunction(magnitude: [Float]) -> Values {
        let power = magnitude.map { $0 * $0 }
        let logFloor = Float(10 * log10(Double(Self.powerFloor)))
        let logPower = power.map { $0 <= Self.powerFloor ? logFloor : Float(10 / log(10.0)) * Float(log(Double($0))) }
        return Values(alphaRatio: alphaRatio(power), hammarbergIndex: hammarberg(power),
                      slope0to500: slope(logPower, from: 0, to: 500),
                      slope500to1500: slope(logPower, from: 500, to: 1500))
    }

    private func alphaRatio(_ power: [Float]) -> Float {
        var low: Float = 0, high: Float = 0
        for k in 0..<power.count {
            let f = Double(k) * binHz
            if f > 5000 { break }
            if f < 1000 { low += power[k] } else { high += power[k] }
        }
        guard low > 0 else { return 0 }
        if high > Self.powerFloor { return Float(10 * log(Double(high / low)) / log(10.0)) }
        return Float(10 * (log(Double(Self.powerFloor)) - log(Double(low))) / log(10.0))
    }

    private func hammarberg(_ power: [Float]) -> Float {
        var low: Float = 0, high: Float = 0
        for k in 0..<power.count {
            let f = Double(k) * binHz
            if f > 5000 { break }
            if f < 2000 { low = max(low, power[k]) } else { high = max(high, power[k]) }
        }
        guard high > 0 else { return 0 }
        if low > Self.powerFloor { return Float(10 * log(Double(low / high)) / log(10.0)) }
        return Float(10 * (log(Double(Self.powerFloor)) - log(Double(high))) / log(10.0))
    }

    /// cSpectral's band slope: edges mapped to bins through the frequency axis, fractional edge weights.
    private func slope(_ y: [Float], from lowHz: Int, to highHz: Int) -> Float {
        let n = y.count
        func f(_ k: Int) -> Double { Double(k) * binHz }
        var i = 0
        while i < n, !(f(i) > Double(lowHz)) { i += 1 }
        var weightL = (i < n && i > 0) ? (f(i) - Double(lowHz)) / (f(i) - f(i - 1)) : 1
        let indexL = Double(min(max(i - 1, 0), n))
        var j = 0
        while j < n, !(Float(f(j)) >= Float(highHz)) { j += 1 }
        var weightR = (j < n && j > 0) ? (Double(highHz) - f(j - 1)) / (f(j) - f(j - 1)) : 1
        var indexR = (j < n && Float(f(j)) == Float(highHz)) ? Double(j) : Double(j - 1)
        if indexR >= Double(n) { indexR = Double(n - 1) }
        if weightL == 0 { weightL = 1 }
        if weightR == 0 { weightR = 1 }
        var iL = Int(indexL.rounded(.down)), iR = Int(indexR.rounded(.down))
        if iL >= n { iL = n - 1; iR = n - 1; weightL = 0; weightR = 0 }
        if iR >= n { iR = n - 1; weightR = 1 }
        iL = max(iL, 0); iR = max(iR, 0)
        var sf = f(iL) * weightL
        var s2f = sf * sf
        var sumA = f(iL) * weightL * Double(y[iL])
        var sumB = weightL * Double(y[iL])
        var k = iL + 1
        while k < iR && k < n {
            s2f += f(k) * f(k)
            sf += f(k)
            sumA += f(k) * Double(y[k])
            sumB += Double(y[k])
            k += 1
        }
        s2f += f(iR) * weightR * f(iR) * weightR
        sf += f(iR) * weightR
        sumA += f(iR) * weightR * Double(y[iR])
        sumB += weightR * Double(y[iR])
        let count = indexR - indexL
        let denominator = count * s2f - sf * sf
        return denominator != 0 ? Float((count * sumA - sf * sumB) / denominator) : 0
    }
}
