/// Leave-one-speaker-out (LOSO): one speaker is the test side, every other speaker trains.
///
/// The test speaker is named (`speaker`) or chosen by index into the sorted speaker list (`fold`, so a sweep over
/// `fold = 0..<S` runs the full LOSO protocol). With `validation: next_speaker` the next speaker in sorted order
/// (cyclically) is the validation side. Deterministic: there is nothing random to seed.
public struct LeaveOneSpeakerOutSplit: Split {
    public static let kind = "loso"

    /// Where the validation speaker comes from.
    public enum Validation: String, Codable, Sendable, CaseIterable {
        /// No validation side.
        case none
        /// The speaker after the test speaker in sorted order (cyclically).
        case nextSpeaker = "next_speaker"
    }

    /// Options of the LOSO split, as written in an experiment spec.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The test speaker by name; when set, `fold` is ignored.
        public var speaker: String?
        /// The test speaker by index into the sorted speakers, `0..<S`; default 0.
        public var fold: Int
        /// Validation side; default `none`.
        public var validation: Validation

        /// Creates a configuration.
        public init(speaker: String? = nil, fold: Int = 0, validation: Validation = .none) {
            self.speaker = speaker
            self.fold = fold
            self.validation = validation
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case speaker, fold, validation
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            speaker = try container.decodeIfPresent(String.self, forKey: .speaker)
            fold = try container.decodeIfPresent(Int.self, forKey: .fold) ?? 0
            validation = try container.decodeIfPresent(Validation.self, forKey: .validation) ?? .none
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
        let which = c.speaker.map { "speaker=\($0)" } ?? "fold=\(c.fold)"
        return "loso(\(which), validation=\(c.validation.rawValue))"
    }

    public func assign(_ corpus: Corpus) throws -> [SplitSide] {
        let c = configuration
        let speakers = try SpeakerPartition.speakers(of: corpus, split: Self.kind)
        let minimum = c.validation == .nextSpeaker ? 3 : 2
        guard speakers.count >= minimum else {
            throw CorpusError.invalidSplit(split: Self.kind, reason:
                "needs at least \(minimum) speakers, corpus '\(corpus.name)' has \(speakers.count)")
        }
        let index: Int
        if let speaker = c.speaker {
            guard let found = SpeakerPartition.match(speaker, in: speakers).flatMap({ speakers.firstIndex(of: $0) }) else {
                throw CorpusError.invalidSplit(split: Self.kind, reason:
                    "speaker '\(speaker)' is not in corpus '\(corpus.name)'. Known speakers: " +
                    speakers.joined(separator: ", "))
            }
            index = found
        } else {
            guard speakers.indices.contains(c.fold) else {
                throw CorpusError.invalidSplit(split: Self.kind, reason:
                    "fold must be in 0..<\(speakers.count) (the number of speakers). Received: fold=\(c.fold)")
            }
            index = c.fold
        }
        let validation: Set<String> = c.validation == .nextSpeaker ? [speakers[(index + 1) % speakers.count]] : []
        return SpeakerPartition.sides(for: corpus, test: [speakers[index]], validation: validation)
    }
}
