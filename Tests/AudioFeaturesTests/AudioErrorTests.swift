import AudioFeatures
import Foundation
import Testing

/// Bad inputs give an `AudioError` naming the file and the cause, never a crash or silent zeros.
@Suite struct AudioErrorTests {
    private func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exp-audioerror-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    private func tone(_ count: Int) -> [Float] { (0..<count).map { Float(sin(Double($0) * 0.07)) * 0.5 } }

    @Test func missingFile() {
        let path = temporaryPath("absent.wav")
        #expect(throws: AudioError.missing(path: path)) { try Audio.load(path) }
        #expect(AudioError.missing(path: path).description == "\(path): no such file")
    }

    @Test func textFileIsNotAudio() throws {
        let path = temporaryPath("notes.wav")
        try Data(String(repeating: "not a wave file ", count: 20).utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try Audio.load(path)
            Issue.record("loading a text file did not throw")
        } catch let error as AudioError {
            guard case .notAudio(let named, _) = error else { Issue.record("expected notAudio, got \(error)"); return }
            #expect(named == path)
            #expect(error.description.hasPrefix("\(path): not a readable audio file"))
        }
    }

    @Test func zeroFrameFileIsEmpty() throws {
        let path = temporaryPath("empty.wav")
        try AudioFile.write(path, interleaved: [], sampleRate: 16000)
        #expect(throws: AudioError.empty(path: path)) { try Audio.load(path) }
    }

    @Test func offsetAtTheEndSelectsNothing() throws {
        let path = temporaryPath("short.wav")
        try AudioFile.write(path, interleaved: tone(1600), sampleRate: 16000)
        #expect(throws: AudioError.empty(path: path)) { try Audio.load(path, offset: 0.1) }
        #expect(throws: AudioError.self) { try Audio.load(path, offset: 0.5) }
        #expect(throws: AudioError.self) { try Audio.load(path, offset: -1) }
    }

    @Test func truncatedDataChunkIsReported() throws {
        let path = temporaryPath("cut.wav")
        try AudioFile.write(path, interleaved: tone(16000), sampleRate: 16000)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // Keep the header (which still declares 16000 frames) and the first 4000 frames of the data chunk.
        try bytes.prefix(44 + 8000).write(to: URL(fileURLWithPath: path))
        do {
            _ = try Audio.load(path)
            Issue.record("loading a truncated WAV did not throw")
        } catch let error as AudioError {
            guard case .truncated(let named, let expected, let read) = error else {
                Issue.record("expected truncated, got \(error)")
                return
            }
            #expect(named == path && expected == 16000 && read == 4000)
            #expect(error.description == "\(path): truncated audio data: header declares 16000 frames, only 4000 could be read")
        }
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteFloatSamplesAreRejected(_ bad: Float) throws {
        let path = temporaryPath("bad.wav")
        var samples = tone(800)
        samples[321] = bad
        try AudioFile.write(path, interleaved: samples, sampleRate: 8000, encoding: .float32)
        #expect(throws: AudioError.nonFiniteSamples(path: path, frame: 321)) { try Audio.load(path) }
    }

    @Test func resamplerRejectsNonPositiveRates() {
        #expect(throws: AudioError.self) { try Resampler.resample([0, 1], from: 0, to: 16000) }
    }
}

/// Formats beyond WAV decode to the same samples.
@Suite struct AudioFormatTests {
    @Test func flacDecodesLikeTheWavItWasMadeFrom() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exp-flac-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let wav = try Audio.load(Golden.path("vowel_22k.wav"))  // 24-bit PCM
        let flac = directory.appendingPathComponent("vowel.flac").path
        try AudioFile.write(flac, interleaved: wav.samples, sampleRate: wav.sampleRate, encoding: .pcm24)
        let decoded = try Audio.load(flac)
        #expect(try AudioFile.info(flac).format.hasPrefix("FLAC/"))
        #expect(decoded == wav)
    }
}
