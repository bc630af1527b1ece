import AudioFeatures
import Foundation
import Testing

/// Hostile and broken audio files: each gives one `AudioError` naming the file and the cause, never a trap and
/// never silent zeros. The files are built byte by byte here (`HostileWAV`).
@Suite struct HostileAudioTests {
    /// A hostile file and the error class it must produce.
    struct Case: CustomTestStringConvertible, Sendable {
        let id: String
        let bytes: [UInt8]
        /// Text the error description must contain after `"<path>: "`.
        let expected: String
        var testDescription: String { id }
    }

    static let good = HostileWAV(payload: HostileWAV.pcm16(toneSamples(1600)))

    static let cases: [Case] = {
        var truncatedHeader = good.bytes
        truncatedHeader.removeLast(truncatedHeader.count - 30)
        var hugeData = good
        hugeData.declaredDataSize = 0xFFFF_FFF0
        var hugeChannels = good
        hugeChannels.channels = 0xFFFF
        var zeroChannels = good
        zeroChannels.channels = 0
        var zeroRate = good
        zeroRate.sampleRate = 0
        var oddBits = good
        oddBits.bitsPerSample = 0
        var unknownTag = good
        unknownTag.formatTag = 0x7A7A
        var noData = good
        noData.payload = []
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noise: [UInt8] = (0..<4096).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: seed >> 56)
        }
        let riffGarbage = Array("RIFF".utf8) + [0xFF, 0xFF, 0xFF, 0x7F] + Array("WAVE".utf8) + noise
        return [
            Case(id: "empty file", bytes: [], expected: "not a readable audio file"),
            Case(id: "truncated header", bytes: truncatedHeader, expected: "not a readable audio file"),
            Case(id: "data chunk size 0xFFFFFFF0", bytes: hugeData.bytes,
                 expected: "truncated audio data: header declares 2147483640 frames, only 1600 could be read"),
            Case(id: "65535 channels", bytes: hugeChannels.bytes, expected: "not a readable audio file"),
            Case(id: "zero channels", bytes: zeroChannels.bytes, expected: "not a readable audio file"),
            Case(id: "zero sample rate", bytes: zeroRate.bytes, expected: "not a readable audio file"),
            Case(id: "zero bits per sample", bytes: oddBits.bytes, expected: "not a readable audio file"),
            Case(id: "unknown format tag", bytes: unknownTag.bytes, expected: "not a readable audio file"),
            Case(id: "header without samples", bytes: noData.bytes, expected: "audio file has zero frames"),
            Case(id: "random bytes", bytes: noise, expected: "not a readable audio file"),
            Case(id: "RIFF/WAVE magic then garbage", bytes: riffGarbage, expected: "not a readable audio file"),
            Case(id: "PNG signature", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + noise,
                 expected: "not a readable audio file"),
        ]
    }()

    @Test(arguments: cases)
    func hostileFileGivesOneClearError(_ c: Case) throws {
        let path = hostileDirectory("hostile") + "/input.wav"
        try Data(c.bytes).write(to: URL(fileURLWithPath: path))
        for (api, attempt) in [("Audio.load", { _ = try Audio.load(path, sampleRate: 16000) }),
                               ("AudioFile.validate", { _ = try AudioFile.validate(path) })] as [(String, () throws -> Void)] {
            do {
                try attempt()
                Issue.record("\(api) accepted \(c.id)")
            } catch let error as AudioError {
                #expect(error.description.hasPrefix("\(path): \(c.expected)"), "\(api): \(error.description)")
            }
        }
    }

    @Test func dataChunkLongerThanTheFileNamesBothCounts() throws {
        let path = hostileDirectory("hostile") + "/short.wav"
        var wav = Self.good
        wav.declaredDataSize = 32000
        try wav.write(to: path)
        #expect(throws: AudioError.truncated(path: path, expectedFrames: 16000, readFrames: 1600)) {
            try Audio.load(path)
        }
    }

    /// Compressed files cut in half: FLAC's stream header promises more frames than the data holds (truncated);
    /// libsndfile cannot find the last Ogg page of a cut Vorbis file, so it refuses it when opening (not audio).
    @Test func compressedFilesCutInHalfAreRefused() throws {
        func halved(_ name: String, _ encoding: AudioEncoding) throws -> String {
            let path = hostileDirectory("hostile") + "/" + name
            try AudioFile.write(path, interleaved: toneSamples(32000), sampleRate: 16000, encoding: encoding)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
            return path
        }
        let flac = try halved("cut.flac", .pcm16)
        do {
            let signal = try Audio.load(flac)
            Issue.record("half a FLAC file decoded to \(signal.samples.count) samples")
        } catch let error as AudioError {
            guard case .truncated(let named, let expected, let read) = error else {
                Issue.record("expected truncated, got \(error)")
                return
            }
            #expect(named == flac && expected == 32000 && read < 32000, "\(error)")
        }
        let ogg = try halved("cut.ogg", .vorbis)
        do {
            let signal = try Audio.load(ogg)
            Issue.record("half an Ogg file decoded to \(signal.samples.count) samples")
        } catch let error as AudioError {
            #expect(error.description.hasPrefix("\(ogg): not a readable audio file ("), "\(error)")
        }
    }

    @Test(arguments: [(Float.nan, 0), (.infinity, 1), (-.infinity, 1)])
    func nonFiniteSampleInALaterChunkNamesItsFrame(_ bad: Float, _ channel: Int) throws {
        // 300,000 stereo frames span several read chunks; the bad value sits in the last one.
        let path = hostileDirectory("hostile") + "/nan.wav"
        var interleaved = [Float](repeating: 0.25, count: 600_000)
        interleaved[2 * 290_001 + channel] = bad
        try AudioFile.write(path, interleaved: interleaved, channelCount: 2, sampleRate: 16000, encoding: .float32)
        #expect(throws: AudioError.nonFiniteSamples(path: path, frame: 290_001)) { try Audio.load(path) }
        #expect(throws: AudioError.nonFiniteSamples(path: path, frame: 290_001)) { try AudioFile.readInterleaved(path) }
        // A selection that stops before the bad frame reads fine.
        let head = try Audio.load(path, duration: 18)
        #expect(head.samples.count == 288_000 && head.samples.allSatisfy { $0 == 0.25 })
    }

    @Test func hugeOffsetsAndDurationsAreRangeErrorsNotTraps() throws {
        let path = hostileDirectory("hostile") + "/tone.wav"
        try Self.good.write(to: path)
        #expect(throws: AudioError.self) { try Audio.load(path, offset: 1e300) }
        let all = try Audio.load(path, duration: 1e300)
        #expect(all.samples.count == 1600)
        #expect(throws: AudioError.self) { try Audio.load(path, duration: .infinity) }
        #expect(throws: AudioError.self) { try Audio.load(path, offset: .nan) }
    }

    @Test func selectionOverTheCapIsRefusedBeforeDecoding() throws {
        let path = hostileDirectory("hostile") + "/tone.wav"
        try Self.good.write(to: path)
        #expect(throws: AudioError.tooLong(path: path, frames: 1600, sampleRate: 16000, channels: 1, limit: 1000)) {
            try Audio.load(path, maximumSamples: 1000)
        }
        // Upsampling 16 kHz → 48 kHz triples the samples held: the output is capped as well.
        #expect(throws: AudioError.tooLong(path: path, frames: 4800, sampleRate: 48000, channels: 1, limit: 2000)) {
            try Audio.load(path, sampleRate: 48000, maximumSamples: 2000)
        }
        #expect(try Audio.load(path, duration: 0.05, maximumSamples: 1000).samples.count == 800)
        #expect(throws: AudioError.tooLong(path: path, frames: 1600, sampleRate: 16000, channels: 1, limit: 1000)) {
            try AudioFile.readInterleaved(path, maximumSamples: 1000)
        }
    }
}
