import Foundation

/// MFCC 1–4 and spectral flux of 20 ms Hamming frames as openSMILE computes them for eGeMAPS v02
/// (`cMelspec` with HTK sample scaling + `cMfcc`; `cSpectral` with `flux = 1`).
///
/// MFCCs use the 26 mel bands of `EgemapsMelBands` on the power spectrum scaled by 32767² (HTK's 16-bit sample
/// range), a log floored at 1, an unnormalised-basis DCT-II and HTK's sinusoidal lifter (L = 22):
/// ```
/// c_i = sqrt(2/M) (1 + L/2 sin(πi/L)) Σ_m ln(max(1, 32767² B_m)) cos(πi (m + ½) / M),   i = 1…4
/// ```
/// Flux compares consecutive magnitude spectra over the bins below 5 kHz (`K` bins), 0 on the first frame:
/// ```
/// flux_t = sqrt( (1/K) Σ_k (|X_t[k]| - |X_{t-1}[k]|)² )
/// ```
struct EgemapsCepstral: Sendable {
    private let bands: EgemapsMelBands
    private let basis: [[Float]]
    private let lifter: [Float]
    /// Bins `0..<fluxBins` lie below 5 kHz (openSMILE `freqRange = 0-5000`).
    let fluxBins: Int

    init(sampleRate: Int, fftSize: Int) {
        let bands = EgemapsMelBands(sampleRate: sampleRate, fftSize: fftSize)
        self.bands = bands
        let m = Double(bands.bandCount)
        basis = (1...4).map { i in
            (0..<bands.bandCount).map { b in Float(cos(Double.pi * (Double(i) / m) * (Double(b) + 0.5))) }
        }
        let l: Float = 22
        lifter = (1...4).map { i in 1 + l / 2 * Float(sin(Float.pi * Float(i) / l)) }
        let binHz = Double(sampleRate) / Double(fftSize)
        var upper = -1
        for k in 0...(fftSize / 2) where 5000 > Double(k) * binHz { upper = k }
        fluxBins = upper < 0 ? fftSize / 2 + 1 : upper + 1
    }

    /// `mfcc1 … mfcc4` of the frame whose magnitude spectrum is `magnitude`.
    func mfcc(magnitude: [Float]) -> [Float] {
        let power = magnitude.map { $0 * $0 }
        let scale: Float = 32767 * 32767
        let logBands = bands.apply(power: power).map { b -> Float in
            let x = b * scale
            return x < 1 ? 0 : Float(log(Double(x)))
        }
        let factor = Float((2 / Double(bands.bandCount)).squareRoot())
        return (0..<4).map { i in
            var sum: Float = 0
            for b in 0..<logBands.count { sum += logBands[b] * basis[i][b] }
            return sum * lifter[i] * factor
        }
    }

    /// Spectral flux between `previous` and `current` magnitude spectra (0 when `previous` is nil).
    func flux(previous: [Float]?, current: [Float]) -> Float {
        guard let previous else { return 0 }
        var sum = 0.0
        for k in 0..<fluxBins {
            let d = Double(current[k]) - Double(previous[k])
            sum += d * d
        }
        let mean = sum / Double(fluxBins)
        return mean > 0 ? Float(mean.squareRoot()) : 0
    }
}
