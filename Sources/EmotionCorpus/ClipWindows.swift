import AudioFeatures

/// Windows of a clip's features as long as the model's input: several spread evenly over a long clip at test time,
/// their class probabilities averaged (multi-crop evaluation, as image and audio classifiers do), so the end of a
/// long utterance counts as much as its start; and one at a random position per epoch in training (random crops).
public enum ClipWindows {
    /// First frames of up to `count` windows of `length` frames over a clip of `frames` frames: the first window
    /// starts at 0 and the last ends at `frames`, the others evenly between (rounded, duplicates dropped). A clip
    /// that fits (`frames ≤ length`) or `count == 1` gives `[0]`.
    public static func starts(frames: Int, length: Int, count: Int) -> [Int] {
        precondition(length > 0 && count > 0, "ClipWindows needs length > 0 and count > 0, got \(length), \(count)")
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
    public static func spread(_ matrix: FeatureMatrix, length: Int, count: Int) -> [FeatureMatrix] {
        starts(frames: matrix.frameCount, length: length, count: count).map {
            window(matrix, start: $0, length: length)
        }
    }

    /// One window of `length` frames of `matrix` starting at a uniformly drawn frame in `0...T−length` (the whole
    /// matrix when it fits).
    public static func random(_ matrix: FeatureMatrix, length: Int, random: inout CorpusRandom) -> FeatureMatrix {
        precondition(length > 0, "ClipWindows needs length > 0, got \(length)")
        guard matrix.frameCount > length else { return matrix }
        let start = Int.random(in: 0 ... matrix.frameCount - length, using: &random)
        return window(matrix, start: start, length: length)
    }

    /// Frames `start ..< start + min(length, T − start)` of `matrix`.
    static func window(_ matrix: FeatureMatrix, start: Int, length: Int) -> FeatureMatrix {
        let width = matrix.featureCount
        let kept = min(length, matrix.frameCount - start)
        return FeatureMatrix(frameCount: kept, featureCount: width,
                             values: Array(matrix.values[start * width ..< (start + kept) * width]))
    }
}
