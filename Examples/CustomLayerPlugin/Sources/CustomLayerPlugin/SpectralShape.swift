import AudioFeatures
import Foundation

/// Log-mel bands followed by three spectral-shape descriptors per frame: centroid, bandwidth and flatness.
///
/// Output `[T, n_mels + 3]`: columns `0..<n_mels` are `LogMel` (power, dB), then, from the magnitude STFT `S` of
/// the same frames (`f_k = k · sample_rate / n_fft`, `p_k = S_k / Σ_j S_j`):
///
/// ```
/// centroid  = Σ_k f_k p_k / 1000                              kHz   (librosa.feature.spectral_centroid)
/// bandwidth = √(Σ_k p_k (f_k − 1000 · centroid)²) / 1000      kHz   (librosa.feature.spectral_bandwidth, p = 2)
/// flatness  = exp(mean_k log P_k) / mean_k P_k,  P_k = max(S_k², 1e-10)   (librosa.feature.spectral_flatness)
/// ```
///
/// A silent frame has centroid and bandwidth 0 (librosa's normalisation leaves it all zeros) and flatness 1.
public struct SpectralShape: FeatureExtractor {
    /// The options (YAML keys in parentheses).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Hz (`sample_rate`); the spec fills it from `data.sample_rate`.
        public var sampleRate = 16000
        /// FFT length in samples (`n_fft`, int > 0, default 512).
        public var fftSize = 512
        /// Samples between frames (`hop_length`, int > 0, default 160).
        public var hopLength = 160
        /// Mel bands before the descriptors (`n_mels`, int > 0, default 40).
        public var melCount = 40

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case sampleRate = "sample_rate", fftSize = "n_fft", hopLength = "hop_length", melCount = "n_mels"
        }

        /// The defaults, with any of them overridden.
        public init(sampleRate: Int = 16000, fftSize: Int = 512, hopLength: Int = 160, melCount: Int = 40) {
            self.sampleRate = sampleRate
            self.fftSize = fftSize
            self.hopLength = hopLength
            self.melCount = melCount
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            sampleRate = try c.decodeIfPresent(Int.self, forKey: .sampleRate) ?? sampleRate
            fftSize = try c.decodeIfPresent(Int.self, forKey: .fftSize) ?? fftSize
            hopLength = try c.decodeIfPresent(Int.self, forKey: .hopLength) ?? hopLength
            melCount = try c.decodeIfPresent(Int.self, forKey: .melCount) ?? melCount
        }
    }

    /// The options this extractor was built with.
    public let configuration: Configuration
    private let logMel: LogMel
    private let magnitude: Spectrogram

    /// Builds the extractor.
    /// - Throws: `FeatureConfigurationError` (from AudioFeatures) when an option is out of range.
    public init(_ configuration: Configuration) throws {
        self.configuration = configuration
        logMel = try LogMel(LogMel.Configuration(sampleRate: configuration.sampleRate, fftSize: configuration.fftSize,
                                                 hopLength: configuration.hopLength, melCount: configuration.melCount))
        magnitude = try Spectrogram(Spectrogram.Configuration(sampleRate: configuration.sampleRate,
                                                              fftSize: configuration.fftSize,
                                                              hopLength: configuration.hopLength, power: 1))
    }

    public var sampleRate: Int { configuration.sampleRate }
    public var featureCount: Int { configuration.melCount + 3 }
    public var cacheKey: String {
        "spectral_shape-v1(sample_rate=\(configuration.sampleRate),n_fft=\(configuration.fftSize),"
            + "hop_length=\(configuration.hopLength),n_mels=\(configuration.melCount))"
    }

    /// `[T, n_mels + 3]` features of mono `samples`.
    public func extract(_ samples: [Float]) -> FeatureMatrix {
        let mel = logMel.extract(samples)
        let spectrum = magnitude.extract(samples)
        // Both run the same centred STFT, so their frames line up one to one.
        precondition(mel.frameCount == spectrum.frameCount,
                     "SpectralShape frames differ: log-mel \(mel.frameCount), spectrum \(spectrum.frameCount)")
        let bins = spectrum.featureCount, m = configuration.melCount
        let binHz = Double(configuration.sampleRate) / Double(configuration.fftSize)
        var out = FeatureMatrix(frameCount: mel.frameCount, featureCount: featureCount,
                                values: [Float](repeating: 0, count: mel.frameCount * featureCount))
        for t in 0..<mel.frameCount {
            for k in 0..<m { out[t, k] = mel[t, k] }
            var total = 0.0, weighted = 0.0, logSum = 0.0, powerSum = 0.0
            for k in 0..<bins {
                let s = Double(spectrum[t, k])
                total += s
                weighted += Double(k) * binHz * s
                let power = max(s * s, 1e-10)
                logSum += log(power)
                powerSum += power
            }
            var centroid = 0.0, spread = 0.0
            if total > 0 {
                centroid = weighted / total
                for k in 0..<bins {
                    let d = Double(k) * binHz - centroid
                    spread += Double(spectrum[t, k]) / total * d * d
                }
            }
            out[t, m] = Float(centroid / 1000)
            out[t, m + 1] = Float(spread.squareRoot() / 1000)
            out[t, m + 2] = Float(exp(logSum / Double(bins)) / (powerSum / Double(bins)))
        }
        return out
    }
}
