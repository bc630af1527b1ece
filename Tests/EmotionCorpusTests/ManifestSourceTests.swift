import EmotionCorpus
import Foundation
import Testing

@Suite struct ManifestSourceTests {
    /// Writes `text` as `manifest.csv` in a new directory with three tiny WAVs and returns the CSV path.
    func manifest(_ text: String) throws -> String {
        let root = try CorpusFixtures.temporaryDirectory()
        try CorpusFixtures.writeWAV("\(root)/audio/a.wav", variant: 1)
        try CorpusFixtures.writeWAV("\(root)/audio/with, comma.wav", variant: 2)
        try CorpusFixtures.writeWAV("\(root)/audio/say \"hi\".wav", variant: 3)
        let path = "\(root)/manifest.csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func readsQuotedFieldsRelativePathsAndOptionalColumns() throws {
        let path = try manifest("""
            path,label,speaker,gender,split,session\r
            audio/a.wav,angry,1001,M,train,1\r
            "audio/with, comma.wav",sad,1002,female,val,"two\r
            lines"\r
            \r
            "audio/say ""hi"".wav",sad,,,,3\r

            """)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let corpus = try ManifestSource(.init(path: path)).load()
        let directory = (path as NSString).deletingLastPathComponent
        #expect(corpus.name == "manifest")
        #expect(corpus.classes == ["angry", "sad"])
        #expect(corpus.clips.map(\.path) == ["\(directory)/audio/a.wav", "\(directory)/audio/say \"hi\".wav",
                                             "\(directory)/audio/with, comma.wav"])
        #expect(corpus.clips[0].speaker == "1001" && corpus.clips[0].gender == .male)
        #expect(corpus.clips[0].attributes == ["split": "train", "session": "1"])
        #expect(corpus.clips[1].speaker == nil && corpus.clips[1].gender == nil)
        #expect(corpus.clips[2].attributes == ["split": "validation", "session": "two\r\nlines"])
        #expect(throws: CorpusError.invalidSplit(split: "manifest", reason:
            "clip \(directory)/audio/say \"hi\".wav has no split column value (train, validation or test)")) {
            try ManifestSplit().apply(to: corpus)
        }
        var labelled = corpus
        labelled.clips[1].attributes["split"] = "test"
        let split = try ManifestSplit().apply(to: labelled)
        #expect(split.train == [0] && split.test == [1] && split.validation == [2])
    }

    struct ErrorCase: Sendable, CustomStringConvertible {
        let id: String
        let text: String
        let line: Int
        let column: String?
        let reason: String
        var description: String { id }
    }

    static let errors: [ErrorCase] = [
        .init(id: "no label column", text: "path,speaker\naudio/a.wav,1\n", line: 1, column: "label",
              reason: "missing required column; the header is 'path,speaker', expected at least 'path,label' " +
                "(optional: speaker, gender, split)"),
        .init(id: "bad gender", text: "path,label,gender\naudio/a.wav,sad,female\naudio/a.wav,sad,x\n", line: 3,
              column: "gender", reason: "'x' is not a gender; expected male, female, m, f or empty"),
        .init(id: "bad split", text: "path,label,split\n\"audio/a.wav\",sad,dev\n", line: 2, column: "split",
              reason: "'dev' is not a split side; expected train, validation, val, test or empty"),
        .init(id: "empty label", text: "path,label\n\n\naudio/a.wav,\n", line: 4, column: "label", reason: "empty label"),
        .init(id: "field count", text: "path,label\n\"a\nb.wav\",sad\naudio/a.wav,sad,extra\n", line: 4, column: nil,
              reason: "has 3 fields, the header has 2"),
        .init(id: "unterminated quote", text: "path,label\naudio/a.wav,sad\n\"audio/a.wav,sad\n", line: 3,
              column: nil, reason: "quoted field is never closed"),
        .init(id: "text after quote", text: "path,label\n\"audio/a.wav\"x,sad\n", line: 2, column: nil,
              reason: "unexpected character 'x' after a closing quote"),
        .init(id: "duplicate column", text: "path,label,Label\n", line: 1, column: "label",
              reason: "column appears twice in the header"),
        .init(id: "empty file", text: "", line: 1, column: nil,
              reason: "empty file; expected a header line such as 'path,label'"),
    ]

    @Test(arguments: errors)
    func malformedLinesNameFileLineAndColumn(_ example: ErrorCase) throws {
        let path = try manifest(example.text)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let expected = CorpusError.manifest(path: path, line: example.line, column: example.column,
                                            reason: example.reason)
        #expect(throws: expected) { try ManifestSource(.init(path: path)).load() }
    }

    @Test func errorTextReadsFileLineColumn() {
        let error = CorpusError.manifest(path: "m.csv", line: 3, column: "gender", reason: "'x' is not a gender")
        #expect(error.description == "m.csv:3, column 'gender': 'x' is not a gender")
    }

    @Test func missingListedFileIsSkippedOrFatal() throws {
        let path = try manifest("path,label\naudio/a.wav,sad\naudio/gone.wav,sad\n")
        let directory = (path as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let corpus = try ManifestSource(.init(path: path, name: "mine")).load()
        #expect(corpus.name == "mine" && corpus.clips.count == 1)
        #expect(corpus.skipped == [SkippedFile(path: "\(directory)/audio/gone.wav", reason:
            "unreadable audio file (no such file (listed at \(path):3))")])
        #expect(throws: CorpusError.unreadableFile(path: "\(directory)/audio/gone.wav",
                                                   reason: "no such file (listed at \(path):3)")) {
            try ManifestSource(.init(path: path, onBadFile: .fail)).load()
        }
    }
}
