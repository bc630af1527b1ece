import Foundation

/// A corpus naming convention the demo synthesiser can write a small tree in (`DemoCorpus.write(_:to:configuration:)`),
/// so every reader can be exercised on files named and laid out as its corpus distributes them.
public enum SynthLayout: String, Sendable, Hashable, Codable, CaseIterable {
    /// `Actor_01/03-01-05-01-01-01-01.wav`.
    case ravdess
    /// `AudioWAV/1001_IEO_ANG_XX.wav` plus `VideoDemographics.csv`.
    case cremaD = "crema_d"
    /// `wav/03a01Wa.wav`.
    case emodb
    /// `DC/a01.wav`.
    case savee
    /// `OAF_angry/OAF_back_angry.wav`.
    case tess
    /// `f1/rab-f1-b1.wav`.
    case emovo

    /// The speakers in the order the synthesiser takes them (genders alternating where the corpus has both).
    public var speakers: [(code: String, gender: Gender)] {
        switch self {
        case .ravdess: return (1...24).map { (RavdessFileName.twoDigits($0), $0 % 2 == 1 ? .male : .female) }
        case .cremaD: return (1001...1091).map { (String($0), $0 % 2 == 1 ? .male : .female) }
        case .emodb:
            return ["03", "08", "10", "09", "11", "13", "12", "14", "15", "16"]
                .map { ($0, EmoDBFileName.speakers[$0]?.gender ?? .male) }
        case .savee: return SaveeFileName.speakers.map { ($0, .male) }
        case .tess: return TessFileName.speakers.map { ($0, .female) }
        case .emovo: return ["f1", "m1", "f2", "m2", "f3", "m3"].map { ($0, $0.hasPrefix("f") ? .female : .male) }
        }
    }

    /// The vocabulary labels the corpus has, in canonical order.
    public var labels: [String] {
        switch self {
        case .ravdess: return Emotion.allCases.map(\.rawValue)
        case .cremaD: return EmotionVocabulary.ordered(CremaDFileName.emotions.values)
        case .emodb: return EmotionVocabulary.ordered(EmoDBFileName.emotions.values)
        case .savee: return EmotionVocabulary.ordered(SaveeFileName.emotions.values)
        case .tess: return EmotionVocabulary.ordered(TessFileName.emotions.values)
        case .emovo: return EmotionVocabulary.ordered(EmovoFileName.emotions.values)
        }
    }

    /// The most takes per speaker and class the layout can name distinctly and the synthesiser renders apart.
    public static let maximumTakes = 4

    /// The path (relative to the corpus root, with extension `fileExtension`) and the clip record of take `take`
    /// (0-based) of `label` by `speaker`; `root` prefixes the clip's path.
    func file(speaker: String, gender: Gender, label: String, take: Int, root: String,
              fileExtension: String) -> (relativePath: String, clip: Clip) {
        func code<Key>(_ table: [Key: String]) -> Key {
            guard let key = table.first(where: { $0.value == label })?.key else {
                preconditionFailure("\(rawValue) has no label '\(label)'")
            }
            return key
        }
        func renamed(_ path: String) -> String { (path as NSString).deletingPathExtension + "." + fileExtension }
        let relative: String
        let clip: (String) -> Clip
        switch self {
        case .ravdess:
            let name = RavdessFileName(emotion: Emotion(rawValue: label) ?? .neutral, intensity: .normal,
                                       statement: take / 2 + 1, repetition: take % 2 + 1, actor: Int(speaker) ?? 1)
            relative = renamed("Actor_\(speaker)/\(name.fileName)")
            clip = { RavdessSource.clip(path: $0, name: name) }
        case .cremaD:
            let name = CremaDFileName(actor: Int(speaker) ?? 1001, sentence: CremaDFileName.sentences[take],
                                      emotionCode: code(CremaDFileName.emotions))
            relative = renamed("AudioWAV/\(name.fileName)")
            let demographics = CremaDSource.Demographics(gender: gender, age: "30", race: "Unknown",
                                                         ethnicity: "Not Hispanic")
            clip = { CremaDSource.clip(path: $0, name: name, demographics: demographics) }
        case .emodb:
            let name = EmoDBFileName(speaker: speaker, text: EmoDBFileName.texts[take], emotionCode: code(EmoDBFileName.emotions))
            relative = renamed("wav/\(name.fileName)")
            clip = { EmoDBSource.clip(path: $0, name: name) }
        case .savee:
            let name = SaveeFileName(speaker: speaker, emotionCode: code(SaveeFileName.emotions), sentence: take + 1)
            relative = renamed(name.relativePath)
            clip = { SaveeSource.clip(path: $0, name: name) }
        case .tess:
            let words = ["back", "bar", "base", "bath"]
            let name = TessFileName(speaker: speaker, word: words[take], emotionCode: code(TessFileName.emotions))
            let folder = name.emotionCode == "ps" ? "Pleasant_surprise" : name.emotionCode
            relative = renamed("\(speaker)_\(folder)/\(name.fileName)")
            clip = { TessSource.clip(path: $0, name: name) }
        case .emovo:
            let name = EmovoFileName(emotionCode: code(EmovoFileName.emotions), speaker: speaker,
                                     sentence: EmovoFileName.sentences[take])
            relative = renamed("\(speaker)/\(name.fileName)")
            clip = { EmovoSource.clip(path: $0, name: name) }
        }
        return (relative, clip(FileListing.join(root, relative)))
    }
}
