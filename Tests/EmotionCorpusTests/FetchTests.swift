import EmotionCorpus
import Foundation
import Testing
import ZIPFoundation

/// `exp data fetch ravdess` against a loopback HTTP server serving a full-count archive of tiny WAVs.
@Suite(.serialized) struct FetchTests {
    /// A stored (uncompressed) ZIP holding all 1,440 RAVDESS speech names under `Actor_XX/`, plus clutter the
    /// fetcher must ignore (a song file, a macOS resource fork, a readme).
    static let archive: [UInt8] = {
        do {
            let directory = try CorpusFixtures.temporaryDirectory("archive")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try CorpusFixtures.writeWAV("\(directory)/tiny.wav", variant: 1, frames: 8)
            let wav = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/tiny.wav"))
            let zip = try Archive(data: Data(), accessMode: .create)
            var names = (1...24).flatMap(CorpusFixtures.speechNames(actor:)).map { "Actor_\($0.speaker)/\($0.fileName)" }
            names += ["Actor_01/03-02-03-01-01-01-01.wav", "__MACOSX/Actor_01/._03-01-01-01-01-01-01.wav", "README.txt"]
            for name in names {
                try zip.addEntry(with: name, type: .file, uncompressedSize: Int64(wav.count)) { position, size in
                    wav.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            return [UInt8](zip.data ?? Data())
        } catch {
            preconditionFailure("cannot build the test archive: \(error)")
        }
    }()

    func fetcher(_ server: LoopbackHTTPServer, into parent: String, attempts: Int = 1) -> RavdessFetcher {
        RavdessFetcher(url: server.url, output: "\(parent)/ravdess", attempts: attempts)
    }

    /// Names in `parent` other than the expected ones (staging directories, part files, archives).
    func leftovers(in parent: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: parent).sorted()
    }

    @Test func fullDownloadUnpacksEveryActorFolder() async throws {
        let parent = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let server = try LoopbackHTTPServer(body: Self.archive)
        defer { server.stop() }
        let summary = try await fetcher(server, into: parent).run()
        #expect(summary == .init(output: "\(parent)/ravdess", fileCount: 1440, alreadyPresent: false))
        #expect(try leftovers(in: parent) == ["ravdess"])
        let actors = try FileManager.default.contentsOfDirectory(atPath: "\(parent)/ravdess").sorted()
        #expect(actors == (1...24).map { $0 < 10 ? "Actor_0\($0)" : "Actor_\($0)" })
        let corpus = try RavdessSource(.init(root: "\(parent)/ravdess", onBadFile: .fail)).load()
        #expect(corpus.clips.count == 1440 && corpus.speakers.count == 24)

        let again = try await fetcher(server, into: parent).run()
        #expect(again.alreadyPresent && again.fileCount == 1440)
        #expect(server.receivedRequests.count == 1)
    }

    @Test func interruptedTransferResumesWithRange() async throws {
        let parent = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let server = try LoopbackHTTPServer(body: Self.archive)
        defer { server.stop() }
        server.cutNextResponse(after: 50_000)
        await #expect {
            try await fetcher(server, into: parent).run()
        } throws: { error in
            (error as? CorpusError)?.description.contains("run again to resume") == true
        }
        let part = "\(parent)/ravdess.zip.part"
        let partial = try #require(try FileManager.default.attributesOfItem(atPath: part)[.size] as? Int)
        #expect(partial > 0 && partial <= 50_000)
        #expect(try leftovers(in: parent) == ["ravdess.zip.part"])

        let summary = try await fetcher(server, into: parent).run()
        #expect(summary.fileCount == 1440)
        let requests = server.receivedRequests
        #expect(requests.count == 2)
        #expect(!requests[0].lowercased().contains("range:"))
        #expect(requests[1].contains("ange: bytes=\(partial)-"))
        #expect(try leftovers(in: parent) == ["ravdess"])
    }

    @Test func completePartFileIsUsedWhenTheServerHasNothingLeft() async throws {
        let parent = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let server = try LoopbackHTTPServer(body: Self.archive)
        defer { server.stop() }
        try Data(Self.archive).write(to: URL(fileURLWithPath: "\(parent)/ravdess.zip.part"))
        let summary = try await fetcher(server, into: parent).run()
        #expect(summary.fileCount == 1440)
        #expect(server.receivedRequests.count == 1 && server.receivedRequests[0].contains("ange: bytes=\(Self.archive.count)-"))
        #expect(try leftovers(in: parent) == ["ravdess"])
    }

    @Test func retriesResumeWithinOneRun() async throws {
        let parent = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let server = try LoopbackHTTPServer(body: Self.archive)
        defer { server.stop() }
        server.cutNextResponse(after: 10_000)
        let summary = try await fetcher(server, into: parent, attempts: 2).run()
        #expect(summary.fileCount == 1440 && server.receivedRequests.count == 2)
    }

    @Test func corruptArchiveIsRejectedAndNothingIsHalfUnpacked() async throws {
        let parent = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        var corrupt = Self.archive
        // Flip samples inside the stored data of the 1,000th WAV: earlier entries unpack before its CRC-32 fails.
        let starts = (0..<(corrupt.count - 4)).filter {
            corrupt[$0] == 0x52 && corrupt[$0 + 1] == 0x49 && corrupt[$0 + 2] == 0x46 && corrupt[$0 + 3] == 0x46  // RIFF
        }
        #expect(starts.count == 1443)
        for index in (starts[999] + 48)..<(starts[999] + 52) { corrupt[index] ^= 0x5A }
        let server = try LoopbackHTTPServer(body: corrupt)
        defer { server.stop() }
        await #expect {
            try await fetcher(server, into: parent).run()
        } throws: { error in
            let text = (error as? CorpusError)?.description ?? ""
            return text.hasPrefix("fetch: \(parent)/ravdess.zip: entry Actor_") && text.contains(" is corrupt (CRC-32 ")
                && text.contains("the archive was deleted")
        }
        #expect(try leftovers(in: parent).isEmpty)
    }

    @Test func archiveWithTooFewFilesOrNotAZipIsRejected() async throws {
        let parent = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let server = try LoopbackHTTPServer(body: Array("<html>not a zip</html>".utf8))
        defer { server.stop() }
        await #expect {
            try await fetcher(server, into: parent).run()
        } throws: { error in
            (error as? CorpusError)?.description.contains("not a readable ZIP archive") == true
        }
        server.setBody(Self.archive)
        var strict = fetcher(server, into: parent)
        strict.expectedFileCount = 1441
        await #expect(throws: CorpusError.fetch(reason: "\(parent)/ravdess.zip: holds 1440 RAVDESS speech files, " +
            "expected 1441; the archive was deleted, run again to download it afresh")) {
            try await strict.run()
        }
        #expect(try leftovers(in: parent).isEmpty)
    }

    @Test func httpErrorsNameTheStatus() async throws {
        let parent = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let server = try LoopbackHTTPServer(body: Self.archive)
        defer { server.stop() }
        let missing = URL(string: "http://127.0.0.1:\(server.port)/missing.zip")!
        await #expect(throws: CorpusError.fetch(reason: "HTTP 404 from \(missing.absoluteString) (not found; check --url)")) {
            try await RavdessFetcher(url: missing, output: "\(parent)/ravdess", attempts: 3).run()
        }
        #expect(server.receivedRequests.count == 1)
    }
}
