import AudioFeatures
import EmotionCorpus
import Foundation
import Testing

/// Malformed and hostile manifests, and hostile audio listed in a corpus: each gives one `CorpusError` naming
/// `file:line` (or the audio file and its cause), never a trap.
@Suite struct HostileManifestTests {
    /// A directory with `audio/a.wav` and a manifest holding `bytes`; returns the manifest path.
    func manifest(_ bytes: [UInt8]) throws -> String {
        let root = try CorpusFixtures.temporaryDirectory()
        try CorpusFixtures.writeWAV("\(root)/audio/a.wav", variant: 1)
        let path = "\(root)/manifest.csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func manifest(_ text: String) throws -> String { try manifest(Array(text.utf8)) }

    func expectManifestError(_ path: String, line: Int, column: String? = nil, _ reason: String) {
        #expect(throws: CorpusError.manifest(path: path, line: line, column: column, reason: reason)) {
            try ManifestSource(.init(path: path)).load()
        }
    }

    @Test func nulCharacterIsABinaryFileError() throws {
        let path = try manifest(Array("path,label\naudio/a.wav,sad\naudio/a".utf8) + [0] + Array(".wav,sad\n".utf8))
        expectManifestError(path, line: 3, "NUL character: this is not a text CSV file")
    }

    @Test func invalidUTF8NamesItsLineAndOffset() throws {
        let path = try manifest(Array("path,label\naudio/a.wav,sad\naudio/\u{E9}".utf8) + [0xC3, 0x28] + Array(",sad\n".utf8))
        expectManifestError(path, line: 3, "not UTF-8 text (invalid byte 0xC3 at byte offset 35); save the manifest as UTF-8")
    }

    @Test func hugeRecordsAreRefusedAtTheirFirstLine() throws {
        let long = String(repeating: "x", count: (1 << 20) + 10)
        let path = try manifest("path,label\naudio/a.wav,sad\n\(long).wav,sad\n")
        expectManifestError(path, line: 3, "record is longer than 1048576 characters")
        let open = try manifest("path,label\n\"audio/a.wav,sad\n" + String(repeating: "y,z\n", count: 300_000))
        expectManifestError(open, line: 2, "record is longer than 1048576 characters (a quoted field opened on line 2 is never closed)")
    }

    @Test func manifestOverTheSizeLimitIsRefusedBeforeReading() throws {
        let path = try manifest("path,label\n")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(ManifestSource.maximumBytes + 1))  // sparse: no blocks written
        try handle.close()
        #expect(throws: CorpusError.badRoot(path: path, reason:
            "manifest is \(ManifestSource.maximumBytes + 1) bytes; the limit is \(ManifestSource.maximumBytes) bytes")) {
            try ManifestSource(.init(path: path)).load()
        }
    }

    @Test(arguments: ["../a.wav", "audio/../../a.wav", "./../x/a.wav", "audio/../../../etc/passwd"])
    func relativePathsCannotLeaveTheManifestDirectory(_ listed: String) throws {
        let path = try manifest("path,label\naudio/a.wav,sad\n\(listed),sad\n")
        let directory = (path as NSString).deletingLastPathComponent
        expectManifestError(path, line: 3, column: "path", "'\(listed)' leaves the manifest's directory \(directory); " +
            "relative paths must stay inside it (use an absolute path for a file elsewhere)")
    }

    @Test func dotDotThatStaysInsideAndAbsolutePathsAreAccepted() throws {
        let elsewhere = try CorpusFixtures.temporaryDirectory("elsewhere") + "/b.wav"
        try CorpusFixtures.writeWAV(elsewhere, variant: 2)
        let path = try manifest("path,label\naudio/../audio/a.wav,sad\n\(elsewhere),happy\n")
        let directory = (path as NSString).deletingLastPathComponent
        let corpus = try ManifestSource(.init(path: path)).load()
        #expect(Set(corpus.clips.map(\.path)) == ["\(directory)/audio/../audio/a.wav", elsewhere])
    }

    @Test func controlCharactersInPathsAreRefused() throws {
        let path = try manifest("path,label\n\"audio/a\n.wav\",sad\n")
        expectManifestError(path, line: 2, column: "path", "path contains the control character U+000A")
        let bell = try manifest("path,label\naudio/a\u{7}.wav,sad\n")
        expectManifestError(bell, line: 2, column: "path", "path contains the control character U+0007")
    }

    @Test func headerWithoutRowsIsAnEmptyCorpus() throws {
        let path = try manifest("path,label\n\n")
        #expect(throws: CorpusError.emptyCorpus(path: path, reason: "0 rows, 0 skipped")) {
            try ManifestSource(.init(path: path)).load()
        }
    }

    /// Hostile audio files listed in a manifest: skipped with their cause, or the first one fatal.
    @Test func hostileListedAudioIsSkippedWithItsCause() throws {
        let path = try manifest("path,label\naudio/a.wav,sad\naudio/empty.wav,sad\naudio/cut.wav,sad\naudio/text.wav,sad\n")
        let directory = (path as NSString).deletingLastPathComponent
        try Data().write(to: URL(fileURLWithPath: "\(directory)/audio/empty.wav"))
        try CorpusFixtures.writeWAV("\(directory)/audio/cut.wav", variant: 3, frames: 8000)
        let cut = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/audio/cut.wav"))
        try cut.prefix(44 + 2000).write(to: URL(fileURLWithPath: "\(directory)/audio/cut.wav"))
        try Data("just some text, not audio".utf8).write(to: URL(fileURLWithPath: "\(directory)/audio/text.wav"))
        let corpus = try ManifestSource(.init(path: path)).load()
        #expect(corpus.clips.map(\.path) == ["\(directory)/audio/a.wav"])
        let reasons = Dictionary(uniqueKeysWithValues: corpus.skipped.map { (lastComponent($0.path), $0.reason) })
        #expect(reasons["cut.wav"] == "unreadable audio file (truncated: 1000 of 8000 frames (listed at \(path):4))")
        #expect(reasons["empty.wav"]?.hasPrefix("unreadable audio file (does not decode as audio: ") == true)
        #expect(reasons["empty.wav"]?.hasSuffix("(listed at \(path):3))") == true)
        #expect(reasons["text.wav"]?.hasSuffix("(listed at \(path):5))") == true)
        do {
            _ = try ManifestSource(.init(path: path, onBadFile: .fail)).load()
            Issue.record("on_bad_file: fail accepted an empty audio file")
        } catch let error as CorpusError {
            guard case .unreadableFile(let file, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(file == "\(directory)/audio/empty.wav")
        }
    }

    @Test func hostileAudioInLabelFoldersIsSkippedWithItsCause() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        try CorpusFixtures.writeWAV("\(root)/sad/good.wav", variant: 4)
        var header = Array(try Data(contentsOf: URL(fileURLWithPath: "\(root)/sad/good.wav")).prefix(44))
        header[40...43] = [0xF0, 0xFF, 0xFF, 0xFF]  // data chunk size 0xFFFFFFF0, no data behind it
        try Data(header).write(to: URL(fileURLWithPath: "\(root)/sad/huge.wav"))
        let corpus = try FolderSource(.init(root: root)).load()
        #expect(corpus.clips.map(\.path) == ["\(root)/sad/good.wav"])
        #expect(corpus.skipped.map(\.path) == ["\(root)/sad/huge.wav"])
        #expect(corpus.skipped.first?.reason.hasPrefix("unreadable audio file (") == true)
    }

    /// NaN samples are found when the clip is decoded, with the file and frame named.
    @Test func nonFiniteSamplesFailTheClipLoaderNamingFileAndFrame() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        let path = "\(root)/nan.wav"
        var samples = [Float](repeating: 0.1, count: 800)
        samples[700] = .nan
        try AudioFile.write(path, interleaved: samples, sampleRate: 8000, encoding: .float32)
        #expect(throws: AudioError.nonFiniteSamples(path: path, frame: 700)) {
            try ClipLoader(sampleRate: 16000).load(path)
        }
    }
}

/// The last path component.
private func lastComponent(_ path: String) -> String { (path as NSString).lastPathComponent }
