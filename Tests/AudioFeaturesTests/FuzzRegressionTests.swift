import AudioFeatures
import Foundation
import Testing
import TestSupport

/// The WAV fuzz harness (`Fuzz/Sources/FuzzWAV`): its seeds decode as written by `Fuzz/Corpus/make_seeds.py`, and
/// every input the fuzzer found to crash the reader is a fixed, clearly reported error.
@Suite struct AudioFuzzRegressionTests {
    static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/wav")

    struct Seed: Sendable, CustomTestStringConvertible {
        let name: String, frames: Int, channels: Int, sampleRate: Int
        var testDescription: String { name }
    }

    static let valid = [
        Seed(name: "mono_pcm16.wav", frames: 48, channels: 1, sampleRate: 8000),
        Seed(name: "stereo_pcm24.wav", frames: 48, channels: 2, sampleRate: 16000),
        Seed(name: "mono_float.wav", frames: 16, channels: 1, sampleRate: 22050),
        Seed(name: "mono_pcm8.wav", frames: 16, channels: 1, sampleRate: 8000),
        Seed(name: "one_sample.wav", frames: 1, channels: 1, sampleRate: 8000),
        Seed(name: "mono.flac", frames: 48, channels: 1, sampleRate: 8000),
    ]

    @Test(arguments: valid)
    func seedDecodes(_ seed: Seed) throws {
        let (samples, info) = try AudioFile.readInterleaved(Self.seeds.appendingPathComponent(seed.name).path)
        #expect(info.frameCount == seed.frames && info.channelCount == seed.channels && info.sampleRate == seed.sampleRate)
        #expect(samples.count == seed.frames * seed.channels && samples.allSatisfy { abs($0) <= 1 })
    }

    /// Found by `FuzzWAV` in 7,338 executions: a 148-byte FLAC whose STREAMINFO declares 21,206,401,072 frames. The
    /// reader allocated the declared size up front (85 GB), so the process died of OOM; now the header is checked
    /// against `AudioLimits.maximumSamples` before any allocation.
    @Test func flacDeclaringBillionsOfFramesIsTooLongNotAnAllocation() throws {
        let path = ReferenceData.url("fuzz/wav-flac-huge-frame-count.flac").path
        let info = try AudioFile.info(path)
        #expect(info.frameCount == 21_206_401_072 && info.sampleRate == 4096 && info.channelCount == 1)
        for read in [{ _ = try AudioFile.readInterleaved(path) }, { _ = try AudioFile.readMono(path) }] {
            #expect { try read() } throws: { error in
                guard case AudioError.tooLong(path, 21_206_401_072, 4096, 1, AudioLimits.maximumSamples)? =
                    error as? AudioError else { return false }
                return "\(error)".contains("wav-flac-huge-frame-count.flac")
            }
        }
    }

    @Test func truncatedSeedIsReportedAsTruncated() throws {
        let path = Self.seeds.appendingPathComponent("truncated.wav").path
        #expect { try AudioFile.readInterleaved(path) } throws: { error in
            guard case AudioError.truncated(let named, let expected, let read)? = error as? AudioError else { return false }
            return named == path && expected == 48 && read == 38
        }
    }
}
