import AudioFeatures
import EmotionCorpus
import Foundation
import Testing

@Suite struct CorpusSourceTests {
    @Test func scansActorFoldersSkippingBadFilesWithReasons() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try CorpusFixtures.writeRavdess(root: root, actors: 1...2, emotions: [.neutral, .angry])
        try CorpusFixtures.writeWAV("\(root)/Actor_01/03-02-05-01-01-01-01.wav", variant: 900)  // song
        try CorpusFixtures.writeWAV("\(root)/Actor_01/03-01-05-01-01-01.wav", variant: 901)  // six fields
        try CorpusFixtures.writeWAV("\(root)/Actor_02/03-01-05-01-01-01-03.wav", variant: 902)  // wrong folder
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: "\(root)/Actor_02/03-01-05-02-01-01-02.wav"))
        try Data("notes".utf8).write(to: URL(fileURLWithPath: "\(root)/Actor_01/README.txt"))

        let corpus = try RavdessSource(.init(root: root)).load()
        #expect(corpus.name == "ravdess" && corpus.root == root)
        #expect(corpus.clips.count == 2 * 12 - 1)  // the text file replaced one angry clip of actor 2
        #expect(corpus.classes == ["neutral", "angry"])
        #expect(corpus.speakers == ["01", "02"])
        #expect(corpus.skippedCount == 3)
        let reasons = Dictionary(uniqueKeysWithValues: corpus.skipped.map { (FileListingName.base($0.path), $0.reason) })
        #expect(reasons["03-01-05-01-01-01.wav"]?.contains("has 6 fields, expected 7") == true)
        #expect(reasons["03-01-05-01-01-01-03.wav"]?.contains("actor field is 03 but the file is in Actor_02") == true)
        #expect(reasons["03-01-05-02-01-01-02.wav"]?.contains("unreadable audio file (does not decode as audio") == true)
        let clip = try #require(corpus.clips.first { $0.path.hasSuffix("Actor_02/03-01-01-01-02-02-02.wav") })
        #expect(clip.label == "neutral" && clip.speaker == "02" && clip.gender == .female)
        #expect(clip.attributes == ["modality": "03", "vocal_channel": "speech", "intensity": "normal",
                                    "statement": "02", "repetition": "02"])
        #expect(corpus.clips.map(\.path) == corpus.clips.map(\.path).sorted())

        let both = try RavdessSource(.init(root: root, vocalChannel: .both)).load()
        #expect(both.clips.count == corpus.clips.count + 1)
        let song = try RavdessSource(.init(root: root, vocalChannel: .song)).load()
        #expect(song.clips.map { FileListingName.base($0.path) } == ["03-02-05-01-01-01-01.wav"])
    }

    @Test func failPolicyStopsAtTheFirstBadFile() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try CorpusFixtures.writeRavdess(root: root, actors: 3...3, emotions: [.calm])
        try Data("RIFF garbage".utf8).write(to: URL(fileURLWithPath: "\(root)/Actor_03/03-01-02-01-01-01-03.wav"))
        #expect {
            try RavdessSource(.init(root: root, onBadFile: .fail)).load()
        } throws: { error in
            guard case .unreadableFile(let path, let reason) = error as? CorpusError else { return false }
            return path == "\(root)/Actor_03/03-01-02-01-01-01-03.wav" && reason.contains("does not decode as audio")
        }
        try FileManager.default.removeItem(atPath: "\(root)/Actor_03/03-01-02-01-01-01-03.wav")
        try CorpusFixtures.writeWAV("\(root)/Actor_03/03-01-02-01-01-01-99.wav", variant: 5)
        #expect(throws: CorpusError.badRavdessName(path: "\(root)/Actor_03/03-01-02-01-01-01-99.wav",
                                                   reason: "field 7 (actor) is '99', expected 01 … 24")) {
            try RavdessSource(.init(root: root, onBadFile: .fail)).load()
        }
    }

    @Test func scansAFlatFolder() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try CorpusFixtures.writeRavdess(root: root, actors: 5...6, emotions: [.sad, .happy], flat: true)
        let corpus = try RavdessSource(.init(root: root)).load()
        #expect(corpus.clips.count == 32)
        #expect(corpus.classes == ["happy", "sad"])
        #expect(Set(corpus.clips.compactMap(\.gender)) == [.male, .female])
        #expect(corpus.speakerGenders == ["05": .male, "06": .female])
    }

    @Test func missingOrEmptyRootIsAClearError() throws {
        #expect(throws: CorpusError.badRoot(path: "/nonexistent/ravdess", reason: "no such directory")) {
            try RavdessSource(.init(root: "/nonexistent/ravdess")).load()
        }
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect { try RavdessSource(.init(root: root)).load() } throws: { error in
            (error as? CorpusError)?.description.contains("no usable clips") == true
        }
    }

    @Test func readsFolderPerLabelCorpus() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try CorpusFixtures.writeWAV("\(root)/sad/a.wav", variant: 1)
        try CorpusFixtures.writeWAV("\(root)/angry/b.wav", variant: 2)
        try CorpusFixtures.writeWAV("\(root)/angry/c.flac", variant: 3)
        try Data("x".utf8).write(to: URL(fileURLWithPath: "\(root)/angry/notes.txt"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: "\(root)/sad/broken.wav"))
        let corpus = try FolderSource(.init(root: root, name: "mine")).load()
        #expect(corpus.name == "mine")
        #expect(corpus.classes == ["angry", "sad"])
        #expect(corpus.clips.map(\.label) == ["angry", "angry", "sad"])
        #expect(corpus.skipped.map { FileListingName.base($0.path) } == ["broken.wav"])
        #expect(corpus.speakers.isEmpty)
    }
}

/// Path helpers for assertions.
enum FileListingName {
    static func base(_ path: String) -> String { (path as NSString).lastPathComponent }
}

@Suite struct RavdessFormatTests {
    /// The same RAVDESS corpus written as 16-bit WAV and as FLAC (lossless): the reader must give the same clips
    /// (labels, speakers, genders, attributes, order) and the loader the same samples, bit for bit.
    @Test func flacCorpusReadsExactlyAsTheWavCorpus() throws {
        let wavRoot = try CorpusFixtures.temporaryDirectory()
        let flacRoot = try CorpusFixtures.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: wavRoot)
            try? FileManager.default.removeItem(atPath: flacRoot)
        }
        let wavPaths = try CorpusFixtures.writeRavdess(root: wavRoot, actors: 1...2, emotions: [.neutral, .sad])
        for path in wavPaths {
            let (samples, info) = try AudioFile.readInterleaved(path)
            let relative = String(path.dropFirst(wavRoot.count))
            let flacPath = flacRoot + (relative as NSString).deletingPathExtension + ".flac"
            try FileManager.default.createDirectory(atPath: (flacPath as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try AudioFile.write(flacPath, interleaved: samples, channelCount: info.channelCount,
                                sampleRate: info.sampleRate)
        }
        let wav = try RavdessSource(.init(root: wavRoot)).load()
        let flac = try RavdessSource(.init(root: flacRoot)).load()
        #expect(flac.skipped.isEmpty)
        #expect(flac.clips.count == wavPaths.count && flac.clips.count == 2 * 12)
        #expect(flac.classes == wav.classes && flac.speakers == wav.speakers)
        func stem(_ clip: Clip, _ root: String) -> String {
            (String(clip.path.dropFirst(root.count)) as NSString).deletingPathExtension
        }
        for (a, b) in zip(wav.clips, flac.clips) {
            #expect(stem(a, wavRoot) == stem(b, flacRoot))
            #expect(a.label == b.label && a.speaker == b.speaker && a.gender == b.gender && a.attributes == b.attributes)
            let loader = ClipLoader(sampleRate: 8000, duration: 3, normalization: .peak)
            #expect(try loader.load(a.path) == loader.load(b.path))
        }
    }

    @Test func upperCaseFlacExtensionParses() throws {
        let name = try RavdessFileName.parse("/c/Actor_03/03-01-04-02-01-02-03.FLAC")
        #expect(name.actor == 3 && name.emotion == .sad && name.fileName == "03-01-04-02-01-02-03.wav")
    }
}
