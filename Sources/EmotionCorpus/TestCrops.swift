import AudioFeatures

/// Test-time cropping: a clip longer than the model's input is scored as several windows of that length spread
/// evenly over it, and the windows' class probabilities are averaged (multi-crop evaluation, as image and audio
/// classifiers do at test time), so the end of a long utterance counts as much as its start.
public enum TestCrops {
    /// First frames of up to `count` windows of `length` frames over a clip of `frames` frames: the first window
    /// starts at 0 and the last ends at `frames`, the others evenly between (rounded, duplicates dropped). A clip
    /// that fits (`frames ≤ length`) or `count == 1` gives `[0]`.
    public static func starts(frames: Int, length: Int, count: Int) -> [Int] {
        precondition(length > 0 && count > 0, "TestCrops needs length > 0 and count > 0, got \(length), \(count)")
        guard frames > length, count > 1 else { return [0] }
        let span = Double(frames - length)
        var starts: [Int] = []
        for index in 0 ..< count {
            let start = Int((span * Double(index) / Double(count - 1)).rounded())
            if starts.last != start { starts.append(start) }
        }
        return starts
    }

    /// The windows of `matrix` that `starts(frames:length:count:)` chooses, each `min(length, T)` frames.
    public static func windows(of matrix: FeatureMatrix, length: Int, count: Int) -> [FeatureMatrix] {
        let width = matrix.featureCount
        let kept = min(length, matrix.frameCount)
        return starts(frames: matrix.frameCount, length: length, count: count).map { start in
            FeatureMatrix(frameCount: kept, featureCount: width,
                          values: Array(matrix.values[start * width ..< (start + kept) * width]))
        }
    }
}
