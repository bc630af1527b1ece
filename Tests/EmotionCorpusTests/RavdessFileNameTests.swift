import EmotionCorpus
import Testing

@Suite struct RavdessFileNameTests {
    @Test func parsesEveryFieldOfADocumentedExample() throws {
        let name = try RavdessFileName.parse("/data/Actor_12/03-01-06-01-02-01-12.wav")
        #expect(name.modality == .audioOnly)
        #expect(name.vocalChannel == .speech)
        #expect(name.emotion == .fearful)
        #expect(name.intensity == .normal)
        #expect(name.statement == 2 && name.repetition == 1 && name.actor == 12)
        #expect(name.gender == .female && name.speaker == "12")
        #expect(name.fileName == "03-01-06-01-02-01-12.wav")
        let song = try RavdessFileName.parse("03-02-08-02-01-02-07.WAV")
        #expect(song.vocalChannel == .song && song.emotion == .surprised && song.intensity == .strong)
        #expect(song.gender == .male && song.speaker == "07")
    }

    struct InvalidCase: Sendable, CustomStringConvertible {
        let id: String
        let name: String
        let reason: String
        var description: String { id }
    }

    static let invalid: [InvalidCase] = [
        .init(id: "modality", name: "04-01-06-01-02-01-12.wav",
              reason: "field 1 (modality) is '04', expected 01 (full-AV), 02 (video-only) or 03 (audio-only)"),
        .init(id: "channel", name: "03-03-06-01-02-01-12.wav",
              reason: "field 2 (vocal channel) is '03', expected 01 (speech) or 02 (song)"),
        .init(id: "emotion", name: "03-01-09-01-02-01-12.wav",
              reason: "field 3 (emotion) is '09', expected 01 (neutral) … 08 (surprised)"),
        .init(id: "emotion zero", name: "03-01-00-01-02-01-12.wav",
              reason: "field 3 (emotion) is '00', expected 01 (neutral) … 08 (surprised)"),
        .init(id: "intensity", name: "03-01-06-03-02-01-12.wav",
              reason: "field 4 (intensity) is '03', expected 01 (normal) or 02 (strong)"),
        .init(id: "neutral strong", name: "03-01-01-02-02-01-12.wav",
              reason: "field 4 (intensity) is '02' (strong), but neutral (emotion 01) has only normal intensity"),
        .init(id: "statement", name: "03-01-06-01-03-01-12.wav", reason: "field 5 (statement) is '03', expected 01 or 02"),
        .init(id: "repetition", name: "03-01-06-01-02-00-12.wav",
              reason: "field 6 (repetition) is '00', expected 01 or 02"),
        .init(id: "actor", name: "03-01-06-01-02-01-25.wav", reason: "field 7 (actor) is '25', expected 01 … 24"),
        .init(id: "actor zero", name: "03-01-06-01-02-01-00.wav", reason: "field 7 (actor) is '00', expected 01 … 24"),
        .init(id: "six fields", name: "03-01-06-01-02-01.wav", reason: "has 6 fields, expected 7 separated by '-'"),
        .init(id: "one digit", name: "03-1-06-01-02-01-12.wav",
              reason: "field 2 (vocal channel) is '1', expected two digits"),
        .init(id: "letters", name: "03-01-xx-01-02-01-12.wav", reason: "field 3 (emotion) is 'xx', expected two digits"),
        .init(id: "extension", name: "03-01-06-01-02-01-12.mp4", reason:
              "extension is not an audio one (.aif, .aiff, .au, .flac, .mp3, .oga, .ogg, .wav)"),
    ]

    @Test(arguments: invalid)
    func rejectsEachInvalidFieldWithItsReason(_ example: InvalidCase) {
        let path = "/corpus/\(example.name)"
        #expect(throws: CorpusError.badRavdessName(path: path, reason: example.reason)) {
            try RavdessFileName.parse(path)
        }
    }

    @Test func messageNamesPathAndExpectedPattern() {
        let error = CorpusError.badRavdessName(path: "/c/x.wav", reason: "has 1 fields, expected 7 separated by '-'")
        #expect(error.description == "/c/x.wav: not a RAVDESS file name (has 1 fields, expected 7 separated by '-'); " +
            "expected MM-VV-EE-II-SS-RR-AA.wav, e.g. 03-01-06-01-02-01-12.wav")
    }

    @Test func everyActorHasSixtySpeechNamesWithRavdessEmotionCounts() throws {
        let names = (1...24).flatMap(CorpusFixtures.speechNames(actor:))
        #expect(names.count == 1440)
        let perEmotion = Dictionary(grouping: names, by: \.emotion).mapValues(\.count)
        #expect(perEmotion[.neutral] == 96)
        for emotion in Emotion.allCases where emotion != .neutral { #expect(perEmotion[emotion] == 192) }
        for name in names { #expect(try RavdessFileName.parse(name.fileName) == name) }
    }
}
