/// The fields of an EMOVO file name, e.g. `dis-f1-b1.wav`.
///
/// Codes follow the corpus paper (Costantini et al. 2014, "EMOVO Corpus: an Italian Emotional Speech
/// Database", LREC):
///
/// ```
/// dis - f1 - b1 .wav
/// │     │    └ sentence: b1 b2 b3, l1…l4, n1…n5, d1 d2
/// │     └ speaker: f1 f2 f3 (female), m1 m2 m3 (male)
/// └ emotion: dis disgust, gio joy, neu neutral, pau fear, rab anger, sor surprise, tri sadness
/// ```
public struct EmovoFileName: Sendable, Hashable {
    /// The six speakers.
    public static let speakers = ["f1", "f2", "f3", "m1", "m2", "m3"]
    /// The fourteen sentence codes.
    public static let sentences = ["b1", "b2", "b3", "l1", "l2", "l3", "l4", "n1", "n2", "n3", "n4", "n5", "d1", "d2"]
    /// Emotion code → vocabulary label.
    public static let emotions: [String: String] = [
        "dis": "disgust", "gio": "happy", "neu": "neutral", "pau": "fearful", "rab": "angry", "sor": "surprised",
        "tri": "sad",
    ]
    static let expected = "EEE-SS-TT.wav (emotion, speaker, sentence), e.g. dis-f1-b1.wav"

    /// Emotion code, e.g. `"gio"`.
    public var emotionCode: String
    /// Speaker code, e.g. `"f1"`.
    public var speaker: String
    /// Sentence code, e.g. `"b1"`.
    public var sentence: String

    /// Creates a name from valid fields.
    public init(emotionCode: String, speaker: String, sentence: String) {
        precondition(EmovoFileName.emotions[emotionCode] != nil && EmovoFileName.speakers.contains(speaker)
                     && EmovoFileName.sentences.contains(sentence), "EMOVO fields out of range: \(emotionCode) \(speaker) \(sentence)")
        self.emotionCode = emotionCode
        self.speaker = speaker
        self.sentence = sentence
    }

    /// The vocabulary label.
    public var label: String { EmovoFileName.emotions[emotionCode] ?? "" }
    /// `f*` speakers are female, `m*` male.
    public var gender: Gender { speaker.hasPrefix("f") ? .female : .male }
    /// The canonical file name.
    public var fileName: String { "\(emotionCode)-\(speaker)-\(sentence).wav" }

    /// Parses the last path component of `path` (any audio extension).
    /// - Throws: `CorpusError.badFileName` naming the first wrong field and its value.
    public static func parse(_ path: String) throws -> EmovoFileName {
        func fail(_ reason: String) -> CorpusError {
            .badFileName(corpus: EmovoSource.kind, path: path, reason: reason, expected: expected)
        }
        let fields = try NamedCorpusScan.stem(path, fail: fail).split(separator: "-", omittingEmptySubsequences: false)
            .map(String.init)
        guard fields.count == 3 else { throw fail("has \(fields.count) fields, expected 3 separated by '-'") }
        guard emotions[fields[0]] != nil else {
            throw fail("emotion is '\(fields[0])', expected one of dis gio neu pau rab sor tri")
        }
        guard speakers.contains(fields[1]) else {
            throw fail("speaker is '\(fields[1])', expected one of \(speakers.joined(separator: " "))")
        }
        guard sentences.contains(fields[2]) else {
            throw fail("sentence is '\(fields[2])', expected one of \(sentences.joined(separator: " "))")
        }
        return EmovoFileName(emotionCode: fields[0], speaker: fields[1], sentence: fields[2])
    }
}

/// Reads EMOVO from its speaker folders `f1/ … m3/` (the archive layout) or from the folder holding the files.
///
/// Labels and speakers come from the file names (`EmovoFileName`); `f*` speakers are female, `m*` male. A file in
/// a speaker folder whose speaker field differs from the folder is a bad file. Attributes: `sentence`,
/// `emotion_code` (`gio`).
public struct EmovoSource: CorpusSource {
    public static let kind = "emovo"

    /// The options this value was built from.
    public var configuration: NamedCorpusConfiguration

    /// Creates a reader with `configuration`.
    public init(_ configuration: NamedCorpusConfiguration) {
        self.configuration = configuration
    }

    public func load() throws -> Corpus {
        let c = configuration
        let candidates = try NamedCorpusScan.candidates(in: c.root) { EmovoFileName.speakers.contains($0) }
        return try NamedCorpusScan.load(kind: Self.kind, name: c.name, root: c.root, policy: c.onBadFile,
                                        candidates: candidates,
                                        layout: "speaker folders f1/ … m3/ of files named like dis-f1-b1.wav") { candidate in
            let name = try EmovoFileName.parse(candidate.path)
            if let folder = candidate.folder, folder != name.speaker {
                throw CorpusError.badFileName(corpus: Self.kind, path: candidate.path, reason:
                    "speaker is '\(name.speaker)' but the file is in folder \(folder)/", expected: EmovoFileName.expected)
            }
            return EmovoSource.clip(path: candidate.path, name: name)
        }
    }

    /// The clip record of a parsed EMOVO file.
    public static func clip(path: String, name: EmovoFileName) -> Clip {
        Clip(path: path, label: name.label, speaker: name.speaker, gender: name.gender, attributes: [
            "sentence": name.sentence, "emotion_code": name.emotionCode,
        ])
    }
}
