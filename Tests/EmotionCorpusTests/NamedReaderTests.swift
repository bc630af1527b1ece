import AudioFeatures
import EmotionCorpus
import Foundation
import Testing

@Suite struct NamedReaderTests {
    /// The reader of `layout` over `root`.
    static func source(_ layout: SynthLayout, root: String, onBadFile: BadFilePolicy = .skip) -> any CorpusSource {
        let named = NamedCorpusConfiguration(root: root, onBadFile: onBadFile)
        switch layout {
        case .ravdess: return RavdessSource(.init(root: root, onBadFile: onBadFile))
        case .cremaD: return CremaDSource(.init(root: root, onBadFile: onBadFile))
        case .emodb: return EmoDBSource(named)
        case .savee: return SaveeSource(named)
        case .tess: return TessSource(named)
        case .emovo: return EmovoSource(named)
        }
    }

    static let tiny = DemoCorpus.LayoutConfiguration(speakerCount: 2, takes: 1, sampleRate: 8000)

    @Test(arguments: SynthLayout.allCases)
    func readsItsSynthesisedLayout(layout: SynthLayout) throws {
        let root = try CorpusFixtures.temporaryDirectory("layout\(layout.rawValue)")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let written = try DemoCorpus.write(layout, to: root, configuration: Self.tiny)
        #expect(written.count == 2 * layout.labels.count)
        let corpus = try Self.source(layout, root: root).load()
        #expect(corpus.name == layout.rawValue)
        #expect(corpus.clips == written)
        #expect(corpus.classes == layout.labels)
        #expect(corpus.skipped.isEmpty)
        #expect(corpus.speakers == Corpus.sortSpeakersForTests(layout.speakers.prefix(2).map(\.code)))
        let genders = Dictionary(uniqueKeysWithValues: layout.speakers.prefix(2).map { ($0.code, $0.gender) })
        #expect(corpus.speakerGenders == genders)
    }

    @Test func labelsSpeakersGendersAndAttributesFollowEachConvention() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let files = ["crema/AudioWAV/1002_IEO_HAP_HI.wav", "emodb/wav/16b10Lc.wav", "savee/AudioData/KL/su15.wav",
                     "savee2/ALL/JE_n30.wav", "tess/TESS data/YAF_sad/YAF_chat_sad.wav", "tess2/OAF_back_ps.wav",
                     "emovo/m3/gio-m3-d2.wav", "emovo2/pau-f2-n5.wav"]
        for (index, file) in files.enumerated() { try CorpusFixtures.writeWAV("\(root)/\(file)", variant: index) }
        try Data("ActorID,Age,Sex,Race,Ethnicity\n1002,21,Female,Caucasian,Not Hispanic\n".utf8)
            .write(to: URL(fileURLWithPath: "\(root)/crema/VideoDemographics.csv"))
        func only(_ source: any CorpusSource) throws -> Clip {
            let corpus = try source.load()
            #expect(corpus.clips.count == 1 && corpus.skipped.isEmpty)
            return try #require(corpus.clips.first)
        }
        let crema = try only(CremaDSource(.init(root: "\(root)/crema")))
        #expect(crema.label == "happy" && crema.speaker == "1002" && crema.gender == .female)
        #expect(crema.attributes == ["sentence": "IEO", "intensity": "high", "emotion_code": "HAP", "age": "21",
                                     "race": "Caucasian", "ethnicity": "Not Hispanic"])
        let emodb = try only(EmoDBSource(.init(root: "\(root)/emodb")))
        #expect(emodb.label == "boredom" && emodb.speaker == "16" && emodb.gender == .female)
        #expect(emodb.attributes == ["text": "b10", "version": "c", "emotion_code": "L", "age": "31"])
        let savee = try only(SaveeSource(.init(root: "\(root)/savee")))
        #expect(savee.label == "surprised" && savee.speaker == "KL" && savee.gender == .male)
        #expect(savee.attributes == ["sentence": "15", "emotion_code": "su"])
        let flat = try only(SaveeSource(.init(root: "\(root)/savee2")))
        #expect(flat.label == "neutral" && flat.speaker == "JE" && flat.attributes["sentence"] == "30")
        let tess = try only(TessSource(.init(root: "\(root)/tess")))
        #expect(tess.label == "sad" && tess.speaker == "YAF" && tess.gender == .female)
        #expect(tess.attributes == ["word": "chat", "emotion_code": "sad", "age_group": "younger"])
        let surprise = try only(TessSource(.init(root: "\(root)/tess2")))
        #expect(surprise.label == "surprised" && surprise.attributes["emotion_code"] == "ps")
        let emovo = try only(EmovoSource(.init(root: "\(root)/emovo")))
        #expect(emovo.label == "happy" && emovo.speaker == "m3" && emovo.gender == .male)
        #expect(emovo.attributes == ["sentence": "d2", "emotion_code": "gio"])
        let fear = try only(EmovoSource(.init(root: "\(root)/emovo2")))
        #expect(fear.label == "fearful" && fear.gender == .female)
    }

    struct BadName: Sendable, CustomTestStringConvertible {
        var layout: SynthLayout
        var file: String
        var reason: String
        var testDescription: String { "\(layout.rawValue): \(file)" }
    }

    static let badNames: [BadName] = [
        BadName(layout: .cremaD, file: "AudioWAV/1092_DFA_ANG_XX.wav", reason: "actor is '1092', expected 1001 … 1091"),
        BadName(layout: .cremaD, file: "AudioWAV/1001_DFX_ANG_XX.wav", reason: "sentence is 'DFX', expected one of IEO TIE IOM IWW TAI MTI IWL ITH DFA ITS TSI WSI"),
        BadName(layout: .cremaD, file: "AudioWAV/1001_DFA_ANX_XX.wav", reason: "emotion is 'ANX', expected one of ANG DIS FEA HAP NEU SAD"),
        BadName(layout: .cremaD, file: "AudioWAV/1001_DFA_ANG_XY.wav", reason: "level is 'XY', expected one of LO MD HI XX"),
        BadName(layout: .cremaD, file: "AudioWAV/1001_DFA_ANG.wav", reason: "has 3 fields, expected 4 separated by '_'"),
        BadName(layout: .emodb, file: "wav/04a01Fa.wav", reason: "speaker is '04', expected one of 03 08 09 10 11 12 13 14 15 16"),
        BadName(layout: .emodb, file: "wav/03a03Fa.wav", reason: "text is 'a03', expected one of a01 a02 a04 a05 a07 b01 b02 b03 b09 b10"),
        BadName(layout: .emodb, file: "wav/03a01Xa.wav", reason: "emotion is 'X', expected one of W L E A F T N"),
        BadName(layout: .emodb, file: "wav/03a01FA.wav", reason: "version is 'A', expected a lowercase letter"),
        BadName(layout: .emodb, file: "wav/03a01F.wav", reason: "has 6 characters before the extension, expected 7"),
        BadName(layout: .savee, file: "DC/x01.wav", reason: "emotion is 'x', expected one of a d f h n sa su"),
        BadName(layout: .savee, file: "DC/a16.wav", reason: "sentence is '16', expected 01 … 15"),
        BadName(layout: .savee, file: "ALL/XY_a01.wav", reason: "speaker is 'XY', expected one of DC JE JK KL"),
        BadName(layout: .tess, file: "OAF_angry/OAF_back_furious.wav", reason: "emotion is 'furious', expected one of angry disgust fear happy neutral ps sad"),
        BadName(layout: .tess, file: "OAF_angry/MAF_back_angry.wav", reason: "speaker is 'MAF', expected OAF or YAF"),
        BadName(layout: .tess, file: "OAF_angry/OAF_angry.wav", reason: "has 2 fields, expected 3 separated by '_'"),
        BadName(layout: .emovo, file: "f1/xxx-f1-b1.wav", reason: "emotion is 'xxx', expected one of dis gio neu pau rab sor tri"),
        BadName(layout: .emovo, file: "f1/dis-f4-b1.wav", reason: "speaker is 'f4', expected one of f1 f2 f3 m1 m2 m3"),
        BadName(layout: .emovo, file: "f1/dis-f1-x9.wav", reason: "sentence is 'x9', expected one of b1 b2 b3 l1 l2 l3 l4 n1 n2 n3 n4 n5 d1 d2"),
        BadName(layout: .emovo, file: "f1/dis-m1-b1.wav", reason: "speaker is 'm1' but the file is in folder f1/"),
    ]

    @Test(arguments: badNames)
    func malformedNamesAreSkippedWithFieldAndValueOrFatal(bad: BadName) throws {
        let root = try CorpusFixtures.temporaryDirectory("bad\(bad.layout.rawValue)")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let written = try DemoCorpus.write(bad.layout, to: root, configuration: .init(speakerCount: 1, takes: 1,
                                                                                      labels: ["angry"], sampleRate: 8000))
        let path = "\(root)/\(bad.file)"
        try CorpusFixtures.writeWAV(path, variant: 1)
        let corpus = try Self.source(bad.layout, root: root).load()
        #expect(corpus.clips == written)
        let expected = try #require(Self.expectedRule[bad.layout])
        #expect(corpus.skipped == [SkippedFile(path: path, reason:
            "not a \(bad.layout.rawValue) file name (\(bad.reason)); expected \(expected)")])
        #expect(throws: CorpusError.badFileName(corpus: bad.layout.rawValue, path: path, reason: bad.reason,
                                                expected: expected)) {
            try Self.source(bad.layout, root: root, onBadFile: .fail).load()
        }
    }

    static let expectedRule: [SynthLayout: String] = [
        .cremaD: "AAAA_SSS_EEE_LL.wav (actor, sentence, emotion, level), e.g. 1001_DFA_ANG_XX.wav",
        .emodb: "SSTTTEV.wav (speaker, text code, emotion letter, version letter), e.g. 03a01Fa.wav",
        .savee: "SPEAKER/ENN.wav or SPEAKER_ENN.wav (speaker DC/JE/JK/KL, emotion prefix, two-digit sentence), e.g. DC/a01.wav",
        .tess: "SPEAKER_WORD_EMOTION.wav (speaker OAF/YAF, target word, emotion), e.g. OAF_back_angry.wav",
        .emovo: "EEE-SS-TT.wav (emotion, speaker, sentence), e.g. dis-f1-b1.wav",
    ]

    @Test func undecodableFilesAndEmptyTreesAreReported() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: "\(root)/wav", withIntermediateDirectories: true)
        try Data("RIFF garbage".utf8).write(to: URL(fileURLWithPath: "\(root)/wav/03a01Fa.wav"))
        #expect {
            try EmoDBSource(.init(root: root)).load()
        } throws: { error in
            guard case .emptyCorpus(let path, let reason) = error as? CorpusError else { return false }
            return path == root && reason == "found 1 audio files, 1 skipped; expected a wav/ folder of files named like 03a01Fa.wav"
        }
        #expect {
            try EmoDBSource(.init(root: root, onBadFile: .fail)).load()
        } throws: { error in
            guard case .unreadableFile(let path, let reason) = error as? CorpusError else { return false }
            return path == "\(root)/wav/03a01Fa.wav" && reason.contains("does not decode as audio")
        }
        #expect(throws: CorpusError.badRoot(path: "\(root)/missing", reason: "no such directory")) {
            try TessSource(.init(root: "\(root)/missing")).load()
        }
    }

    @Test func flacReadsAsWav() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var configuration = Self.tiny
        configuration.labels = ["angry", "sad"]
        let wav = try DemoCorpus.write(.emovo, to: "\(root)/wav", configuration: configuration)
        configuration.fileExtension = "flac"
        let flac = try DemoCorpus.write(.emovo, to: "\(root)/flac", configuration: configuration)
        let fromWav = try EmovoSource(.init(root: "\(root)/wav")).load()
        let fromFlac = try EmovoSource(.init(root: "\(root)/flac")).load()
        #expect(fromFlac.clips == flac && fromWav.clips == wav)
        #expect(fromFlac.clips.map(\.path).allSatisfy { $0.hasSuffix(".flac") })
        func stripped(_ clip: Clip) -> Clip {
            var copy = clip
            copy.path = ((FileListingName.base(clip.path)) as NSString).deletingPathExtension
            return copy
        }
        #expect(fromFlac.clips.map(stripped) == fromWav.clips.map(stripped))
        // The same float signal went into both 16-bit containers; libsndfile rounds float to PCM differently per
        // container, so the decoded samples may differ by one quantisation step (2^-15) and by no more.
        for (a, b) in zip(fromWav.clips, fromFlac.clips) {
            let x = try AudioFile.readMono(a.path).samples, y = try AudioFile.readMono(b.path).samples
            #expect(x.count == y.count && x.count > 8000)
            #expect(zip(x, y).allSatisfy { abs($0 - $1) <= 1.0 / 32_768 })
        }
    }
}

extension Corpus {
    /// `speakers`' order for a set of ids: numeric when all are integers, else lexicographic.
    static func sortSpeakersForTests(_ ids: [String]) -> [String] {
        ids.allSatisfy { Int($0) != nil } ? ids.sorted { Int($0) ?? 0 < Int($1) ?? 0 } : ids.sorted()
    }
}
