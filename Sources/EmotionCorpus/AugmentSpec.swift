import AudioFeatures

/// SpecAugment frequency and time masking of a `[T, C]` feature matrix (Park et al., 2019, "SpecAugment: A
/// Simple Data Augmentation Method for Automatic Speech Recognition"; parameter names as torchaudio's
/// `FrequencyMasking(freq_mask_param)` / `TimeMasking(time_mask_param)`). Time warping is not applied.
///
/// Each mask has a width drawn uniformly from `0…param` (cut to the axis length) and a start drawn uniformly
/// among the positions where it fits; masked values become `maskValue`.
public struct SpecAugment: Sendable {
    /// Options (YAML keys `freq_masks`, `freq_mask_param`, `time_masks`, `time_mask_param`, `mask_value`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Number of frequency (feature-axis) masks (`freq_masks`, ≥ 0, default 2).
        public var frequencyMasks: Int
        /// Largest frequency-mask width in features, `F` (`freq_mask_param`, ≥ 0, default 8).
        public var frequencyMaskParameter: Int
        /// Number of time masks (`time_masks`, ≥ 0, default 2).
        public var timeMasks: Int
        /// Largest time-mask width in frames, `T` (`time_mask_param`, ≥ 0, default 20).
        public var timeMaskParameter: Int
        /// Value written into masked cells (`mask_value`, default 0).
        public var maskValue: Float

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case frequencyMasks = "freq_masks", frequencyMaskParameter = "freq_mask_param", timeMasks = "time_masks"
            case timeMaskParameter = "time_mask_param", maskValue = "mask_value"
        }

        /// Options; every argument defaults as documented on its property.
        public init(frequencyMasks: Int = 2, frequencyMaskParameter: Int = 8, timeMasks: Int = 2,
                    timeMaskParameter: Int = 20, maskValue: Float = 0) {
            self.frequencyMasks = frequencyMasks
            self.frequencyMaskParameter = frequencyMaskParameter
            self.timeMasks = timeMasks
            self.timeMaskParameter = timeMaskParameter
            self.maskValue = maskValue
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func count(_ key: CodingKeys, _ fallback: Int) throws -> Int {
                let value = try c.decodeIfPresent(Int.self, forKey: key) ?? fallback
                guard value >= 0 else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c,
                                                           debugDescription: "\(key.stringValue) must be >= 0. Received: \(key.stringValue)=\(value)")
                }
                return value
            }
            self.init(frequencyMasks: try count(.frequencyMasks, 2), frequencyMaskParameter: try count(.frequencyMaskParameter, 8),
                      timeMasks: try count(.timeMasks, 2), timeMaskParameter: try count(.timeMaskParameter, 20),
                      maskValue: try c.decodeIfPresent(Float.self, forKey: .maskValue) ?? 0)
        }
    }

    /// The options this augmentation applies.
    public let configuration: Configuration

    /// The augmentation configured by `configuration`.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// `matrix` with the configured masks drawn from `random`.
    public func apply(to matrix: FeatureMatrix, random: inout CorpusRandom) -> FeatureMatrix {
        var masked = matrix
        let frames = matrix.frameCount, features = matrix.featureCount
        for _ in 0..<configuration.frequencyMasks {
            let (start, width) = SpecAugment.draw(parameter: configuration.frequencyMaskParameter, length: features, random: &random)
            for t in 0..<frames { for c in start..<start + width { masked[t, c] = configuration.maskValue } }
        }
        for _ in 0..<configuration.timeMasks {
            let (start, width) = SpecAugment.draw(parameter: configuration.timeMaskParameter, length: frames, random: &random)
            for t in start..<start + width { for c in 0..<features { masked[t, c] = configuration.maskValue } }
        }
        return masked
    }

    /// A mask `[start, start + width)` with `width` uniform in `0…min(parameter, length)`.
    static func draw(parameter: Int, length: Int, random: inout CorpusRandom) -> (start: Int, width: Int) {
        guard length > 0 else { return (0, 0) }
        let width = random.index(below: min(parameter, length) + 1)
        return (random.index(below: length - width + 1), width)
    }
}
