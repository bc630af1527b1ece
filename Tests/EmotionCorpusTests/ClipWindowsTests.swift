import AudioFeatures
import Testing
@testable import EmotionCorpus

/// Test-time windows: where they start, that they cover the clip from its first to its last frame, and that each
/// is a verbatim slice of the features.
@Suite struct ClipWindowsTests {
    @Test func aClipThatFitsOrOneCropIsScoredFromItsStart() {
        #expect(ClipWindows.starts(frames: 80, length: 100, count: 5) == [0])
        #expect(ClipWindows.starts(frames: 100, length: 100, count: 5) == [0])
        #expect(ClipWindows.starts(frames: 250, length: 100, count: 1) == [0])
    }

    @Test func windowsSpreadEvenlyFromTheFirstToTheLastFrame() {
        #expect(ClipWindows.starts(frames: 250, length: 100, count: 2) == [0, 150])
        #expect(ClipWindows.starts(frames: 250, length: 100, count: 3) == [0, 75, 150])
        #expect(ClipWindows.starts(frames: 301, length: 100, count: 4) == [0, 67, 134, 201])
        // Fewer distinct positions than crops: each position once.
        #expect(ClipWindows.starts(frames: 102, length: 100, count: 5) == [0, 1, 2])
    }

    @Test func windowsAreSlicesOfTheFeatures() {
        let matrix = FeatureMatrix(frameCount: 7, featureCount: 2, values: (0 ..< 14).map(Float.init))
        let windows = ClipWindows.spread(matrix, length: 3, count: 3)
        var random = CorpusRandom(seed: 3, 1)
        let drawn = ClipWindows.random(matrix, length: 3, random: &random)
        let start = Int(drawn.values[0]) / 2
        #expect(drawn.frameCount == 3 && (0 ... 4).contains(start) && drawn.values == Array(matrix.values[start * 2 ..< start * 2 + 6]))
        var fits = CorpusRandom(seed: 3, 1)
        #expect(ClipWindows.random(matrix, length: 7, random: &fits) == matrix)
        #expect(windows.map(\.frameCount) == [3, 3, 3])
        #expect(windows.map(\.values) == [[0, 1, 2, 3, 4, 5], [4, 5, 6, 7, 8, 9], [8, 9, 10, 11, 12, 13]])
        let short = ClipWindows.spread(matrix, length: 10, count: 3)
        #expect(short == [matrix])
    }

    @Test func randomWindowsReachEveryStartAboutEquallyOften() {
        let matrix = FeatureMatrix(frameCount: 7, featureCount: 1, values: (0 ..< 7).map(Float.init))
        var counts = [Int](repeating: 0, count: 5)
        for clip in 0 ..< 5_000 {
            var random = CorpusRandom(seed: 11, 2, clip)
            counts[Int(ClipWindows.random(matrix, length: 3, random: &random).values[0])] += 1
        }
        // 1,000 expected per start; a binomial deviation of 5 sigma is about 141.
        #expect(counts.allSatisfy { abs($0 - 1_000) < 150 }, "\(counts)")
    }
}
