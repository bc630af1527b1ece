/// Shifts a clip in time by up to `maxShift` seconds either way, rolling samples around or zero-filling.
public struct TimeShift: WaveformAugmentation {
    /// Options (YAML keys `max_shift`, `rollover`, `probability`; names as in `audiomentations.Shift`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Largest shift in seconds, either direction (`max_shift`, ≥ 0, default 0.2).
        public var maxShift: Double
        /// Samples pushed off one end re-enter at the other (`rollover`, default true); otherwise zeros fill in.
        public var rollover: Bool
        /// Chance that a clip is augmented (`probability`, 0…1, default 1).
        public var probability: Double

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case maxShift = "max_shift", rollover, probability
        }

        /// Options; every argument defaults as documented on its property.
        public init(maxShift: Double = 0.2, rollover: Bool = true, probability: Double = 1) {
            self.maxShift = maxShift
            self.rollover = rollover
            self.probability = probability
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(maxShift: try c.decodeIfPresent(Double.self, forKey: .maxShift) ?? 0.2,
                      rollover: try c.decodeIfPresent(Bool.self, forKey: .rollover) ?? true,
                      probability: try AugmentationCoding.probability(c, .probability))
            guard maxShift >= 0 else {
                throw DecodingError.dataCorruptedError(forKey: .maxShift, in: c,
                                                       debugDescription: "max_shift must be >= 0 seconds. Received: max_shift=\(maxShift)")
            }
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
        guard random.nextUnit() < configuration.probability, !samples.isEmpty else { return samples }
        let limit = min(samples.count - 1, Int(configuration.maxShift * Double(sampleRate)))
        let shift = random.index(below: 2 * limit + 1) - limit
        return TimeShift.shift(samples, by: shift, rollover: configuration.rollover)
    }

    /// `samples` moved `shift` samples later (earlier when negative): `y[n] = x[n - shift]`.
    public static func shift(_ samples: [Float], by shift: Int, rollover: Bool) -> [Float] {
        let count = samples.count
        guard count > 0, shift != 0 else { return samples }
        var output = [Float](repeating: 0, count: count)
        for n in 0..<count {
            let source = n - shift
            if source >= 0 && source < count {
                output[n] = samples[source]
            } else if rollover {
                output[n] = samples[((source % count) + count) % count]
            }
        }
        return output
    }
}
