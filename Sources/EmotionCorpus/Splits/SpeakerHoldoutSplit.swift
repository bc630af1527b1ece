/// Holds out whole speakers for test and validation: no speaker is ever on two sides.
///
/// Speakers are either listed (`test_speakers`, `validation_speakers`) or drawn by fraction of the speaker count
/// (`round(fraction × S)`, at least one when the fraction is positive). Drawn speakers are gender-balanced by
/// default: each gender is shuffled with the seed and the genders are interleaved, so a side of `n` speakers has
/// `⌈n/2⌉` of one gender and `⌊n/2⌋` of the other whenever both have enough speakers. Listed and drawn choices
/// may be mixed (e.g. fixed test speakers, validation drawn from the rest).
public struct SpeakerHoldoutSplit: Split {
    public static let kind = "speaker_holdout"

    /// Options of the speaker holdout, as written in an experiment spec.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Explicit test speakers (e.g. `["23", "24"]`; a number names the numeric id with the same value, `5` = `05`);
        /// when set, `test_fraction` is ignored.
        public var testSpeakers: [String]?
        /// Explicit validation speakers; when set, `validation_fraction` is ignored.
        public var validationSpeakers: [String]?
        /// Share of speakers held out for test, in `[0, 1)`; default 0.2.
        public var testFraction: Double
        /// Share of speakers held out for validation, in `[0, 1)`; default 0.
        public var validationFraction: Double
        /// Interleave genders when drawing speakers; default true.
        public var balanceGender: Bool
        /// Seed of the draw; default 0.
        public var seed: Int

        /// Creates a configuration.
        public init(testSpeakers: [String]? = nil, validationSpeakers: [String]? = nil, testFraction: Double = 0.2,
                    validationFraction: Double = 0, balanceGender: Bool = true, seed: Int = 0) {
            self.testSpeakers = testSpeakers
            self.validationSpeakers = validationSpeakers
            self.testFraction = testFraction
            self.validationFraction = validationFraction
            self.balanceGender = balanceGender
            self.seed = seed
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case testSpeakers = "test_speakers"
            case validationSpeakers = "validation_speakers"
            case testFraction = "test_fraction"
            case validationFraction = "validation_fraction"
            case balanceGender = "balance_gender"
            case seed
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            testSpeakers = try container.decodeIfPresent([String].self, forKey: .testSpeakers)
            validationSpeakers = try container.decodeIfPresent([String].self, forKey: .validationSpeakers)
            testFraction = try container.decodeIfPresent(Double.self, forKey: .testFraction) ?? 0.2
            validationFraction = try container.decodeIfPresent(Double.self, forKey: .validationFraction) ?? 0
            balanceGender = try container.decodeIfPresent(Bool.self, forKey: .balanceGender) ?? true
            seed = try container.decodeIfPresent(Int.self, forKey: .seed) ?? 0
        }
    }

    /// The options this value was built from.
    public var configuration: Configuration

    /// Creates the split with `configuration`.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    public var groupsBySpeaker: Bool { true }

    public var summary: String {
        let c = configuration
        let test = c.testSpeakers.map { "test_speakers=[\($0.joined(separator: ","))]" }
            ?? "test_fraction=\(c.testFraction)"
        let validation = c.validationSpeakers.map { "validation_speakers=[\($0.joined(separator: ","))]" }
            ?? "validation_fraction=\(c.validationFraction)"
        return "speaker_holdout(\(test), \(validation), balance_gender=\(c.balanceGender), seed=\(c.seed))"
    }

    public func assign(_ corpus: Corpus) throws -> [SplitSide] {
        let c = configuration
        let speakers = try SpeakerPartition.speakers(of: corpus, split: Self.kind)
        try SpeakerPartition.checkFraction(c.testFraction, key: "test_fraction", split: Self.kind)
        try SpeakerPartition.checkFraction(c.validationFraction, key: "validation_fraction", split: Self.kind)
        var resolved: [String: [String]] = [:]
        for (key, listed) in [("test_speakers", c.testSpeakers), ("validation_speakers", c.validationSpeakers)] {
            guard let listed else { continue }
            resolved[key] = try listed.map { name in
                guard let speaker = SpeakerPartition.match(name, in: speakers) else {
                    throw CorpusError.invalidSplit(split: Self.kind, reason:
                        "\(key) names speaker '\(name)', which is not in corpus '\(corpus.name)'. Known speakers: " +
                        speakers.joined(separator: ", "))
                }
                return speaker
            }
        }
        let (listedTest, listedValidation) = (resolved["test_speakers"], resolved["validation_speakers"])
        if let both = listedTest?.first(where: { listedValidation?.contains($0) ?? false }) {
            throw CorpusError.invalidSplit(split: Self.kind, reason:
                "speaker '\(both)' is listed in both test_speakers and validation_speakers")
        }
        let order = SpeakerPartition.interleaved(speakers, corpus: corpus, seed: c.seed,
                                                 balanceGender: c.balanceGender)
        var test = Set(listedTest ?? [])
        if listedTest == nil {
            let fixedValidation = Set(listedValidation ?? [])
            let pool = order.filter { !fixedValidation.contains($0) }
            test = Set(pool.prefix(SpeakerPartition.count(c.testFraction, of: speakers.count)))
        }
        var validation = Set(listedValidation ?? [])
        if listedValidation == nil {
            let pool = order.filter { !test.contains($0) }
            validation = Set(pool.prefix(SpeakerPartition.count(c.validationFraction, of: speakers.count)))
        }
        guard test.count + validation.count < speakers.count else {
            throw CorpusError.invalidSplit(split: Self.kind, reason:
                "\(test.count) test and \(validation.count) validation speakers leave no training speaker out of " +
                "\(speakers.count)")
        }
        return SpeakerPartition.sides(for: corpus, test: test, validation: validation)
    }
}
