import AudioFeatures
import Foundation
import Testing

@Suite struct AudioFileTests {
    private func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exp-audiofile-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    @Test func stereoRoundTripMixesDownToTheMeanOfChannels() throws {
        let path = temporaryPath("stereo.wav")
        let left: [Float] = [0.5, -0.25, 0.125, 0]
        let right: [Float] = [0.25, 0.25, -0.125, 0.5]
        let interleaved = zip(left, right).flatMap { [$0, $1] }
        try AudioFile.write(path, interleaved: interleaved, channelCount: 2, sampleRate: 8000, encoding: .float32)
        let (mono, info) = try AudioFile.readMono(path)
        #expect(info.channelCount == 2 && info.sampleRate == 8000 && info.frameCount == 4)
        #expect(mono == zip(left, right).map { ($0 + $1) / 2 })
    }

    @Test func pcm16QuantisesWithinHalfAStep() throws {
        let path = temporaryPath("tone.wav")
        let tone = (0..<400).map { Float(sin(Double($0) * 0.05)) * 0.8 }
        try AudioFile.write(path, interleaved: tone, sampleRate: 16000)
        let (read, info) = try AudioFile.readMono(path)
        #expect(info.format == "WAV/Signed 16 bit PCM")
        #expect(zip(read, tone).allSatisfy { abs($0 - $1) <= 1.0 / 32768 })
    }

    @Test func missingAndNonAudioFilesNameTheFile() throws {
        let missing = temporaryPath("nope.wav")
        #expect(throws: AudioError.missing(path: missing)) { try AudioFile.readMono(missing) }
        let text = temporaryPath("text.wav")
        try Data("hello, this is not audio".utf8).write(to: URL(fileURLWithPath: text))
        do {
            _ = try AudioFile.readMono(text)
            Issue.record("reading text as audio did not throw")
        } catch let error as AudioError {
            #expect(error.description.hasPrefix("\(text): "))
        }
    }
}
