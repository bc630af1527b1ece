import AudioFeatures
import EmotionCorpus
import Foundation
import Testing

@Suite struct NormalizationTests {
    /// Two-pass mean and population std in Double, the textbook definition Welford must match.
    func reference(_ matrices: [FeatureMatrix]) -> (mean: [Double], std: [Double]) {
        let width = matrices[0].featureCount
        var mean = [Double](repeating: 0, count: width), count = 0
        for m in matrices { for t in 0..<m.frameCount { count += 1; for c in 0..<width { mean[c] += Double(m[t, c]) } } }
        mean = mean.map { $0 / Double(count) }
        var variance = [Double](repeating: 0, count: width)
        for m in matrices {
            for t in 0..<m.frameCount { for c in 0..<width { variance[c] += pow(Double(m[t, c]) - mean[c], 2) } }
        }
        return (mean, variance.map { ($0 / Double(count)).squareRoot() })
    }

    func matrix(frames: Int, width: Int, seed: Int, offset: Float) -> FeatureMatrix {
        var random = CorpusRandom(seed: seed, 1)
        return FeatureMatrix(frameCount: frames, featureCount: width,
                             values: (0..<(frames * width)).map { _ in offset + Float(random.normal()) * 3 })
    }

    @Test func statisticsComeFromTheTrainingSideOnly() throws {
        // Test clips are offset by 1000, so any leak into the statistics would move the mean far away.
        let features = (0..<6).map { matrix(frames: 7 + $0, width: 5, seed: $0, offset: $0 >= 4 ? 1000 : 2) }
        let split = SplitResult(split: "handmade", train: [0, 1, 3], validation: [2], test: [4, 5])
        let stats = try NormalizationStats.fit(features, trainingSide: split)
        let expected = reference([features[0], features[1], features[3]])
        #expect(stats.frameCount == 7 + 8 + 10)
        for c in 0..<5 {
            #expect(abs(stats.mean[c] - expected.mean[c]) < 1e-9)
            #expect(abs(stats.standardDeviation[c] - expected.std[c]) < 1e-9)
        }
        #expect(stats.mean.allSatisfy { abs($0 - 2) < 3 })

        let standardised = [0, 1, 3].map { stats.apply(features[$0]) }
        let after = reference(standardised)
        for c in 0..<5 {
            #expect(abs(after.mean[c]) < 1e-5)
            #expect(abs(after.std[c] - 1) < 1e-5)
        }
    }

    @Test func welfordStaysAccurateWithALargeOffset() throws {
        // A Float32 sum of squares loses the variance of values near 1e4; Welford in Double does not.
        let values = (0..<20_000).map { Float(10_000) + Float($0 % 2) }
        let stats = try NormalizationStats.fit([FeatureMatrix(frameCount: 20_000, featureCount: 1, values: values)])
        #expect(abs(stats.mean[0] - 10_000.5) < 1e-9)
        #expect(abs(stats.standardDeviation[0] - 0.5) < 1e-9)
    }

    @Test func constantFeatureMapsToZeroAndEmptyTrainingSideThrows() throws {
        let constant = FeatureMatrix(frameCount: 3, featureCount: 2, values: [1, 4, 1, 5, 1, 6])
        let stats = try NormalizationStats.fit([constant])
        #expect(stats.apply(constant).values.enumerated().filter { $0.offset % 2 == 0 }.allSatisfy { $0.element == 0 })
        #expect(throws: CorpusError.invalidSplit(split: "normalization", reason: "the training side has no feature frames")) {
            try NormalizationStats.fit([constant], trainingSide: SplitResult(split: "s", train: [], validation: [], test: [0]))
        }
    }

    @Test func loudnessNormalisationHitsItsTargets() {
        let quiet: [Float] = (0..<800).map { 0.005 * sin(Float($0) * 0.05) }
        let peak = LoudnessNormalization.peak.apply(quiet)
        #expect(abs(peak.map(abs).max()! - 1) < 1e-6)
        let rms = LoudnessNormalization.rms.apply(quiet)
        let level = (rms.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(rms.count)).squareRoot()
        #expect(abs(20 * log10(level) - (-20)) < 1e-4)
        #expect(LoudnessNormalization.none.apply(quiet) == quiet)
        let silence = [Float](repeating: 0, count: 10)
        #expect(LoudnessNormalization.peak.apply(silence) == silence && LoudnessNormalization.rms.apply(silence) == silence)
        #expect(LoudnessNormalization.rms.apply([]) == [])
        // Gain only: the waveform's shape (ratios between samples) is unchanged.
        #expect(abs(peak[10] / peak[20] - quiet[10] / quiet[20]) < 1e-4)
    }
}
