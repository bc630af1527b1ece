import Foundation

/// Loudness of one 20 ms Hamming frame, as openSMILE's `cMelspec` → `cPlp` (auditory spectrum only) →
/// `cVectorOperation` chain computes eGeMAPS `Loudness`.
///
/// The power spectrum is pooled into 26 mel bands (20–8000 Hz); each band power is floored at `9.3e-10`,
/// weighted by Hermansky's equal-loudness curve at the band centre and compressed by the power law of hearing
/// (exponent 0.33). Loudness is the mean of the 26 compressed values (`ll1`).
///
/// ```
/// E(f) = 1e32 (w² + 56.8e6) w⁴ / ((w² + 6.3e6)² (w² + 0.38e9) (w⁷ + 1.7e31)),   w = 2πf
/// loudness = (1/M) Σ_m (max(B_m, 9.3e-10) · E(f_m)) ^ 0.33
/// ```
/// Reference: Hermansky (1990), "Perceptual linear predictive (PLP) analysis of speech", JASA 87(4).
struct EgemapsLoudness: Sendable {
    private let bands: EgemapsMelBands
    private let equalLoudness: [Float]
    private static let floor: Float = 0.00000000093
    private static let compression = 0.33

    init(sampleRate: Int, fftSize: Int) {
        bands = EgemapsMelBands(sampleRate: sampleRate, fftSize: fftSize)
        equalLoudness = bands.centerFrequencies.map { Float(Self.equalLoudnessWeight($0)) }
    }

    /// Hermansky's equal-loudness weight at `frequency` Hz, scaled as openSMILE's `smileDsp_equalLoudnessWeight`.
    static func equalLoudnessWeight(_ frequency: Double) -> Double {
        let w = 2 * Double.pi * frequency
        let w2 = w * w
        let c = w2 + 6_300_000
        return 1e32 * ((w2 + 56.8e6) * w2 * w2) / (c * c * (w2 + 0.38e9) * (w2 * w2 * w2 * w + 1.7e31))
    }

    /// Loudness of the frame whose magnitude spectrum is `magnitude`.
    func callAsFunction(magnitude: [Float]) -> Float {
        let power = magnitude.map { $0 * $0 }
        let banded = bands.apply(power: power)
        var sum: Float = 0
        for m in 0..<banded.count {
            let x = max(banded[m], Self.floor) * equalLoudness[m]
            sum += Float(pow(Double(x), Self.compression))
        }
        return sum / Float(banded.count)
    }
}
