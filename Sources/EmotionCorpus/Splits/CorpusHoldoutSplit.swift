/// Holds out one whole corpus of a combined corpus (`Corpus.combined`) for test: the cross-corpus protocol.
///
/// Test is every clip of the corpus named by `test`. Validation is either a second whole corpus (`validation`)
/// or whole speakers drawn from the training corpora (`validation_count` speakers, or `validation_fraction` of
/// them): each training corpus's speakers are ordered gender-balanced with the seed (as `speaker_holdout`), and
/// the corpora take turns, so every training corpus gives validation speakers. Speakers are namespaced by corpus,
/// so no speaker can be on two sides.
public struct CorpusHoldoutSplit: Split {
    public static let kind = "corpus_holdout"

    /// Options of the corpus holdout, as written in an experiment spec.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The corpus held out for test, by name (`emodb`).
        public var test: String
        /// A corpus held out whole for validation, or `nil` to draw validation speakers from training.
        public var validation: String?
        /// Share of the training speakers drawn for validation, in `[0, 1)`; default 0.
        public var validationFraction: Double
        /// Number of training speakers drawn for validation (overrides `validation_fraction`); default `nil`.
        public var validationCount: Int?
        /// Interleave genders when drawing validation speakers; default true.
        public var balanceGender: Bool
        /// Seed of the validation draw; default 0.
        public var seed: Int

        /// Creates a configuration.
        public init(test: String, validation: String? = nil, validationFraction: Double = 0,
                    validationCount: Int? = nil, balanceGender: Bool = true, seed: Int = 0) {
            self.test = test
            self.validation = validation
            self.validationFraction = validationFraction
            self.validationCount = validationCount
            self.balanceGender = balanceGender
            self.seed = seed
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case test, validation, seed
            case validationFraction = "validation_fraction"
            case validationCount = "validation_count"
            case balanceGender = "balance_gender"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            test = try container.decode(String.self, forKey: .test)
            validation = try container.decodeIfPresent(String.self, forKey: .validation)
            validationFraction = try container.decodeIfPresent(Double.self, forKey: .validationFraction) ?? 0
            validationCount = try container.decodeIfPresent(Int.self, forKey: .validationCount)
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
        let validation = c.validation.map { "validation=\($0)" }
            ?? c.validationCount.map { "validation_count=\($0)" } ?? "validation_fraction=\(c.validationFraction)"
        return "corpus_holdout(test=\(c.test), \(validation), balance_gender=\(c.balanceGender), seed=\(c.seed))"
    }

    public func assign(_ corpus: Corpus) throws -> [SplitSide] {
        let c = configuration
        func fail(_ reason: String) -> CorpusError { .invalidSplit(split: Self.kind, reason: reason) }
        let names = corpus.corpusNames
        guard names.count >= 2 else {
            throw fail("corpus '\(corpus.name)' is a single corpus; list several corpora under data: to hold one out")
        }
        for (key, name) in [("test", c.test), ("validation", c.validation)] {
            guard let name, !names.contains(name) else { continue }
            throw fail("\(key) names corpus '\(name)', which is not in the data. Known corpora: " +
                       names.joined(separator: ", "))
        }
        if c.validation == c.test { throw fail("corpus '\(c.test)' is named for both test and validation") }
        try SpeakerPartition.checkFraction(c.validationFraction, key: "validation_fraction", split: Self.kind)
        if let count = c.validationCount, count < 0 {
            throw fail("validation_count must be >= 0. Received: validation_count=\(count)")
        }
        if let validation = c.validation, c.validationFraction > 0 || c.validationCount != nil {
            throw fail("validation names corpus '\(validation)'; drop validation_fraction and validation_count, " +
                       "or drop validation to draw training speakers")
        }
        let training = names.filter { $0 != c.test && $0 != c.validation }
        guard !training.isEmpty else { throw fail("holding out \(c.test) and \(c.validation ?? "") leaves no training corpus") }
        var validationSpeakers = Set<String>()
        if c.validation == nil {
            let orders = training.map { name in
                SpeakerPartition.interleaved(Corpus.sortSpeakers(Set(corpus.clips.filter { $0.corpus == name }
                    .compactMap(\.speaker))), corpus: corpus, seed: c.seed, balanceGender: c.balanceGender)
            }
            let total = orders.map(\.count).reduce(0, +)
            let wanted = c.validationCount ?? SpeakerPartition.count(c.validationFraction, of: total)
            if total == 0 && wanted > 0 {
                throw fail("the training corpora \(training.joined(separator: ", ")) have no speakers to draw " +
                           "validation from; name a validation corpus instead")
            }
            guard wanted < total || wanted == 0 else {
                throw fail("\(wanted) validation speakers leave no training speaker out of the \(total) speakers " +
                           "of \(training.joined(separator: ", "))")
            }
            var cursor = Array(repeating: 0, count: orders.count)
            var part = 0
            while validationSpeakers.count < wanted {
                if cursor[part] < orders[part].count {
                    validationSpeakers.insert(orders[part][cursor[part]])
                    cursor[part] += 1
                }
                part = (part + 1) % orders.count
            }
        }
        return corpus.clips.map { clip in
            if clip.corpus == c.test { return .test }
            if clip.corpus == c.validation { return .validation }
            if let speaker = clip.speaker, validationSpeakers.contains(speaker) { return .validation }
            return .train
        }
    }
}
