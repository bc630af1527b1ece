import AudioFeatures
import Testing
@testable import EmotionCorpus

/// Test-time windows: where they start, that they cover the clip from its first to its last frame, and that each
/// is a verbatim slice of the features.
@Suite struct TestCropsTests {
    @Test func aClipThatFitsOrOneCropIsScoredFromItsStart() {
        #expect(TestCrops.starts(frames: 80, length: 100, count: 5) == [0])
        #expect(TestCrops.starts(frames: 100, length: 100, count: 5) == [0])
        #expect(TestCrops.starts(frames: 250, length: 100, count: 1) == [0])
    }

    @Test func windowsSpreadEvenlyFromTheFirstToTheLastFrame() {
        #expect(TestCrops.starts(frames: 250, length: 100, count: 2) == [0, 150])
        #expect(TestCrops.starts(frames: 250, length: 100, count: 3) == [0, 75, 150])
        #expect(TestCrops.starts(frames: 301, length: 100, count: 4) == [0, 67, 134, 201])
        // Fewer distinct positions than crops: each position once.
        #expect(TestCrops.starts(frames: 102, length: 100, count: 5) == [0, 1, 2])
    }

    @Test func windowsAreSlicesOfTheFeatures() {
        let matrix = FeatureMatrix(frameCount: 7, featureCount: 2, values: (0 ..< 14).map(Float.init))
        let windows = TestCrops.windows(of: matrix, length: 3, count: 3)
        #expect(windows.map(\.frameCount) == [3, 3, 3])
        #expect(windows.map(\.values) == [[0, 1, 2, 3, 4, 5], [4, 5, 6, 7, 8, 9], [8, 9, 10, 11, 12, 13]])
        let short = TestCrops.windows(of: matrix, length: 10, count: 3)
        #expect(short == [matrix])
    }
}
