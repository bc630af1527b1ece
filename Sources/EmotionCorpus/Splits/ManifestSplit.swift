/// The split written in a manifest's `split` column (`train`, `validation`/`val`, `test`), e.g. an official
/// CREMA-D or challenge partition. Every clip must carry one; duplicates are still reconciled and checked.
public struct ManifestSplit: Split {
    public static let kind = "manifest"

    /// The manifest split has no options; the configuration exists so the registry can build it like the others.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Creates the (empty) configuration.
        public init() {}

        /// No keys: any option given in a spec is rejected as unknown.
        public enum CodingKeys: CodingKey, CaseIterable {
            public var stringValue: String { switch self {} }
            public var intValue: Int? { nil }
            public init?(stringValue: String) { nil }
            public init?(intValue: Int) { nil }
        }

        public init(from decoder: Decoder) throws {}
        public func encode(to encoder: Encoder) throws {}
    }

    /// The options this value was built from.
    public var configuration: Configuration

    /// Creates the split.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public var groupsBySpeaker: Bool { false }

    public var summary: String { "manifest" }

    public func assign(_ corpus: Corpus) throws -> [SplitSide] {
        try corpus.clips.map { clip in
            guard let text = clip.attributes["split"], let side = SplitSide(rawValue: text) else {
                throw CorpusError.invalidSplit(split: Self.kind, reason:
                    "clip \(clip.path) has no split column value (train, validation or test)")
            }
            return side
        }
    }
}
