import Foundation

/// Triangular mel bands over a power spectrum as openSMILE's `cMelspec` builds them (non-HFCC, `specScale = mel`).
///
/// `M` bands between `lowFrequency` and `highFrequency` have edges equally spaced on `mel(f) = 1127 ln(1 + f/700)`;
/// band `m` peaks at edge `m + 1`. Each bin `k` strictly between `round(lowFrequency / Δf)` and
/// `round(highFrequency / Δf)` (`Δf = sampleRate / N`) splits its power between the two bands whose peaks
/// surround it, linearly in mel. This is the filter bank behind eGeMAPS loudness (`cMelspec` + `cPlp`) and
/// MFCC 1–4 (`cMelspec` with HTK sample scaling + `cMfcc`).
struct EgemapsMelBands: Sendable {
    /// Number of bands `M` (> 0).
    let bandCount: Int
    /// Band centre frequencies in Hz (`M` values), openSMILE's frequency axis for the band level.
    let centerFrequencies: [Double]
    private let lowBin: Int
    private let highBin: Int
    /// Per bin: the band that receives `weight[k]` of its power (-1: none; the next band receives the rest).
    private let lowerBand: [Int]
    private let weight: [Float]

    /// Bands for an `fftSize`-point spectrum at `sampleRate`; `highFrequency` above Nyquist is clipped to it.
    init(sampleRate: Int, fftSize: Int, bandCount: Int = 26, lowFrequency: Double = 20, highFrequency: Double = 8000) {
        precondition(bandCount > 0 && fftSize >= 2 * bandCount, "EgemapsMelBands expects 0 < bandCount <= fftSize/2, got \(bandCount), \(fftSize)")
        self.bandCount = bandCount
        let bins = fftSize / 2 + 1
        let binHz = Float(Double(sampleRate) / Double(fftSize))
        let nyquist = Double(sampleRate) / 2
        var low = lowFrequency, high = highFrequency
        if low < 0 || low > nyquist || low > high { low = 0 }
        if high < low || high > nyquist || high <= 0 { high = nyquist }
        func mel(_ f: Double) -> Double { f > 0 ? 1127 * log(1 + f / 700) : 0 }
        let lowMel = Float(mel(low)), highMel = Float(mel(high))
        let spacing = (highMel - lowMel) / Float(bandCount + 1)
        let edges = (0...(bandCount + 1)).map { lowMel + Float($0) * spacing }
        centerFrequencies = (1...bandCount).map { 700 * (exp(Double(edges[$0]) / 1127) - 1) }
        lowBin = min(max(Int((Double(Float(low) / binHz)).rounded()), 0), bins)
        highBin = min(max(Int((Double(Float(high) / binHz)).rounded()), 0), bins)
        func binMel(_ k: Int) -> Float { Float(mel(Double(Float(k) * binHz))) }
        // The band index and the weight are found by two separate scans, as in cMelspec; they agree except at ties.
        var lowerBand = [Int](repeating: -3, count: bins)
        var m = 0
        for k in 0..<bins where k > lowBin && k < highBin {
            while edges[min(m, bandCount + 1)] < binMel(k) {
                if m > bandCount { break }
                m += 1
            }
            lowerBand[k] = m - 2
        }
        var weight = [Float](repeating: 0, count: bins)
        m = 0
        for k in lowBin..<min(highBin, bins) {
            let x = binMel(k)
            while m + 1 <= bandCount + 1, x > edges[m + 1], m <= bandCount { m += 1 }
            let upper = edges[min(m + 1, bandCount + 1)]
            weight[k] = (upper - x) / (upper - edges[m])
        }
        self.lowerBand = lowerBand
        self.weight = weight
    }

    /// Band powers (`M` values) of a power spectrum `power` (`N/2 + 1` values).
    func apply(power: [Float]) -> [Float] {
        var bands = [Float](repeating: 0, count: bandCount)
        for k in lowBin..<min(highBin, power.count) {
            let m = lowerBand[k]
            guard m > -2 else { continue }
            let a = Float(Double(power[k]) * Double(weight[k]))
            if m > -1 { bands[m] += a }
            if m < bandCount - 1 { bands[m + 1] += power[k] - a }
        }
        return bands
    }
}
