import AudioFeatures
import Foundation
import TestSupport
import Testing

/// One-sample clips decode and featurise like librosa; eight-hour clips are read by seeking, and a whole-file
/// read of one is refused by the decoding cap (`AudioLimits`) before anything is allocated.
@Suite struct ClipLengthExtremesTests {
    /// `Tests/Reference/Data/audio/short_clips.json`, written by `Tests/Reference/make_short_clip_reference.py`.
    struct ShortClips: Decodable {
        struct Case: Decodable, CustomTestStringConvertible, Sendable {
            let samples: [Float]
            let config: MFCC.Configuration
            let mfcc: [[Double]]
            var testDescription: String { "\(samples.count) sample(s), pad_mode \(config.logMel.padMode.rawValue)" }
        }
        struct Load: Decodable, Sendable {
            let sampleRate: Int?
            let rate: Int
            let samples: [Double]
            enum CodingKeys: String, CodingKey { case rate, samples, sampleRate = "sample_rate" }
        }
        let cases: [Case]
        let input: String
        let loads: [Load]
    }

    static let reference: ShortClips = {
        do { return try ReferenceData.load(ShortClips.self, "audio/short_clips.json") } catch {
            preconditionFailure("cannot read audio/short_clips.json: \(error)")
        }
    }()

    @Test(arguments: reference.cases)
    func shortClipMFCCMatchesLibrosa(_ c: ShortClips.Case) throws {
        let features = try MFCC(c.config).extract(c.samples)
        #expect(features.frameCount == c.mfcc.count && features.featureCount == 40)
        let expected = c.mfcc.flatMap { $0 }
        let scale = expected.map(abs).max() ?? 1
        let worst = maxDifference(features.values, expected)
        #expect(worst.value <= 1e-3 * scale, "max difference \(worst.value) at \(worst.index), scale \(scale)")
    }

    @Test func oneSampleFileLoadsAndResamplesLikeLibrosa() throws {
        for load in Self.reference.loads {
            let signal = try Audio.load(Golden.path(Self.reference.input), sampleRate: load.sampleRate)
            #expect(signal.sampleRate == load.rate)
            #expect(signal.samples.count == load.samples.count, "sr=\(load.rate)")
            let worst = maxDifference(signal.samples, load.samples)
            #expect(worst.value <= 1e-4, "sr=\(load.rate): max difference \(worst.value)")
        }
    }

    @Test func oneSampleWithoutCentringIsAClearExportError() throws {
        let out = hostileDirectory("short-export")
        let path = Golden.path(Self.reference.input)
        let uncentred = try MFCC(MFCC.Configuration(
            logMel: LogMel.Configuration(sampleRate: 16000, fftSize: 512, hopLength: 160, center: false, melCount: 40),
            coefficientCount: 13))
        let outcomes = try FeatureExport.run(inputs: [path], outputDirectory: out, extractor: uncentred)
        guard case .failure(let error) = outcomes.first?.result else {
            Issue.record("a one-sample clip without centring produced features")
            return
        }
        #expect(error.description == "\(path): 1 samples are too few for one frame")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }

    /// An 8-hour, 16 kHz, 16-bit mono WAV whose data is a sparse hole (zeros, no disk blocks) except for a
    /// 440 Hz tone written at `toneStart` seconds.
    static func eightHourFile(toneStart: Int, tone: [Float]) throws -> String {
        let path = hostileDirectory("eight-hours") + "/eight_hours.wav"
        let frames = 8 * 3600 * 16000
        var header = HostileWAV()
        header.declaredDataSize = UInt32(2 * frames)
        try header.write(to: path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(44 + 2 * toneStart * 16000))
        try handle.write(contentsOf: Data(HostileWAV.pcm16(tone)))
        try handle.truncate(atOffset: UInt64(44 + 2 * frames))
        return path
    }

    @Test func eightHourFileIsReadBySeekingAndRefusedWhole() throws {
        let tone = toneSamples(3 * 16000)
        let path = try Self.eightHourFile(toneStart: 28_790, tone: tone)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let info = try AudioFile.validate(path)
        #expect(info.frameCount == 460_800_000 && info.duration == 28_800)

        // Three seconds near the end: exactly the tone, quantised to 16 bits.
        let window = try Audio.load(path, offset: 28_790, duration: 3)
        #expect(window.samples.count == 48_000)
        #expect(zip(window.samples, tone).allSatisfy { abs($0 - $1) <= 1.0 / 32768 })
        // Resampled, the window is as long as librosa's rule says and keeps the tone's energy.
        let resampled = try Audio.load(path, sampleRate: 8000, offset: 28_790, duration: 3)
        #expect(resampled.samples.count == 24_000)
        let rms = (resampled.samples[2000..<22000].map { Double($0 * $0) }.reduce(0, +) / 20000).squareRoot()
        #expect(abs(rms - 0.5 / 2.0.squareRoot()) < 0.01)

        // The whole file is 460.8 M samples, over the default cap of 2^26: refused from the header.
        let whole = AudioError.tooLong(path: path, frames: 460_800_000, sampleRate: 16000, channels: 1,
                                       limit: AudioLimits.defaultMaximumSamples)
        #expect(throws: whole) { try Audio.load(path) }
        #expect(whole.description == "\(path): 8.0 h of audio (460800000 frames at 16000 Hz) exceeds the decoding "
                + "limit of 67108864 samples (1.2 h at this rate); read part of it with an offset/duration, or "
                + "raise EXP_MAX_AUDIO_SAMPLES")
        #expect(throws: AudioError.self) { try AudioFile.readMono(path) }
    }
}
