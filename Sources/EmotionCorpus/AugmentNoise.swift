import AudioFeatures
import Foundation

/// Adds noise at a signal-to-noise ratio drawn uniformly from a range of decibels.
///
/// ```
/// SNR = 10 log10(Σ s² / Σ (g n)²)  ⇒  g = sqrt(Σ s² / (Σ n² · 10^(SNR/10)))
/// ```
/// Powers are taken over the whole clip, silences included, as in `audiomentations.AddGaussianSNR`.
public struct AdditiveNoise: WaveformAugmentation {
    /// Options (YAML keys `snr_db`, `probability`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// SNR range in dB, `[low, high]` (`snr_db`, default `[10, 30]`).
        public var snrDecibels: ClosedRange<Double>
        /// Chance that a clip is augmented at all (`probability`, 0…1, default 1).
        public var probability: Double

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case snrDecibels = "snr_db", probability
        }

        /// Options; every argument defaults as documented on its property.
        public init(snrDecibels: ClosedRange<Double> = 10...30, probability: Double = 1) {
            self.snrDecibels = snrDecibels
            self.probability = probability
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(snrDecibels: try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .snrDecibels) ?? 10...30,
                      probability: try AugmentationCoding.probability(c, .probability))
        }
    }

    /// The options this augmentation applies.
    public let configuration: Configuration
    /// The noise recording to draw segments from, or `nil` for white Gaussian noise.
    public let noise: [Float]?

    /// The augmentation configured by `configuration`.
    public init(_ configuration: Configuration, noise: [Float]? = nil) {
        precondition(noise.map { !$0.isEmpty } ?? true, "AdditiveNoise needs a non-empty noise recording")
        self.configuration = configuration
        self.noise = noise
    }

    /// `samples` augmented with randomness drawn from `random` only.
    public func apply(to samples: [Float], sampleRate: Int, random: inout CorpusRandom) throws -> [Float] {
        guard random.nextUnit() < configuration.probability, !samples.isEmpty else { return samples }
        let snr = random.uniform(configuration.snrDecibels.lowerBound, configuration.snrDecibels.upperBound)
        var segment = [Float](repeating: 0, count: samples.count)
        if let noise {
            // A random stretch of the recording, looped when it is shorter than the clip.
            var position = random.index(below: noise.count)
            for n in segment.indices {
                segment[n] = noise[position]
                position = position + 1 == noise.count ? 0 : position + 1
            }
        } else {
            for n in segment.indices { segment[n] = Float(random.normal()) }
        }
        return AdditiveNoise.mix(samples, noise: segment, snrDecibels: snr)
    }

    /// `signal + g · noise` with `g` chosen so the SNR is exactly `snrDecibels` (signal returned unchanged
    /// when either is silent). Powers are accumulated in `Double`.
    public static func mix(_ signal: [Float], noise: [Float], snrDecibels: Double) -> [Float] {
        precondition(signal.count == noise.count, "AdditiveNoise.mix: \(signal.count) signal vs \(noise.count) noise samples")
        let signalPower = signal.reduce(0) { $0 + Double($1) * Double($1) }
        let noisePower = noise.reduce(0) { $0 + Double($1) * Double($1) }
        guard signalPower > 0, noisePower > 0 else { return signal }
        let gain = Float((signalPower / (noisePower * pow(10, snrDecibels / 10))).squareRoot())
        return zip(signal, noise).map { $0 + gain * $1 }
    }
}

/// Shared decoding rules of the augmentation configurations.
enum AugmentationCoding {
    static func probability<Key: CodingKey>(_ c: KeyedDecodingContainer<Key>, _ key: Key) throws -> Double {
        let value = try c.decodeIfPresent(Double.self, forKey: key) ?? 1
        guard (0...1).contains(value) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c,
                                                   debugDescription: "probability must be in [0, 1]. Received: probability=\(value)")
        }
        return value
    }
}
