import AudioFeatures
import Foundation
import Testing

/// Every encoding `AudioFile.write` produces decodes to the samples written, within the encoding's precision;
/// Ogg/Vorbis (lossy) keeps the length, rate, pitch and energy of a tone.
@Suite struct AudioEncodingTests {
    struct Lossless: CustomTestStringConvertible, Sendable {
        let file: String
        let encoding: AudioEncoding
        let format: String
        /// Largest allowed |decoded − written|: one quantisation step `2^-(bits-1)` (libsndfile scales by
        /// `2^(bits-1) - 1` when writing and divides by `2^(bits-1)` when reading).
        let tolerance: Float
        var testDescription: String { "\(file) \(encoding.rawValue)" }
    }

    static let lossless: [Lossless] = [
        Lossless(file: "u8.wav", encoding: .pcm8, format: "WAV/Unsigned 8 bit PCM", tolerance: 1.0 / 128),
        Lossless(file: "s16.wav", encoding: .pcm16, format: "WAV/Signed 16 bit PCM", tolerance: 1.0 / 32768),
        Lossless(file: "s24.wav", encoding: .pcm24, format: "WAV/Signed 24 bit PCM", tolerance: 1.0 / 8_388_608),
        Lossless(file: "s32.wav", encoding: .pcm32, format: "WAV/Signed 32 bit PCM", tolerance: 1e-7),
        Lossless(file: "f32.wav", encoding: .float32, format: "WAV/32 bit float", tolerance: 0),
        Lossless(file: "s8.flac", encoding: .pcm8, format: "FLAC/Signed 8 bit PCM", tolerance: 1.0 / 128),
        Lossless(file: "s16.flac", encoding: .pcm16, format: "FLAC/Signed 16 bit PCM", tolerance: 1.0 / 32768),
        Lossless(file: "s24.flac", encoding: .pcm24, format: "FLAC/Signed 24 bit PCM", tolerance: 1.0 / 8_388_608),
    ]

    @Test(arguments: lossless)
    func losslessEncodingsRoundTrip(_ c: Lossless) throws {
        let path = hostileDirectory("encoding") + "/" + c.file
        // Stereo with different channels, so the mix-down is exercised too.
        let left = toneSamples(2000, frequency: 300), right = toneSamples(2000, frequency: 1100).map { -0.5 * $0 }
        let interleaved = zip(left, right).flatMap { [$0, $1] }
        try AudioFile.write(path, interleaved: interleaved, channelCount: 2, sampleRate: 22050, encoding: c.encoding)
        let info = try AudioFile.info(path)
        #expect(info.format == c.format)
        #expect(info.frameCount == 2000 && info.channelCount == 2 && info.sampleRate == 22050)
        let (decoded, _) = try AudioFile.readInterleaved(path)
        let worst = zip(decoded, interleaved).map { abs($0 - $1) }.max() ?? .infinity
        #expect(decoded.count == interleaved.count && worst <= c.tolerance, "max error \(worst)")
        let mono = try Audio.load(path)
        #expect(mono.samples.count == 2000)
        let expected = zip(left, right).map { ($0 + $1) / 2 }
        #expect(zip(mono.samples, expected).allSatisfy { abs($0 - $1) <= c.tolerance })
    }

    @Test func oggVorbisKeepsLengthRatePitchAndEnergy() throws {
        let path = hostileDirectory("encoding") + "/tone.ogg"
        let rate = 16000, count = 16000
        let tone = toneSamples(count, rate: rate, frequency: 1000)
        try AudioFile.write(path, interleaved: tone, sampleRate: rate, encoding: .vorbis)
        let info = try AudioFile.info(path)
        #expect(info.format.hasSuffix("/Vorbis"), "\(info.format)")  // "OGA/Vorbis" or "OGG/Vorbis" by version
        #expect(info.frameCount == count && info.sampleRate == rate && info.channelCount == 1)
        let decoded = try Audio.load(path)
        #expect(decoded.sampleRate == rate && decoded.samples.count == count)
        // Energy within 5 % of the tone's (RMS 0.5/√2), measured away from the edges.
        let middle = decoded.samples[2000..<14000]
        let rms = (middle.map { Double($0 * $0) }.reduce(0, +) / Double(middle.count)).squareRoot()
        #expect(abs(rms / (0.5 / 2.0.squareRoot()) - 1) < 0.05, "RMS \(rms)")
        // The spectrum peaks in the bin of 1000 Hz (n_fft 512 at 16 kHz: bin 32), with little energy elsewhere.
        let power = STFT(fftSize: 512, hopLength: 256, center: false).spectrogram(Array(middle), power: 2)
        var perBin = [Float](repeating: 0, count: power.featureCount)
        for t in 0..<power.frameCount { for k in 0..<power.featureCount { perBin[k] += power.values[t * power.featureCount + k] } }
        let peak = perBin.indices.max { perBin[$0] < perBin[$1] } ?? -1
        #expect(peak == 32)
        let near = perBin[30...34].reduce(0, +), total = perBin.reduce(0, +)
        #expect(near / total > 0.99, "energy near 1000 Hz: \(near / total)")
        // Resampling the decoded Vorbis follows librosa's length rule like any other input.
        #expect(try Audio.load(path, sampleRate: 22050).samples.count == 22050)
    }

    @Test func vorbisInAWavContainerIsAWriteErrorNamingTheFile() throws {
        let path = hostileDirectory("encoding") + "/tone.wav"
        #expect(throws: AudioError.writeFailed(path: path, reason: "libsndfile rejects vorbis at 16000 Hz, 1 channels")) {
            try AudioFile.write(path, interleaved: toneSamples(100), sampleRate: 16000, encoding: .vorbis)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
