import Foundation

/// The seven fields of a RAVDESS file name, e.g. `03-01-06-01-02-01-12.wav`.
///
/// Field order and codes follow the corpus documentation (Livingstone & Russo 2018, PLoS ONE 13(5): e0196391):
///
/// ```
/// 03 - 01 - 06 - 01 - 02 - 01 - 12 .wav
/// modality (01 full-AV, 02 video-only, 03 audio-only)
///      vocal channel (01 speech, 02 song)
///           emotion (01 neutral … 08 surprised)
///                intensity (01 normal, 02 strong; neutral has no strong)
///                     statement (01 "Kids are talking by the door", 02 "Dogs are sitting by the door")
///                          repetition (01 or 02)
///                               actor (01…24; odd male, even female)
/// ```
public struct RavdessFileName: Sendable, Hashable, Codable {
    /// Recording modality, field 1.
    public enum Modality: Int, Sendable, Hashable, Codable {
        case fullAudioVisual = 1, videoOnly = 2, audioOnly = 3
    }

    /// Vocal channel, field 2; also the `vocal_channel` scan option (`both` accepts either).
    public enum VocalChannel: String, Sendable, Hashable, Codable, CaseIterable {
        case speech, song, both
    }

    /// Emotional intensity, field 4.
    public enum Intensity: Int, Sendable, Hashable, Codable {
        case normal = 1, strong = 2
    }

    /// Field 1.
    public var modality: Modality
    /// `.speech` or `.song` (never `.both`).
    public var vocalChannel: VocalChannel
    /// Field 3.
    public var emotion: Emotion
    /// Field 4 (always `.normal` for neutral).
    public var intensity: Intensity
    /// Statement 1 or 2 (field 5).
    public var statement: Int
    /// Repetition 1 or 2 (field 6).
    public var repetition: Int
    /// Actor 1…24 (field 7).
    public var actor: Int

    /// Odd-numbered actors are male, even-numbered female.
    public var gender: Gender { actor % 2 == 1 ? .male : .female }

    /// The actor as the two-digit speaker identifier used in `Clip.speaker` (`"01"`…`"24"`).
    public var speaker: String { RavdessFileName.twoDigits(actor) }

    /// The canonical file name of these fields, e.g. `03-01-06-01-02-01-12.wav`.
    public var fileName: String {
        [modality.rawValue, vocalChannel == .song ? 2 : 1, emotion.ravdessCode, intensity.rawValue, statement,
         repetition, actor].map(RavdessFileName.twoDigits).joined(separator: "-") + ".wav"
    }

    /// Creates a name from already valid fields.
    public init(modality: Modality = .audioOnly, vocalChannel: VocalChannel = .speech, emotion: Emotion,
                intensity: Intensity, statement: Int, repetition: Int, actor: Int) {
        precondition(vocalChannel != .both, "a RAVDESS file is either speech or song, got \(vocalChannel)")
        precondition((1...2).contains(statement) && (1...2).contains(repetition) && (1...24).contains(actor),
                     "RAVDESS fields out of range: statement \(statement), repetition \(repetition), actor \(actor)")
        precondition(!(emotion == .neutral && intensity == .strong), "RAVDESS neutral has no strong intensity")
        self.modality = modality
        self.vocalChannel = vocalChannel
        self.emotion = emotion
        self.intensity = intensity
        self.statement = statement
        self.repetition = repetition
        self.actor = actor
    }

    /// Parses and validates the last path component of `path`; any audio extension the corpus scan accepts
    /// (`.wav`, `.flac`, `.ogg`, …, any case) is allowed, since the fields do not depend on the container.
    /// - Throws: `CorpusError.badRavdessName` naming `path` and the first field that is wrong.
    public static func parse(_ path: String) throws -> RavdessFileName {
        func fail(_ reason: String) -> CorpusError { .badRavdessName(path: path, reason: reason) }
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        // The fields name the recording, not its container: the same corpus in FLAC (as the 16 kHz copies people
        // make) or any other format the loader decodes must read exactly as in WAV.
        let fileExtension = (name as NSString).pathExtension
        guard FileListing.audioExtensions.contains(fileExtension.lowercased()) else {
            throw fail("extension is not an audio one (\(FileListing.audioExtensions.sorted().map { "." + $0 }.joined(separator: ", ")))")
        }
        let stem = name.dropLast(fileExtension.count + 1)
        let fields = stem.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7 else { throw fail("has \(fields.count) fields, expected 7 separated by '-'") }
        let names = ["modality", "vocal channel", "emotion", "intensity", "statement", "repetition", "actor"]
        var codes = [Int]()
        for (index, field) in fields.enumerated() {
            guard field.count == 2, field.allSatisfy({ $0.isASCII && $0.isNumber }), let code = Int(field) else {
                throw fail("field \(index + 1) (\(names[index])) is '\(field)', expected two digits")
            }
            codes.append(code)
        }
        func check(_ index: Int, _ range: ClosedRange<Int>, _ expected: String) throws -> Int {
            guard range.contains(codes[index]) else {
                throw fail("field \(index + 1) (\(names[index])) is '\(fields[index])', expected \(expected)")
            }
            return codes[index]
        }
        let modality = Modality(rawValue: try check(0, 1...3, "01 (full-AV), 02 (video-only) or 03 (audio-only)"))
        let channel: VocalChannel = try check(1, 1...2, "01 (speech) or 02 (song)") == 1 ? .speech : .song
        let emotion = Emotion(ravdessCode: try check(2, 1...8, "01 (neutral) … 08 (surprised)"))
        let intensity = Intensity(rawValue: try check(3, 1...2, "01 (normal) or 02 (strong)"))
        let statement = try check(4, 1...2, "01 or 02")
        let repetition = try check(5, 1...2, "01 or 02")
        let actor = try check(6, 1...24, "01 … 24")
        guard let modality, let emotion, let intensity else { throw fail("unrecognised code") }
        if emotion == .neutral && intensity == .strong {
            throw fail("field 4 (intensity) is '02' (strong), but neutral (emotion 01) has only normal intensity")
        }
        return RavdessFileName(modality: modality, vocalChannel: channel, emotion: emotion, intensity: intensity,
                               statement: statement, repetition: repetition, actor: actor)
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
