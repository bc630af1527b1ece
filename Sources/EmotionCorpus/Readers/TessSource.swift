/// The fields of a TESS file name, e.g. `OAF_back_angry.wav`.
///
/// Codes follow the corpus description (Dupuis & Pichora-Fuller 2010, University of Toronto):
///
/// ```
/// OAF _ back _ angry .wav
/// │     │      └ emotion: angry, disgust, fear, happy, neutral, ps (pleasant surprise), sad
/// │     └ target word of the carrier phrase "Say the word …"
/// └ speaker: OAF (older actress, 64), YAF (younger actress, 26); both female
/// ```
/// Speaker and emotion are matched without regard to case, as copies of the corpus differ in case.
public struct TessFileName: Sendable, Hashable {
    /// The two speakers.
    public static let speakers = ["OAF", "YAF"]
    /// Emotion word → vocabulary label.
    public static let emotions: [String: String] = [
        "angry": "angry", "disgust": "disgust", "fear": "fearful", "happy": "happy", "neutral": "neutral",
        "ps": "surprised", "sad": "sad",
    ]
    static let expected = "SPEAKER_WORD_EMOTION.wav (speaker OAF/YAF, target word, emotion), e.g. OAF_back_angry.wav"

    /// Speaker code, `"OAF"` or `"YAF"`.
    public var speaker: String
    /// The target word, e.g. `"back"`.
    public var word: String
    /// Emotion word as in the corpus, lowercased (`"ps"` for pleasant surprise).
    public var emotionCode: String

    /// Creates a name from valid fields.
    public init(speaker: String, word: String, emotionCode: String) {
        precondition(TessFileName.speakers.contains(speaker) && TessFileName.emotions[emotionCode] != nil && !word.isEmpty,
                     "TESS fields out of range: \(speaker) \(word) \(emotionCode)")
        self.speaker = speaker
        self.word = word
        self.emotionCode = emotionCode
    }

    /// The vocabulary label.
    public var label: String { TessFileName.emotions[emotionCode] ?? "" }
    /// The canonical file name.
    public var fileName: String { "\(speaker)_\(word)_\(emotionCode).wav" }

    /// Parses the last path component of `path` (any audio extension).
    /// - Throws: `CorpusError.badFileName` naming the first wrong field and its value.
    public static func parse(_ path: String) throws -> TessFileName {
        func fail(_ reason: String) -> CorpusError {
            .badFileName(corpus: TessSource.kind, path: path, reason: reason, expected: expected)
        }
        let fields = try NamedCorpusScan.stem(path, fail: fail).split(separator: "_", omittingEmptySubsequences: false)
            .map(String.init)
        guard fields.count >= 3 else { throw fail("has \(fields.count) fields, expected 3 separated by '_'") }
        let speaker = fields[0].uppercased(), emotion = fields[fields.count - 1].lowercased()
        let word = fields[1..<(fields.count - 1)].joined(separator: "_")
        guard speakers.contains(speaker) else { throw fail("speaker is '\(fields[0])', expected OAF or YAF") }
        guard !word.isEmpty else { throw fail("word is empty") }
        guard emotions[emotion] != nil else {
            throw fail("emotion is '\(fields[fields.count - 1])', expected one of angry disgust fear happy neutral ps sad")
        }
        return TessFileName(speaker: speaker, word: word, emotionCode: emotion)
    }
}

/// Reads TESS from its per-speaker-and-emotion folders (`OAF_angry/`, …, possibly inside one wrapping folder)
/// or from the folder holding the files.
///
/// Labels and speakers come from the file names (`TessFileName`); both speakers are female. `ps` (pleasant
/// surprise) becomes `surprised`. Attributes: `word`, `emotion_code` (`ps`), `age_group` (`older`/`younger`).
public struct TessSource: CorpusSource {
    public static let kind = "tess"

    /// The options this value was built from.
    public var configuration: NamedCorpusConfiguration

    /// Creates a reader with `configuration`.
    public init(_ configuration: NamedCorpusConfiguration) {
        self.configuration = configuration
    }

    public func load() throws -> Corpus {
        let c = configuration
        var candidates = try NamedCorpusScan.candidates(in: c.root) { _ in true }
        // Archives often wrap the speaker folders in one more folder ("TESS Toronto emotional speech set data").
        for folder in try FileListing.list(c.root).directories {
            for inner in try FileListing.list(folder).directories {
                candidates += try FileListing.list(inner).files.filter(FileListing.isAudio)
                    .map { NamedCandidate(path: $0, folder: FileListing.baseName(inner)) }
            }
        }
        return try NamedCorpusScan.load(kind: Self.kind, name: c.name, root: c.root, policy: c.onBadFile,
                                        candidates: candidates, layout: "files named like OAF_back_angry.wav") {
            TessSource.clip(path: $0.path, name: try TessFileName.parse($0.path))
        }
    }

    /// The clip record of a parsed TESS file.
    public static func clip(path: String, name: TessFileName) -> Clip {
        Clip(path: path, label: name.label, speaker: name.speaker, gender: .female, attributes: [
            "word": name.word, "emotion_code": name.emotionCode, "age_group": name.speaker == "OAF" ? "older" : "younger",
        ])
    }
}
