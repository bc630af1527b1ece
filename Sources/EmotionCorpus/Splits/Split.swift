/// One of the three sides of a split.
public enum SplitSide: String, Sendable, Hashable, Codable, CaseIterable {
    case train, validation, test
}

/// A way of dividing a corpus into train, validation and test clips; all randomness comes from a recorded seed.
///
/// A split type implements `assign`, the raw side of every clip. `apply(to:)` then reconciles byte-identical
/// duplicates and checks the invariants in code, throwing `CorpusError.splitInvariant` rather than returning a
/// leaky split:
/// - every clip is on exactly one side or excluded;
/// - for speaker splits (`groupsBySpeaker`), no speaker has clips on two sides;
/// - no two byte-identical files (same SHA-256) are on different sides.
///
/// Duplicates: a group of identical files found on several sides is moved whole to the side that holds most of
/// its members (ties: train, then validation, then test), so a split stays as close as possible to what its
/// configuration asked for. In a speaker split the members are necessarily different speakers' clips (one
/// speaker's clips share a side), and moving one would put its speaker on two sides; those members are excluded
/// from the split instead and listed in `SplitResult.excluded`.
public protocol Split: Sendable {
    /// Registry type key, e.g. `random`, `speaker_kfold`.
    static var kind: String { get }
    /// Whether the split keeps every speaker on one side (checked by `apply`).
    var groupsBySpeaker: Bool { get }
    /// A short canonical text of the split and its options, recorded with runs.
    var summary: String { get }
    /// The side of every clip, before duplicate reconciliation.
    /// - Throws: `CorpusError.invalidSplit` when the options do not fit the corpus.
    func assign(_ corpus: Corpus) throws -> [SplitSide]
}

/// The clips on each side of a split, by index into `Corpus.clips`, and the speakers on each side.
public struct SplitResult: Sendable, Equatable, Codable {
    /// `Split.summary` of the split that produced this result.
    public var split: String
    /// Training clip indices, ascending.
    public var train: [Int]
    /// Validation clip indices, ascending (empty when the split has no validation side).
    public var validation: [Int]
    /// Test clip indices, ascending.
    public var test: [Int]
    /// Clips left out of every side (duplicates across speakers in a speaker split).
    public var excluded: [Int]
    /// Clips moved to the side of a byte-identical twin.
    public var movedDuplicates: [Int]
    /// Sorted speakers with at least one clip on each side (empty when the corpus has no speakers).
    public var trainSpeakers: [String]
    /// Sorted speakers on the validation side.
    public var validationSpeakers: [String]
    /// Sorted speakers on the test side.
    public var testSpeakers: [String]

    /// Creates a result from its parts (`Split.apply` is the usual way; `verify` checks a hand-built one).
    public init(split: String, train: [Int], validation: [Int], test: [Int], excluded: [Int] = [],
                movedDuplicates: [Int] = [], trainSpeakers: [String] = [], validationSpeakers: [String] = [],
                testSpeakers: [String] = []) {
        self.split = split
        self.train = train
        self.validation = validation
        self.test = test
        self.excluded = excluded
        self.movedDuplicates = movedDuplicates
        self.trainSpeakers = trainSpeakers
        self.validationSpeakers = validationSpeakers
        self.testSpeakers = testSpeakers
    }

    /// The clip indices on `side`.
    public func indices(_ side: SplitSide) -> [Int] {
        switch side {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }

    /// The speakers on `side`.
    public func speakers(_ side: SplitSide) -> [String] {
        switch side {
        case .train: return trainSpeakers
        case .validation: return validationSpeakers
        case .test: return testSpeakers
        }
    }

    /// Checks the split invariants against `corpus`: a partition of all clips, speakers on one side when
    /// `speakerDisjoint`, and no content hash on two sides.
    /// - Throws: `CorpusError.splitInvariant` naming the speaker, clips or hash at fault.
    public func verify(against corpus: Corpus, speakerDisjoint: Bool) throws {
        func fail(_ reason: String) -> CorpusError { .splitInvariant(split: split, reason: reason) }
        var sideOf = [SplitSide?](repeating: nil, count: corpus.clips.count)
        var seen = [Bool](repeating: false, count: corpus.clips.count)
        for (side, indices) in [(SplitSide?.some(.train), train), (.validation, validation), (.test, test),
                                (nil, excluded)] {
            for index in indices {
                guard corpus.clips.indices.contains(index) else { throw fail("clip index \(index) out of range") }
                guard !seen[index] else { throw fail("clip \(corpus.clips[index].path) is listed twice") }
                seen[index] = true
                sideOf[index] = side
            }
        }
        if let missing = seen.firstIndex(of: false) {
            throw fail("clip \(corpus.clips[missing].path) is on no side and not excluded")
        }
        if speakerDisjoint {
            var speakerSide: [String: (SplitSide, Int)] = [:]
            for (index, side) in sideOf.enumerated() {
                guard let side, let speaker = corpus.clips[index].speaker else { continue }
                if let (other, otherIndex) = speakerSide[speaker], other != side {
                    throw fail("speaker \(speaker) is on \(other.rawValue) (\(corpus.clips[otherIndex].path)) and " +
                               "\(side.rawValue) (\(corpus.clips[index].path))")
                }
                speakerSide[speaker] = (side, index)
            }
        }
        var hashSide: [String: (SplitSide, Int)] = [:]
        for (index, side) in sideOf.enumerated() {
            guard let side, let hash = corpus.clips[index].contentHash else { continue }
            if let (other, otherIndex) = hashSide[hash], other != side {
                throw fail("identical files straddle sides: \(corpus.clips[otherIndex].path) (\(other.rawValue)) " +
                           "and \(corpus.clips[index].path) (\(side.rawValue))")
            }
            hashSide[hash] = (side, index)
        }
    }
}

extension Split {
    /// Splits `corpus`: computes missing content hashes, assigns sides, moves duplicates next to their twins,
    /// and verifies every invariant.
    /// - Throws: `CorpusError.invalidSplit` for options that do not fit, `CorpusError.unreadableFile` when a
    ///   file cannot be hashed, `CorpusError.splitInvariant` if a check fails.
    public func apply(to corpus: Corpus) throws -> SplitResult {
        let hashed = try corpus.withContentHashes()
        var sides: [SplitSide?] = try assign(hashed)
        precondition(sides.count == hashed.clips.count,
                     "\(Self.kind).assign returned \(sides.count) sides for \(hashed.clips.count) clips")
        var moved: [Int] = []
        var groups: [String: [Int]] = [:]
        for (index, clip) in hashed.clips.enumerated() {
            if let hash = clip.contentHash { groups[hash, default: []].append(index) }
        }
        for members in groups.values where Set(members.compactMap { sides[$0] }).count > 1 {
            let counts = Dictionary(grouping: members.compactMap { sides[$0] }, by: { $0 }).mapValues(\.count)
            let order = SplitSide.allCases
            let target = order.max { (counts[$0] ?? 0, -(order.firstIndex(of: $0) ?? 0))
                < (counts[$1] ?? 0, -(order.firstIndex(of: $1) ?? 0)) } ?? .train
            for member in members where sides[member] != target {
                sides[member] = groupsBySpeaker ? nil : target
                moved.append(member)
            }
        }
        var result = SplitResult(split: summary, train: [], validation: [], test: [], excluded: [],
                                 movedDuplicates: groupsBySpeaker ? [] : moved.sorted(),
                                 trainSpeakers: [], validationSpeakers: [], testSpeakers: [])
        var speakers: [SplitSide: Set<String>] = [:]
        for (index, side) in sides.enumerated() {
            switch side {
            case .train?: result.train.append(index)
            case .validation?: result.validation.append(index)
            case .test?: result.test.append(index)
            case nil: result.excluded.append(index)
            }
            if let side, let speaker = hashed.clips[index].speaker { speakers[side, default: []].insert(speaker) }
        }
        result.trainSpeakers = Corpus.sortSpeakers(speakers[.train] ?? [])
        result.validationSpeakers = Corpus.sortSpeakers(speakers[.validation] ?? [])
        result.testSpeakers = Corpus.sortSpeakers(speakers[.test] ?? [])
        try result.verify(against: hashed, speakerDisjoint: groupsBySpeaker)
        return result
    }
}
