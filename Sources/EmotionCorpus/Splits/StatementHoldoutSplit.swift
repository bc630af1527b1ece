/// Holds out one RAVDESS statement (field 5): all clips of that sentence are tested, the other one trains.
///
/// This measures whether a model generalises across lexical content; speakers appear on both sides. Clips need
/// a `statement` attribute (`01`/`02`, set by `RavdessSource`, or a manifest column named `statement`).
/// An optional validation share is drawn from the training statement, stratified by label.
public struct StatementHoldoutSplit: Split {
    public static let kind = "statement_holdout"

    /// Options of the statement holdout, as written in an experiment spec.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The statement held out for test, 1 or 2; default 2 ("Dogs are sitting by the door").
        public var testStatement: Int
        /// Share of each label's training-statement clips for validation, in `[0, 1)`; default 0.
        public var validationFraction: Double
        /// Seed of the validation draw; default 0.
        public var seed: Int

        /// Creates a configuration.
        public init(testStatement: Int = 2, validationFraction: Double = 0, seed: Int = 0) {
            self.testStatement = testStatement
            self.validationFraction = validationFraction
            self.seed = seed
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case testStatement = "test_statement"
            case validationFraction = "validation_fraction"
            case seed
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            testStatement = try container.decodeIfPresent(Int.self, forKey: .testStatement) ?? 2
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
        "statement_holdout(test_statement=\(configuration.testStatement), validation_fraction=" +
            "\(configuration.validationFraction), seed=\(configuration.seed))"
    }

    public func assign(_ corpus: Corpus) throws -> [SplitSide] {
        guard (1...2).contains(configuration.testStatement) else {
            throw CorpusError.invalidSplit(split: Self.kind, reason:
                "test_statement must be 1 or 2. Received: test_statement=\(configuration.testStatement)")
        }
        try SpeakerPartition.checkFraction(configuration.validationFraction, key: "validation_fraction",
                                           split: Self.kind)
        var sides = [SplitSide](repeating: .train, count: corpus.clips.count)
        var training: [Int] = []
        for (index, clip) in corpus.clips.enumerated() {
            guard let text = clip.attributes["statement"], let statement = Int(text), (1...2).contains(statement) else {
                throw CorpusError.invalidSplit(split: Self.kind, reason:
                    "clip \(clip.path) has no RAVDESS statement attribute (01 or 02)")
            }
            if statement == configuration.testStatement { sides[index] = .test } else { training.append(index) }
        }
        RandomSplit.stratify(training, of: corpus, test: 0, validation: configuration.validationFraction,
                             seed: configuration.seed, into: &sides)
        return sides
    }
}
