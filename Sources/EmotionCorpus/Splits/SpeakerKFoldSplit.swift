/// K-fold cross-validation grouped by speaker (sklearn `GroupKFold` with gender-balanced folds).
///
/// Speakers are dealt into `k` folds: each gender, shuffled with the seed, is dealt round-robin, continuing from
/// the fold where the previous gender stopped, so fold sizes differ by at most one speaker and so do each
/// gender's counts per fold. Fold `fold` is the test side; with `validation: next_fold`, fold `(fold + 1) mod k`
/// is the validation side; with `validation: train_speakers`, `validation_count` speakers of the other folds are
/// drawn for validation (gender-interleaved, seeded by `seed` and `fold`), so training keeps the rest of the
/// `k - 1` folds instead of losing a whole fold. Over `fold = 0..<k` every speaker is tested exactly once. The folds depend only on
/// the seed and the speakers, never on `fold`, so a sweep over `fold` sees one consistent partition.
public struct SpeakerKFoldSplit: Split {
    public static let kind = "speaker_kfold"

    /// Where the validation speakers of a fold come from.
    public enum Validation: String, Codable, Sendable, CaseIterable {
        /// No validation side.
        case none
        /// The fold after the test fold (cyclically).
        case nextFold = "next_fold"
        /// `validation_count` speakers drawn from the training folds.
        case trainSpeakers = "train_speakers"
    }

    /// Options of the speaker k-fold split, as written in an experiment spec.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Number of folds, `2…S`; default 5.
        public var k: Int
        /// The test fold, `0..<k`; default 0. A sweep ranges over it.
        public var fold: Int
        /// Validation side; default `none`.
        public var validation: Validation
        /// Balance genders across folds; default true.
        public var balanceGender: Bool
        /// Seed of the speaker shuffle; default 0.
        public var seed: Int
        /// Speakers drawn from the training folds with `validation: train_speakers` (≥ 1); default 2.
        public var validationCount: Int

        /// Creates a configuration.
        public init(k: Int = 5, fold: Int = 0, validation: Validation = .none, balanceGender: Bool = true,
                    seed: Int = 0, validationCount: Int = 2) {
            self.k = k
            self.fold = fold
            self.validation = validation
            self.balanceGender = balanceGender
            self.seed = seed
            self.validationCount = validationCount
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case k, fold, validation
            case balanceGender = "balance_gender"
            case seed
            case validationCount = "validation_count"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            k = try container.decodeIfPresent(Int.self, forKey: .k) ?? 5
            fold = try container.decodeIfPresent(Int.self, forKey: .fold) ?? 0
            validation = try container.decodeIfPresent(Validation.self, forKey: .validation) ?? .none
            balanceGender = try container.decodeIfPresent(Bool.self, forKey: .balanceGender) ?? true
            seed = try container.decodeIfPresent(Int.self, forKey: .seed) ?? 0
            validationCount = try container.decodeIfPresent(Int.self, forKey: .validationCount) ?? 2
        }

        /// `validation_count` is written only with `validation: train_speakers`, the one mode that reads it, so
        /// the other modes resolve (and name their runs) as before the option existed.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(k, forKey: .k)
            try container.encode(fold, forKey: .fold)
            try container.encode(validation, forKey: .validation)
            try container.encode(balanceGender, forKey: .balanceGender)
            try container.encode(seed, forKey: .seed)
            if validation == .trainSpeakers { try container.encode(validationCount, forKey: .validationCount) }
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
        return "speaker_kfold(k=\(c.k), fold=\(c.fold), validation=\(c.validation.rawValue), " +
            "balance_gender=\(c.balanceGender), seed=\(c.seed)" +
            (c.validation == .trainSpeakers ? ", validation_count=\(c.validationCount))" : ")")
    }

    /// The speakers of every fold, in fold order.
    /// - Throws: `CorpusError.invalidSplit` when `k` does not fit the number of speakers.
    public func folds(of corpus: Corpus) throws -> [[String]] {
        let c = configuration
        let speakers = try SpeakerPartition.speakers(of: corpus, split: Self.kind)
        let needed = c.validation == .nextFold ? max(3, c.k) : c.k
        guard c.k >= 2, needed <= speakers.count else {
            throw CorpusError.invalidSplit(split: Self.kind, reason:
                "k must be in 2...\(speakers.count) (the number of speakers)" +
                (c.validation == .nextFold ? " and at least 3 with validation: next_fold" : "") +
                ". Received: k=\(c.k)")
        }
        return SpeakerPartition.folds(speakers, corpus: corpus, k: c.k, seed: c.seed, balanceGender: c.balanceGender)
    }

    public func assign(_ corpus: Corpus) throws -> [SplitSide] {
        let c = configuration
        let folds = try folds(of: corpus)
        guard (0..<c.k).contains(c.fold) else {
            throw CorpusError.invalidSplit(split: Self.kind, reason:
                "fold must be in 0..<\(c.k). Received: fold=\(c.fold)")
        }
        let validation: Set<String>
        switch c.validation {
        case .none: validation = []
        case .nextFold: validation = Set(folds[(c.fold + 1) % c.k])
        case .trainSpeakers:
            let training = folds.indices.filter { $0 != c.fold }.flatMap { folds[$0] }.sorted()
            guard c.validationCount >= 1, c.validationCount < training.count else {
                throw CorpusError.invalidSplit(split: Self.kind, reason:
                    "validation_count must be in 1..<\(training.count) (the speakers outside the test fold). " +
                    "Received: validation_count=\(c.validationCount)")
            }
            // Seeded by the fold too, so each fold draws its own validation speakers.
            let order = SpeakerPartition.interleaved(training, corpus: corpus, seed: c.seed &* 1_000_003 &+ c.fold,
                                                     balanceGender: c.balanceGender)
            validation = Set(order.prefix(c.validationCount))
        }
        return SpeakerPartition.sides(for: corpus, test: Set(folds[c.fold]), validation: validation)
    }
}
