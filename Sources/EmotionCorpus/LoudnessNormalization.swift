import Foundation

/// Clip loudness normalisation (`normalize: none|peak|rms`), a pure function on mono samples.
///
/// RAVDESS loudness varies widely (some clips peak below 1% of full scale), which level-dependent features
/// such as log-mel energy would otherwise learn as a cue.
///
/// ```
/// peak: y = x · targetPeak / max|x|
/// rms:  y = x · 10^(targetRMSDecibels / 20) / sqrt(mean(x²))
/// ```
/// A silent clip (all zeros) is returned unchanged. RMS normalisation may push peaks above 1.0; features do
/// not need the samples to stay in `[-1, 1]`, and clipping would distort them.
public enum LoudnessNormalization: String, Sendable, Hashable, Codable, CaseIterable {
    case none, peak, rms

    /// Peak level after `.peak` normalisation, in linear full-scale units (1.0, as `librosa.util.normalize`).
    public static let targetPeak: Float = 1
    /// RMS level after `.rms` normalisation, in dBFS.
    public static let targetRMSDecibels: Double = -20

    /// Returns `samples` scaled to the target level of this mode.
    public func apply(_ samples: [Float]) -> [Float] {
        let gain: Double
        switch self {
        case .none:
            return samples
        case .peak:
            let peak = samples.reduce(Float(0)) { max($0, abs($1)) }
            guard peak > 0 else { return samples }
            gain = Double(LoudnessNormalization.targetPeak) / Double(peak)
        case .rms:
            guard !samples.isEmpty else { return samples }
            let power = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)
            guard power > 0 else { return samples }
            gain = pow(10, LoudnessNormalization.targetRMSDecibels / 20) / power.squareRoot()
        }
        return samples.map { Float(Double($0) * gain) }
    }
}
