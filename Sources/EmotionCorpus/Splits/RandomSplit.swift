/// Clips drawn at random into train, validation and test, stratified by label (speakers may share sides).
///
/// Within each label the clips are shuffled with the seed and the first `round(test_fraction × n)` go to test,
/// the next `round(validation_fraction × n)` to validation, the rest to train (sklearn
/// `train_test_split(stratify=y)`), so every side keeps the corpus's class proportions.
/// Not speaker-independent: prefer a speaker split for reported results.
public struct RandomSplit: Split {
    public static let kind = "random"

    /// Options of the random split, as written in an experiment spec.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Share of each label's clips for test, in `[0, 1)`; default 0.2.
        public var testFraction: Double
        /// Share of each label's clips for validation, in `[0, 1)`; default 0.
        public var validationFraction: Double
        /// Seed of the shuffle; default 0.
        public var seed: Int

        /// Creates a configuration.
        public init(testFraction: Double = 0.2, validationFraction: Double = 0, seed: Int = 0) {
            self.testFraction = testFraction
            self.validationFraction = validationFraction
            self.seed = seed
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case testFraction = "test_fraction"
            case validationFraction = "validation_fraction"
            case seed
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            testFraction = try container.decodeIfPresent(Double.self, forKey: .testFraction) ?? 0.2
            validationFraction = try container.decodeIfPresent(Double.self, forKey: .validationFraction) ?? 0
            seed = try container.decodeIfPresent(Int.self, forKey: .seed) ?? 0
        }
    }

    /// The options this value was built from.
    public var configuration: Configuration

    /// Creates the split with `configuration`.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    public var groupsBySpeaker: Bool { false }

    public var summary: String {
        "random(test_fraction=\(configuration.testFraction), validation_fraction=" +
            "\(configuration.validationFraction), seed=\(configuration.seed))"
    }

    public func assign(_ corpus: Corpus) throws -> [SplitSide] {
        try SpeakerPartition.checkFraction(configuration.testFraction, key: "test_fraction", split: Self.kind)
        try SpeakerPartition.checkFraction(configuration.validationFraction, key: "validation_fraction",
                                           split: Self.kind)
        guard configuration.testFraction + configuration.validationFraction < 1 else {
            throw CorpusError.invalidSplit(split: Self.kind, reason:
                "test_fraction + validation_fraction must be < 1. Received: " +
                "\(configuration.testFraction) + \(configuration.validationFraction)")
        }
        var sides = [SplitSide](repeating: .train, count: corpus.clips.count)
        RandomSplit.stratify(Array(corpus.clips.indices), of: corpus, test: configuration.testFraction,
                             validation: configuration.validationFraction, seed: configuration.seed, into: &sides)
        return sides
    }

    /// Assigns `indices` to test and validation per label by the given fractions (the rest keep their side).
    static func stratify(_ indices: [Int], of corpus: Corpus, test: Double, validation: Double, seed: Int,
                         into sides: inout [SplitSide]) {
        let byLabel = Dictionary(grouping: indices, by: { corpus.clips[$0].label })
        for (labelIndex, label) in corpus.classes.enumerated() {
            guard var members = byLabel[label] else { continue }
            // One stream per label, so adding a class never reshuffles the others.
            var random = CorpusRandom(seed: seed, 0x5241_4e44, labelIndex)
            random.shuffle(&members)
            let testCount = Int((test * Double(members.count)).rounded())
            let validationCount = min(Int((validation * Double(members.count)).rounded()),
                                      members.count - testCount)
            for (position, index) in members.enumerated() {
                if position < testCount {
                    sides[index] = .test
                } else if position < testCount + validationCount {
                    sides[index] = .validation
                }
            }
        }
    }
}
