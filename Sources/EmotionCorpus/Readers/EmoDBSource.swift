/// The fields of a Berlin EmoDB file name, e.g. `03a01Fa.wav`.
///
/// Codes follow the corpus documentation (Burkhardt et al. 2005, "A Database of German Emotional Speech",
/// Interspeech):
///
/// ```
/// 03 a01 F a .wav
/// │  │   │ └ version of the take: one lowercase letter (a, b, …)
/// │  │   └ emotion: W anger (Ärger), L boredom (Langeweile), E disgust (Ekel), A fear (Angst),
/// │  │     F happiness (Freude), T sadness (Trauer), N neutral
/// │  └ text: a01 a02 a04 a05 a07 b01 b02 b03 b09 b10
/// └ speaker: 03 10 11 12 15 (male), 08 09 13 14 16 (female)
/// ```
public struct EmoDBFileName: Sendable, Hashable {
    /// Speaker code → (gender, age at recording) from the corpus documentation.
    public static let speakers: [String: (gender: Gender, age: Int)] = [
        "03": (.male, 31), "08": (.female, 34), "09": (.female, 21), "10": (.male, 32), "11": (.male, 26),
        "12": (.male, 30), "13": (.female, 32), "14": (.female, 35), "15": (.male, 25), "16": (.female, 31),
    ]
    /// The ten text codes.
    public static let texts = ["a01", "a02", "a04", "a05", "a07", "b01", "b02", "b03", "b09", "b10"]
    /// Emotion letter → vocabulary label.
    public static let emotions: [Character: String] = [
        "W": "angry", "L": "boredom", "E": "disgust", "A": "fearful", "F": "happy", "T": "sad", "N": "neutral",
    ]
    static let expected = "SSTTTEV.wav (speaker, text code, emotion letter, version letter), e.g. 03a01Fa.wav"

    /// Speaker code, e.g. `"03"`.
    public var speaker: String
    /// Text code, e.g. `"a01"`.
    public var text: String
    /// Emotion letter (`W`, `L`, `E`, `A`, `F`, `T`, `N`).
    public var emotionCode: Character
    /// Version letter, e.g. `"a"`.
    public var version: Character

    /// Creates a name from valid fields.
    public init(speaker: String, text: String, emotionCode: Character, version: Character = "a") {
        precondition(EmoDBFileName.speakers[speaker] != nil && EmoDBFileName.texts.contains(text)
                     && EmoDBFileName.emotions[emotionCode] != nil, "EmoDB fields out of range: \(speaker) \(text) \(emotionCode)")
        self.speaker = speaker
        self.text = text
        self.emotionCode = emotionCode
        self.version = version
    }

    /// The vocabulary label of the emotion letter.
    public var label: String { EmoDBFileName.emotions[emotionCode] ?? "" }
    /// The speaker's documented gender.
    public var gender: Gender { EmoDBFileName.speakers[speaker]?.gender ?? .male }
    /// The canonical file name, e.g. `03a01Fa.wav`.
    public var fileName: String { "\(speaker)\(text)\(emotionCode)\(version).wav" }

    /// Parses the last path component of `path` (any audio extension).
    /// - Throws: `CorpusError.badFileName` naming the first wrong field and its value.
    public static func parse(_ path: String) throws -> EmoDBFileName {
        func fail(_ reason: String) -> CorpusError {
            .badFileName(corpus: EmoDBSource.kind, path: path, reason: reason, expected: expected)
        }
        let stem = Array(try NamedCorpusScan.stem(path, fail: fail))
        guard stem.count == 7 else { throw fail("has \(stem.count) characters before the extension, expected 7") }
        let speaker = String(stem[0..<2]), text = String(stem[2..<5])
        guard speakers[speaker] != nil else {
            throw fail("speaker is '\(speaker)', expected one of \(speakers.keys.sorted().joined(separator: " "))")
        }
        guard texts.contains(text) else { throw fail("text is '\(text)', expected one of \(texts.joined(separator: " "))") }
        guard emotions[stem[5]] != nil else {
            throw fail("emotion is '\(stem[5])', expected one of W L E A F T N")
        }
        guard stem[6].isASCII, stem[6].isLowercase else {
            throw fail("version is '\(stem[6])', expected a lowercase letter")
        }
        return EmoDBFileName(speaker: speaker, text: text, emotionCode: stem[5], version: stem[6])
    }
}

/// Reads Berlin EmoDB from its `wav/` folder (the archive layout) or from the folder holding the files.
///
/// Labels, speakers and text come from the file names (`EmoDBFileName`); genders and ages from the corpus
/// documentation. Attributes: `text` (`a01`), `version` (`a`), `emotion_code` (`W`), `age`. A malformed name
/// or undecodable file is skipped or fatal per `on_bad_file`.
public struct EmoDBSource: CorpusSource {
    public static let kind = "emodb"

    /// The options this value was built from.
    public var configuration: NamedCorpusConfiguration

    /// Creates a reader with `configuration`.
    public init(_ configuration: NamedCorpusConfiguration) {
        self.configuration = configuration
    }

    public func load() throws -> Corpus {
        let c = configuration
        let directory = NamedCorpusScan.audioDirectory(c.root, inner: ["wav"])
        let candidates = try NamedCorpusScan.candidates(in: directory) { _ in false }
        return try NamedCorpusScan.load(kind: Self.kind, name: c.name, root: c.root, policy: c.onBadFile,
                                        candidates: candidates, layout: "a wav/ folder of files named like 03a01Fa.wav") {
            EmoDBSource.clip(path: $0.path, name: try EmoDBFileName.parse($0.path))
        }
    }

    /// The clip record of a parsed EmoDB file.
    public static func clip(path: String, name: EmoDBFileName) -> Clip {
        Clip(path: path, label: name.label, speaker: name.speaker, gender: name.gender, attributes: [
            "text": name.text, "version": String(name.version), "emotion_code": String(name.emotionCode),
            "age": String(EmoDBFileName.speakers[name.speaker]?.age ?? 0),
        ])
    }
}
