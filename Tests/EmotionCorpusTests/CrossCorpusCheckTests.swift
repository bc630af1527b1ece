import AudioFeatures
import EmotionCorpus
import Foundation
import Testing

@Suite struct CrossCorpusCheckTests {
    static let tiny = DemoCorpus.LayoutConfiguration(speakerCount: 2, takes: 1, labels: ["angry", "sad"], sampleRate: 8000)

    @Test func detectsEveryLayoutAndReadsEveryKindByName() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for layout in SynthLayout.allCases {
            _ = try DemoCorpus.write(layout, to: "\(root)/\(layout.rawValue)", configuration: Self.tiny)
            let detected = try CorpusDetection.source(path: "\(root)/\(layout.rawValue)", kind: nil)
            #expect(type(of: detected).kind == layout.rawValue)
            let named = try CorpusDetection.source(path: "\(root)/\(layout.rawValue)", kind: layout.rawValue)
            #expect(try named.load().clips.count == 4)
        }
        #expect(CorpusDetection.kinds.sorted() == ["crema_d", "emodb", "emovo", "folders", "manifest", "ravdess",
                                                    "savee", "tess"])
    }

    @Test func dataCheckReportsEachCorpusAndTheUnion() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try DemoCorpus.write(.emodb, to: "\(root)/emodb", configuration: Self.tiny)
        var emovoConfiguration = Self.tiny
        emovoConfiguration.labels = ["angry", "surprised"]
        emovoConfiguration.speakerCount = 3
        _ = try DemoCorpus.write(.emovo, to: "\(root)/emovo", configuration: emovoConfiguration)
        try CorpusFixtures.writeWAV("\(root)/emovo/f1/rab-f1-zz.wav", variant: 3)
        let corpora = [try EmoDBSource(.init(root: "\(root)/emodb")).load(),
                       try EmovoSource(.init(root: "\(root)/emovo")).load()]
        let report = try DataCheckReport.run(corpora: corpora)
        #expect(report.corpus == "emodb+emovo" && report.root == root)
        #expect(report.classes == ["sad", "angry", "surprised"])
        #expect(report.clipCount == 4 + 6)
        #expect(report.speakers.map(\.speaker) == ["emodb/03", "emodb/08", "emovo/f1", "emovo/f2", "emovo/m1"])
        #expect(report.classTotals == [2, 5, 3])
        #expect(report.unreadable.map(\.path) == ["emovo/f1/rab-f1-zz.wav"])
        let rows = try #require(report.corpora)
        #expect(rows.map(\.name) == ["emodb", "emovo"])
        #expect(rows.map(\.clipCount) == [4, 6] && rows.map(\.speakerCount) == [2, 3])
        #expect(rows.map(\.classTotals) == [[2, 2, 0], [0, 3, 3]])
        #expect(rows.map(\.unreadableCount) == [0, 1])
        let table = report.table()
        #expect(table.contains("Clips per corpus × label"))
        #expect(table.contains("emovo   \(root)/emovo         3    0      3          3      6           1"))
        // A single corpus reports no per-corpus rows, and its JSON has no `corpora` key.
        let single = try DataCheckReport.run(corpora: [corpora[0]])
        let singleJSON = try single.json()
        #expect(single.corpora == nil && !singleJSON.contains("\"corpora\""))
        #expect(single.speakers.map(\.speaker) == ["03", "08"])
    }

    @Test func cremaDemographicsAreFoundOptionalAndChecked() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let written = try DemoCorpus.write(.cremaD, to: root, configuration: Self.tiny)
        #expect(written.map(\.gender) == [.male, .male, .female, .female])
        // Root is the audio folder itself: the table is found in its parent.
        let inner = try CremaDSource(.init(root: "\(root)/AudioWAV")).load()
        #expect(inner.speakerGenders == ["1001": .male, "1002": .female])
        try FileManager.default.moveItem(atPath: "\(root)/VideoDemographics.csv", toPath: "\(root)/demo.csv")
        let unknown = try CremaDSource(.init(root: root)).load()
        #expect(unknown.clips.allSatisfy { $0.gender == nil && $0.attributes["age"] == nil })
        let named = try CremaDSource(.init(root: root, demographics: "\(root)/demo.csv")).load()
        #expect(named.clips == written)
        #expect(throws: CorpusError.badRoot(path: "\(root)/none.csv", reason: "demographics file does not exist")) {
            try CremaDSource(.init(root: root, demographics: "\(root)/none.csv")).load()
        }
        try Data("ActorID,Age,Sex,Race,Ethnicity\n1001,30,Male,A,B\n1002,41,F,A,B\n".utf8)
            .write(to: URL(fileURLWithPath: "\(root)/demo.csv"))
        #expect(throws: CorpusError.manifest(path: "\(root)/demo.csv", line: 3, column: "Sex",
                                             reason: "'F' is not a sex; expected Male or Female")) {
            try CremaDSource(.init(root: root, demographics: "\(root)/demo.csv")).load()
        }
        try Data("ActorID,Age,Gender\n".utf8).write(to: URL(fileURLWithPath: "\(root)/demo.csv"))
        #expect(throws: CorpusError.manifest(path: "\(root)/demo.csv", line: 1, column: nil,
                                             reason: "missing column 'Sex'; expected ActorID,Age,Sex,Race,Ethnicity")) {
            try CremaDSource(.init(root: root, demographics: "\(root)/demo.csv")).load()
        }
    }

    @Test func layoutsAreDeterministicAndVoicesDifferBetweenCorpora() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var configuration = Self.tiny
        configuration.speakerCount = 1
        configuration.labels = ["angry"]
        let first = try DemoCorpus.write(.savee, to: "\(root)/a", configuration: configuration)
        let second = try DemoCorpus.write(.savee, to: "\(root)/b", configuration: configuration)
        let other = try DemoCorpus.write(.emodb, to: "\(root)/c", configuration: configuration)
        let bytes = { (clip: Clip) in FileManager.default.contents(atPath: clip.path) }
        #expect(first.count == 1 && bytes(first[0]) != nil && bytes(first[0]) == bytes(second[0]))
        // Both are the first male speaker of their corpus, but each corpus draws its own voices.
        let a = try AudioFile.readMono(first[0].path).samples, c = try AudioFile.readMono(other[0].path).samples
        #expect(a != c)
    }

    @Test func corporaRecordedBeforeLabelMappingsStillDecode() throws {
        let json = #"{"name":"x","root":"/r","clips":[{"path":"/r/a.wav","label":"sad","attributes":{}}],"classes":["sad"],"skipped":[]}"#
        let corpus = try JSONDecoder().decode(Corpus.self, from: Data(json.utf8))
        #expect(corpus.dropped.isEmpty && corpus.clips.count == 1)
        let again = try JSONDecoder().decode(Corpus.self, from: JSONEncoder().encode(try corpus.relabelled(map: ["sad": "low"])))
        #expect(again.classes == ["low"])
    }
}

@Suite struct NamedCorpusNameTests {
    @Test func theNameOptionRenamesTheCorpusAndItsSpeakerNamespace() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try DemoCorpus.write(.emodb, to: "\(root)/a", configuration: CrossCorpusCheckTests.tiny)
        var other = CrossCorpusCheckTests.tiny
        other.seed = 8
        _ = try DemoCorpus.write(.emodb, to: "\(root)/b", configuration: other)
        _ = try DemoCorpus.write(.emodb, to: "\(root)/copy", configuration: CrossCorpusCheckTests.tiny)
        let first = try EmoDBSource(.init(root: "\(root)/a")).load()
        let second = try EmoDBSource(.init(root: "\(root)/b", name: "emodb_copy")).load()
        #expect(second.name == "emodb_copy")
        let both = try Corpus.combined([first, second])
        #expect(both.speakers == ["emodb/03", "emodb/08", "emodb_copy/03", "emodb_copy/08"])
        let split = try CorpusHoldoutSplit(.init(test: "emodb_copy")).apply(to: both)
        #expect(split.testSpeakers == ["emodb_copy/03", "emodb_copy/08"] && split.validation.isEmpty)
        #expect(split.train.count == 4 && split.test.count == 4 && split.excluded.isEmpty)
        // A byte-identical copy of a training corpus cannot be a test corpus: its clips are left out.
        let copy = try EmoDBSource(.init(root: "\(root)/copy", name: "copy")).load()
        let leaky = try CorpusHoldoutSplit(.init(test: "copy")).apply(to: try Corpus.combined([first, copy]))
        #expect(leaky.test.isEmpty && leaky.excluded.count == 4 && leaky.train.count == 4)
    }
}
