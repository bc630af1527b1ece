import Foundation

/// Multiplies a clip by a gain drawn uniformly in decibels (`10^(g/20)`), no clipping (samples are Float).
public struct RandomGain: WaveformAugmentation {
    /// Options (YAML keys `gain_db`, `probability`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Gain range in dB, `[low, high]` (`gain_db`, default `[-6, 6]`).
        public var gainDecibels: ClosedRange<Double>
        /// Chance that a clip is augmented (`probability`, 0…1, default 1).
        public var probability: Double

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case gainDecibels = "gain_db", probability
        }

        /// Options; every argument defaults as documented on its property.
        public init(gainDecibels: ClosedRange<Double> = -6...6, probability: Double = 1) {
            self.gainDecibels = gainDecibels
            self.probability = probability
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(gainDecibels: try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .gainDecibels) ?? -6...6,
                      probability: try AugmentationCoding.probability(c, .probability))
        }
    }

    /// The options this augmentation applies.
    public let configuration: Configuration

    /// The augmentation configured by `configuration`.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// `samples` augmented with randomness drawn from `random` only.
    public func apply(to samples: [Float], sampleRate: Int, random: inout CorpusRandom) throws -> [Float] {
        guard random.nextUnit() < configuration.probability else { return samples }
        let decibels = random.uniform(configuration.gainDecibels.lowerBound, configuration.gainDecibels.upperBound)
        let gain = Float(pow(10, decibels / 20))
        return samples.map { $0 * gain }
    }
}
