/// A speaker's self-reported or corpus-documented gender, used to balance speaker splits.
public enum Gender: String, Sendable, Hashable, Codable, CaseIterable {
    case male, female
}

/// One labelled recording of a corpus.
public struct Clip: Sendable, Hashable, Codable {
    /// Absolute path of the audio file.
    public var path: String
    /// Class label, e.g. `"angry"`; the corpus orders the set of labels in `Corpus.classes`.
    public var label: String
    /// Speaker identifier as the corpus names it (RAVDESS: `"01"`…`"24"`), or `nil` when unknown.
    public var speaker: String?
    /// Speaker gender when known.
    public var gender: Gender?
    /// Corpus-specific fields (RAVDESS: `intensity`, `statement`, `repetition`, `vocal_channel`; manifests: `split`).
    public var attributes: [String: String]
    /// SHA-256 of the file's bytes in hexadecimal (`ContentHash.ofFile`), once computed; splits use it to keep
    /// byte-identical recordings on one side.
    public var contentHash: String?

    /// Creates a clip record.
    public init(path: String, label: String, speaker: String? = nil, gender: Gender? = nil,
                attributes: [String: String] = [:], contentHash: String? = nil) {
        self.path = path
        self.label = label
        self.speaker = speaker
        self.gender = gender
        self.attributes = attributes
        self.contentHash = contentHash
    }
}
