import AudioFeatures
import EmotionCorpus
import Foundation
import Testing

@Suite struct DataCheckTests {
    /// Two actors with neutral and calm clips, one stereo 16 kHz file, one byte-identical copy, one broken file.
    func makeCorpus() throws -> String {
        let root = try CorpusFixtures.temporaryDirectory()
        try CorpusFixtures.writeRavdess(root: root, actors: 7...8, emotions: [.neutral, .calm])
        try CorpusFixtures.writeWAV("\(root)/Actor_08/03-01-02-02-02-02-08.wav", variant: 77, frames: 800,
                                    sampleRate: 16_000, channels: 2)
        try FileManager.default.removeItem(atPath: "\(root)/Actor_07/03-01-02-01-01-02-07.wav")
        try FileManager.default.copyItem(atPath: "\(root)/Actor_07/03-01-02-01-01-01-07.wav",
                                         toPath: "\(root)/Actor_07/03-01-02-01-01-02-07.wav")
        try Data("broken".utf8).write(to: URL(fileURLWithPath: "\(root)/Actor_08/03-01-01-01-01-01-08.wav"))
        return root
    }

    @Test func reportCountsFormatsDurationsAndDuplicates() throws {
        let root = try makeCorpus()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try DataCheckReport.run(try CorpusDetection.source(path: root, kind: nil))
        #expect(report.corpus == "ravdess" && report.clipCount == 23)
        #expect(report.classes == ["neutral", "calm"])
        #expect(report.speakers.map(\.speaker) == ["07", "08"])
        #expect(report.speakers.map(\.counts) == [[4, 8], [3, 8]])
        #expect(report.classTotals == [7, 16])
        #expect(report.sampleRates == [.init(value: "8000", count: 22), .init(value: "16000", count: 1)])
        #expect(report.channels == [.init(value: "1", count: 22), .init(value: "2", count: 1)])
        #expect(report.durations.min == 0.02 && report.durations.max == 0.05)
        #expect(abs(report.durations.mean - (22 * 0.02 + 0.05) / 23) < 1e-12)
        #expect(report.unreadable.map(\.path) == ["Actor_08/03-01-01-01-01-01-08.wav"])
        #expect(report.duplicates == [["Actor_07/03-01-02-01-01-01-07.wav", "Actor_07/03-01-02-01-01-02-07.wav"]])

        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let decoded = try decoder.decode(DataCheckReport.self, from: Data(try report.json().utf8))
        #expect(decoded == report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(object["clip_count"] as? Int == 23)
        #expect((object["sample_rates"] as? [[String: Any]])?.first?["value"] as? String == "8000")
        #expect((object["duplicates"] as? [[String]])?.count == 1)
    }

    @Test func tableIsAlignedAndStable() throws {
        let root = try makeCorpus()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let table = try DataCheckReport.run(RavdessSource(.init(root: root))).table()
        let expected = """
            Corpus ravdess at \(root): 23 clips, 2 classes, 2 speakers, 1 unreadable

            Clips per speaker × emotion
            speaker  gender  neutral  calm  total
            07       male          4     8     12
            08       female        3     8     11
            total                  7    16     23

            Sample rates  8000 Hz: 22, 16000 Hz: 1
            Channels      1: 22, 2: 1
            Formats       WAV/Signed 16 bit PCM: 23
            Duration (s)  min 0.020  mean 0.021  max 0.050

            Unreadable or malformed files: 1
              Actor_08/03-01-01-01-01-01-08.wav: unreadable audio file (does not decode as audio: Format not recognised.)
            Exact duplicates (same content hash): 1 group
              Actor_07/03-01-02-01-01-01-07.wav = Actor_07/03-01-02-01-01-02-07.wav

            """
        #expect(table == expected)
    }

    @Test func detectsManifestAndFolderLayouts() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try CorpusFixtures.writeWAV("\(root)/happy/a.wav", variant: 1)
        #expect(try CorpusDetection.source(path: root, kind: nil) is FolderSource)
        try Data("path,label\nhappy/a.wav,happy\n".utf8).write(to: URL(fileURLWithPath: "\(root)/manifest.csv"))
        #expect(try CorpusDetection.source(path: root, kind: nil) is ManifestSource)
        let report = try DataCheckReport.run(try CorpusDetection.source(path: root, kind: "manifest"))
        #expect(report.clipCount == 1 && report.speakers.map(\.speaker) == [nil])
        #expect(report.table().contains("(none)   -           1      1"))
        #expect(throws: CorpusError.badRoot(path: root, reason:
            "unknown corpus kind 'crema'. Please provide one of: ravdess, manifest, folders, crema_d, emodb, savee, tess, emovo")) {
            try CorpusDetection.source(path: root, kind: "crema")
        }
    }
}
