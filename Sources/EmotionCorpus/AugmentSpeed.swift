import AudioFeatures

/// Speed perturbation (Ko et al., 2015, "Audio augmentation for speech recognition"; Kaldi/sox `speed`):
/// plays the clip `factor` times faster, changing tempo and pitch together.
///
/// The samples are reinterpreted as recorded at `factor × sampleRate` and resampled to `sampleRate` with
/// `Resampler` (libsoxr), so the result has about `n / factor` samples.
public struct SpeedPerturbation: WaveformAugmentation {
    /// Options (YAML keys `factors`, `probability`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Speed factors, one drawn uniformly per clip (`factors`, each > 0, default `[0.9, 1.0, 1.1]`).
        public var factors: [Double]
        /// Chance that a clip is augmented (`probability`, 0…1, default 1).
        public var probability: Double

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case factors, probability
        }

        /// Options; every argument defaults as documented on its property.
        public init(factors: [Double] = [0.9, 1.0, 1.1], probability: Double = 1) {
            self.factors = factors
            self.probability = probability
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(factors: try c.decodeIfPresent([Double].self, forKey: .factors) ?? [0.9, 1.0, 1.1],
                      probability: try AugmentationCoding.probability(c, .probability))
            guard !factors.isEmpty, factors.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw DecodingError.dataCorruptedError(forKey: .factors, in: c,
                                                       debugDescription: "factors must be a non-empty list of numbers > 0. Received: factors=\(factors)")
            }
        }
    }

    /// The options this augmentation applies.
    public let configuration: Configuration

    /// The augmentation configured by `configuration`.
    public init(_ configuration: Configuration) {
        precondition(!configuration.factors.isEmpty && configuration.factors.allSatisfy { $0 > 0 },
                     "SpeedPerturbation needs factors > 0, got \(configuration.factors)")
        self.configuration = configuration
    }

    /// `samples` augmented with randomness drawn from `random` only.
    public func apply(to samples: [Float], sampleRate: Int, random: inout CorpusRandom) throws -> [Float] {
        guard random.nextUnit() < configuration.probability else { return samples }
        let factor = configuration.factors[random.index(below: configuration.factors.count)]
        return try SpeedPerturbation.perturb(samples, factor: factor, sampleRate: sampleRate)
    }

    /// `samples` played `factor` times faster (factor 1 returns them unchanged).
    /// - Throws: `AudioError.resampleFailed` from libsoxr.
    public static func perturb(_ samples: [Float], factor: Double, sampleRate: Int) throws -> [Float] {
        let source = Int((Double(sampleRate) * factor).rounded())
        guard source != sampleRate else { return samples }
        return try Resampler.resample(samples, from: source, to: sampleRate)
    }
}
