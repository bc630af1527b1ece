/// The fields of a SAVEE file: speaker folder and name, `DC/a01.wav`, or the flat variant `DC_a01.wav`.
///
/// Codes follow the corpus documentation (Haq & Jackson 2009, University of Surrey):
///
/// ```
/// DC / sa 01 .wav        (flat: DC_sa01.wav)
/// │    │  └ sentence number: 01…15 (neutral 01…30)
/// │    └ emotion: a anger, d disgust, f fear, h happiness, n neutral, sa sadness, su surprise
/// └ speaker: DC, JE, JK, KL (all male)
/// ```
public struct SaveeFileName: Sendable, Hashable {
    /// The four speakers.
    public static let speakers = ["DC", "JE", "JK", "KL"]
    /// Emotion prefix → vocabulary label.
    public static let emotions: [String: String] = [
        "a": "angry", "d": "disgust", "f": "fearful", "h": "happy", "n": "neutral", "sa": "sad", "su": "surprised",
    ]
    static let expected = "SPEAKER/ENN.wav or SPEAKER_ENN.wav (speaker DC/JE/JK/KL, emotion prefix, two-digit " +
        "sentence), e.g. DC/a01.wav"

    /// Speaker code, e.g. `"DC"`.
    public var speaker: String
    /// Emotion prefix, e.g. `"sa"`.
    public var emotionCode: String
    /// Sentence number, 1…15 (1…30 for neutral).
    public var sentence: Int

    /// Creates a name from valid fields.
    public init(speaker: String, emotionCode: String, sentence: Int) {
        precondition(SaveeFileName.speakers.contains(speaker) && SaveeFileName.emotions[emotionCode] != nil
                     && (1...(emotionCode == "n" ? 30 : 15)).contains(sentence),
                     "SAVEE fields out of range: \(speaker) \(emotionCode) \(sentence)")
        self.speaker = speaker
        self.emotionCode = emotionCode
        self.sentence = sentence
    }

    /// The vocabulary label.
    public var label: String { SaveeFileName.emotions[emotionCode] ?? "" }
    /// The file name inside the speaker folder, e.g. `a01.wav`.
    public var fileName: String { emotionCode + RavdessFileName.twoDigits(sentence) + ".wav" }
    /// The path relative to the corpus root, e.g. `DC/a01.wav`.
    public var relativePath: String { speaker + "/" + fileName }

    /// Parses `path`: inside a speaker folder (`folder` = `DC`…) the name is `a01.wav`; elsewhere `DC_a01.wav`.
    /// - Throws: `CorpusError.badFileName` naming the first wrong field and its value.
    public static func parse(_ path: String, folder: String?) throws -> SaveeFileName {
        func fail(_ reason: String) -> CorpusError {
            .badFileName(corpus: SaveeSource.kind, path: path, reason: reason, expected: expected)
        }
        var stem = try NamedCorpusScan.stem(path, fail: fail)
        let speaker: String
        if let folder, speakers.contains(folder) {
            speaker = folder
        } else {
            let parts = stem.split(separator: "_", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw fail("has no speaker prefix 'DC_' and is not in a speaker folder") }
            guard speakers.contains(parts[0]) else {
                throw fail("speaker is '\(parts[0])', expected one of \(speakers.joined(separator: " "))")
            }
            speaker = parts[0]
            stem = parts[1]
        }
        let code = String(stem.prefix { $0.isLetter })
        let digits = String(stem.dropFirst(code.count))
        guard emotions[code] != nil else { throw fail("emotion is '\(code)', expected one of a d f h n sa su") }
        let last = code == "n" ? 30 : 15
        guard digits.count == 2, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let sentence = Int(digits),
              (1...last).contains(sentence) else {
            throw fail("sentence is '\(digits)', expected 01 … \(last)")
        }
        return SaveeFileName(speaker: speaker, emotionCode: code, sentence: sentence)
    }
}

/// Reads SAVEE from speaker folders `DC/ JE/ JK/ KL/` (in the root or its `AudioData/`), or from flat
/// `DC_a01.wav` names (in the root or an `ALL/` folder).
///
/// Labels and speakers come from the folders and names (`SaveeFileName`); the four speakers are male.
/// Attributes: `sentence` (`01`), `emotion_code` (`sa`). Other folders are not read.
public struct SaveeSource: CorpusSource {
    public static let kind = "savee"

    /// The options this value was built from.
    public var configuration: NamedCorpusConfiguration

    /// Creates a reader with `configuration`.
    public init(_ configuration: NamedCorpusConfiguration) {
        self.configuration = configuration
    }

    public func load() throws -> Corpus {
        let c = configuration
        let directory = NamedCorpusScan.audioDirectory(c.root, inner: ["AudioData"])
        let candidates = try NamedCorpusScan.candidates(in: directory) {
            SaveeFileName.speakers.contains($0) || $0 == "ALL"
        }
        return try NamedCorpusScan.load(kind: Self.kind, name: c.name, root: c.root, policy: c.onBadFile,
                                        candidates: candidates,
                                        layout: "speaker folders DC/ JE/ JK/ KL/ of files named like a01.wav") {
            SaveeSource.clip(path: $0.path, name: try SaveeFileName.parse($0.path, folder: $0.folder))
        }
    }

    /// The clip record of a parsed SAVEE file.
    public static func clip(path: String, name: SaveeFileName) -> Clip {
        Clip(path: path, label: name.label, speaker: name.speaker, gender: .male, attributes: [
            "sentence": RavdessFileName.twoDigits(name.sentence), "emotion_code": name.emotionCode,
        ])
    }
}
