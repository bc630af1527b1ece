import AudioFeatures
import EmotionCorpus
import Foundation
import Testing

@Suite struct SpeakerNormalizationTests {
    func matrix(frames: Int, width: Int, seed: Int, offset: Float, scale: Float) -> FeatureMatrix {
        var random = CorpusRandom(seed: seed, 2)
        return FeatureMatrix(frameCount: frames, featureCount: width,
                             values: (0..<(frames * width)).map { _ in offset + Float(random.normal()) * scale })
    }

    /// Speakers with very different offsets and scales each come out with mean 0 and deviation 1 per feature over
    /// their own frames, whichever other speakers are present.
    @Test func eachSpeakerIsStandardisedWithItsOwnStatistics() throws {
        let speakers: [String?] = ["a", "b", "a", "c", "b", "a"]
        let offsets: [String: Float] = ["a": -40, "b": 3, "c": 500]
        let scales: [String: Float] = ["a": 0.5, "b": 9, "c": 2]
        let features = speakers.enumerated().map { index, speaker in
            matrix(frames: 5 + index, width: 3, seed: index, offset: offsets[speaker!]!, scale: scales[speaker!]!)
        }
        let normalised = try SpeakerNormalization.apply(features, speakers: speakers)
        for speaker in ["a", "b", "c"] {
            let own = normalised.indices.filter { speakers[$0] == speaker }.map { normalised[$0] }
            let refit = try NormalizationStats.fit(own)
            for c in 0..<3 {
                // Float32 rounding of values of magnitude ~1 over ≤ 20 frames.
                #expect(abs(refit.mean[c]) < 1e-5, "speaker \(speaker) feature \(c) mean \(refit.mean[c])")
                #expect(abs(refit.standardDeviation[c] - 1) < 1e-5, "speaker \(speaker) std \(refit.standardDeviation[c])")
            }
        }
        // Dropping speaker c changes nothing for a and b: no statistics are shared across speakers.
        let withoutC = try SpeakerNormalization.apply(Array(features.prefix(3)) + Array(features.suffix(2)),
                                                      speakers: Array(speakers.prefix(3)) + Array(speakers.suffix(2)))
        #expect(withoutC == Array(normalised.prefix(3)) + Array(normalised.suffix(2)))
        let perClip = try SpeakerNormalization.perClip(features, speakers: speakers)
        #expect(perClip[0] == perClip[2] && perClip[0] == perClip[5] && perClip[1] != perClip[0])
    }

    @Test func aClipWithoutSpeakerIsAnErrorNamingIt() {
        let features = [matrix(frames: 4, width: 2, seed: 1, offset: 0, scale: 1)]
        #expect(throws: CorpusError.invalidSplit(split: "speaker_normalization", reason:
            "clip /c/x.wav has no speaker; per-speaker normalisation needs a speaker for every clip")) {
            try SpeakerNormalization.apply(features, speakers: [nil], paths: ["/c/x.wav"])
        }
    }
}

@Suite struct ClipLoaderTrimTests {
    /// 0.5 s of silence, 0.25 s of tone, 0.5 s of silence at 8 kHz: the trimmed clip starts within a frame (1536
    /// samples of centred frames) of the tone, and the 0.2 s kept by `duration` are all tone rather than the leading silence.
    @Test func trimmingHappensBeforeTheCrop() throws {
        let directory = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rate = 8000
        var samples = [Float](repeating: 0, count: rate / 2)
        samples += (0..<(rate / 4)).map { Float(0.5 * sin(2 * Double.pi * 440 * Double($0) / Double(rate))) }
        samples += [Float](repeating: 0, count: rate / 2)
        let path = directory + "/clip.wav"
        try AudioFile.write(path, interleaved: samples, sampleRate: rate, encoding: .float32)

        let plain = try ClipLoader(sampleRate: rate, duration: 0.2).load(path)
        #expect(plain.allSatisfy { $0 == 0 })
        let trimmedLoader = ClipLoader(sampleRate: rate, duration: 0.2, trimDB: 40)
        let trimmed = try trimmedLoader.load(path)
        #expect(trimmed.count == 1600)
        let expected = trimSilence(samples, topDB: 40).samples
        #expect(trimmed == Array(expected.prefix(1600)))
        // Centred 2048-sample frames at hop 512 reach up to 1536 samples beyond each edge of the tone.
        #expect(expected.count >= rate / 4 && expected.count <= rate / 4 + 2 * 1536)
        #expect(trimmed.map(abs).max()! > 0.4)
        let whole = try ClipLoader(sampleRate: rate, trimDB: 40).load(path)
        #expect(whole == expected)
        #expect(trimmedLoader.cacheKey == ClipLoader(sampleRate: rate, duration: 0.2).cacheKey + ";trim_db=40.0")
    }
}
