import AudioFeatures

/// A padded mini-batch of feature sequences: `features` is `[N, T, C]` row-major, zero beyond each
/// example's valid length.
///
/// Plain arrays on purpose: EmotionCorpus does not depend on NeuralNet; the experiment layer turns
/// `features` and `shape` into a `Tensor` and uses `lengths` to mask padded frames.
public struct Batch: Sendable, Equatable {
    /// `N * T * C` values; example `n`, frame `t`, feature `c` is at `(n * T + t) * C + c`.
    public var features: [Float]
    /// `[N, T, C]`.
    public var shape: [Int]
    /// Valid frames of each example (≤ T), `[N]`.
    public var lengths: [Int]
    /// Class index of each example, `[N]`.
    public var labels: [Int]
    /// Dataset index of each example, `[N]` (for reports and per-example augmentation streams).
    public var indices: [Int]

    /// Stacks the examples `indices` of `features`, padding with zeros (or cutting) to `frames` frames, or to
    /// the longest example when `frames` is `nil`.
    ///
    /// Every matrix must have the same feature count `C`; an example longer than `frames` keeps its first
    /// `frames` frames.
    public static func collate(_ indices: [Int], features: [FeatureMatrix], labels: [Int], frames: Int? = nil) -> Batch {
        precondition(!indices.isEmpty, "Batch.collate needs at least one example")
        precondition(features.count == labels.count, "Batch.collate: \(features.count) feature matrices but \(labels.count) labels")
        let channels = features[indices[0]].featureCount
        let lengths = indices.map { index -> Int in
            let matrix = features[index]
            precondition(matrix.featureCount == channels,
                         "Batch.collate expects C = \(channels) for every example, example \(index) has \(matrix.featureCount)")
            return frames.map { min($0, matrix.frameCount) } ?? matrix.frameCount
        }
        let time = frames ?? lengths.max() ?? 0
        precondition(time >= 0, "Batch.collate: frames must be ≥ 0, got \(time)")
        var values = [Float](repeating: 0, count: indices.count * time * channels)
        for (n, index) in indices.enumerated() {
            let source = features[index].values
            let count = lengths[n] * channels
            values.replaceSubrange(n * time * channels..<n * time * channels + count, with: source[0..<count])
        }
        return Batch(features: values, shape: [indices.count, time, channels], lengths: lengths,
                     labels: indices.map { labels[$0] }, indices: indices)
    }
}
