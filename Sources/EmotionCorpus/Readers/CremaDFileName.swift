/// The fields of a CREMA-D file name, e.g. `1001_DFA_ANG_XX.wav`.
///
/// Codes follow the corpus README (Cao et al. 2014, "CREMA-D: Crowd-sourced Emotional Multimodal Actors
/// Dataset", IEEE Trans. Affective Computing):
///
/// ```
/// 1001 _ DFA _ ANG _ XX .wav
/// │      │     │     └ level: LO low, MD medium, HI high, XX unspecified
/// │      │     └ emotion: ANG anger, DIS disgust, FEA fear, HAP happy, NEU neutral, SAD sad
/// │      └ sentence: IEO TIE IOM IWW TAI MTI IWL ITH DFA ITS TSI WSI
/// └ actor: 1001…1091 (gender and age in VideoDemographics.csv)
/// ```
public struct CremaDFileName: Sendable, Hashable {
    /// The twelve sentence codes, in the order of the corpus README.
    public static let sentences = ["IEO", "TIE", "IOM", "IWW", "TAI", "MTI", "IWL", "ITH", "DFA", "ITS", "TSI", "WSI"]
    /// Emotion code → vocabulary label.
    public static let emotions: [String: String] = [
        "ANG": "angry", "DIS": "disgust", "FEA": "fearful", "HAP": "happy", "NEU": "neutral", "SAD": "sad",
    ]
    /// Level code → the `intensity` attribute.
    public static let levels: [String: String] = ["LO": "low", "MD": "medium", "HI": "high", "XX": "unspecified"]
    /// The actor numbers.
    public static let actors = 1001...1091
    static let expected = "AAAA_SSS_EEE_LL.wav (actor, sentence, emotion, level), e.g. 1001_DFA_ANG_XX.wav"

    /// Actor number 1001…1091.
    public var actor: Int
    /// Sentence code, e.g. `"DFA"`.
    public var sentence: String
    /// Emotion code, e.g. `"ANG"`.
    public var emotionCode: String
    /// Level code, e.g. `"XX"`.
    public var level: String

    /// Creates a name from valid fields.
    public init(actor: Int, sentence: String, emotionCode: String, level: String = "XX") {
        precondition(CremaDFileName.actors.contains(actor) && CremaDFileName.sentences.contains(sentence)
                     && CremaDFileName.emotions[emotionCode] != nil && CremaDFileName.levels[level] != nil,
                     "CREMA-D fields out of range: \(actor) \(sentence) \(emotionCode) \(level)")
        self.actor = actor
        self.sentence = sentence
        self.emotionCode = emotionCode
        self.level = level
    }

    /// The vocabulary label.
    public var label: String { CremaDFileName.emotions[emotionCode] ?? "" }
    /// The actor as the speaker identifier (`"1001"`).
    public var speaker: String { String(actor) }
    /// The canonical file name.
    public var fileName: String { "\(actor)_\(sentence)_\(emotionCode)_\(level).wav" }

    /// Parses the last path component of `path` (any audio extension).
    /// - Throws: `CorpusError.badFileName` naming the first wrong field and its value.
    public static func parse(_ path: String) throws -> CremaDFileName {
        func fail(_ reason: String) -> CorpusError {
            .badFileName(corpus: CremaDSource.kind, path: path, reason: reason, expected: expected)
        }
        let fields = try NamedCorpusScan.stem(path, fail: fail).split(separator: "_", omittingEmptySubsequences: false)
            .map(String.init)
        guard fields.count == 4 else { throw fail("has \(fields.count) fields, expected 4 separated by '_'") }
        guard fields[0].count == 4, fields[0].allSatisfy({ $0.isASCII && $0.isNumber }), let actor = Int(fields[0]),
              actors.contains(actor) else {
            throw fail("actor is '\(fields[0])', expected 1001 … 1091")
        }
        guard sentences.contains(fields[1]) else {
            throw fail("sentence is '\(fields[1])', expected one of \(sentences.joined(separator: " "))")
        }
        guard emotions[fields[2]] != nil else {
            throw fail("emotion is '\(fields[2])', expected one of ANG DIS FEA HAP NEU SAD")
        }
        guard levels[fields[3]] != nil else { throw fail("level is '\(fields[3])', expected one of LO MD HI XX") }
        return CremaDFileName(actor: actor, sentence: fields[1], emotionCode: fields[2], level: fields[3])
    }
}
