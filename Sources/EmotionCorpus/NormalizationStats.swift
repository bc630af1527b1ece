import AudioFeatures

/// Per-feature mean and standard deviation for standardising features, fit on the training side only.
///
/// Statistics are accumulated over every frame of every training clip with Welford's online algorithm in
/// `Double` (Welford 1962; Knuth TAOCP vol. 2, 4.2.2), which stays accurate over millions of frames where a
/// Float32 sum of squares would not:
///
/// ```
/// n += 1;  δ = x − mean;  mean += δ / n;  M2 += δ · (x − mean)
/// std = sqrt(M2 / n)            (population std, as sklearn StandardScaler)
/// y[t, c] = (x[t, c] − mean[c]) / max(std[c], epsilon)
/// ```
public struct NormalizationStats: Sendable, Equatable, Codable {
    /// Per-feature mean, `[C]`.
    public var mean: [Double]
    /// Per-feature population standard deviation, `[C]`.
    public var standardDeviation: [Double]
    /// Number of frames the statistics were fit on.
    public var frameCount: Int
    /// Floor on the standard deviation, so a constant feature maps to 0 instead of dividing by zero.
    public var epsilon: Double

    /// Creates statistics from known values.
    public init(mean: [Double], standardDeviation: [Double], frameCount: Int, epsilon: Double = 1e-8) {
        precondition(mean.count == standardDeviation.count,
                     "NormalizationStats: \(mean.count) means but \(standardDeviation.count) deviations")
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.frameCount = frameCount
        self.epsilon = epsilon
    }

    /// Fits on the frames of `features[i]` for every `i` in `split.train` only; `features` is indexed like
    /// `Corpus.clips`, each `[T, C]`.
    /// - Throws: `CorpusError.invalidSplit` when the training side has no frame.
    public static func fit(_ features: [FeatureMatrix], trainingSide split: SplitResult,
                           epsilon: Double = 1e-8) throws -> NormalizationStats {
        try fit(split.train.map { index in
            precondition(features.indices.contains(index),
                         "NormalizationStats.fit: train index \(index) outside \(features.count) feature matrices")
            return features[index]
        }, epsilon: epsilon)
    }

    /// Fits on every frame of `matrices` (all `[T, C]` with the same `C`).
    /// - Throws: `CorpusError.invalidSplit` when there is no frame at all.
    public static func fit(_ matrices: [FeatureMatrix], epsilon: Double = 1e-8) throws -> NormalizationStats {
        guard let width = matrices.first(where: { $0.frameCount > 0 })?.featureCount else {
            throw CorpusError.invalidSplit(split: "normalization", reason: "the training side has no feature frames")
        }
        var count = 0
        var mean = [Double](repeating: 0, count: width)
        var m2 = [Double](repeating: 0, count: width)
        for matrix in matrices where matrix.frameCount > 0 {
            precondition(matrix.featureCount == width,
                         "NormalizationStats.fit: feature width \(matrix.featureCount) differs from \(width)")
            for t in 0..<matrix.frameCount {
                count += 1
                let n = Double(count)
                let row = t * width
                for c in 0..<width {
                    let x = Double(matrix.values[row + c])
                    let delta = x - mean[c]
                    mean[c] += delta / n
                    m2[c] += delta * (x - mean[c])
                }
            }
        }
        let std = m2.map { ($0 / Double(count)).squareRoot() }
        return NormalizationStats(mean: mean, standardDeviation: std, frameCount: count, epsilon: epsilon)
    }

    /// Standardises `matrix` (`[T, C]`, same `C`) with these statistics.
    public func apply(_ matrix: FeatureMatrix) -> FeatureMatrix {
        precondition(matrix.featureCount == mean.count,
                     "NormalizationStats.apply expects [T, \(mean.count)], got [\(matrix.frameCount), \(matrix.featureCount)]")
        let scale = standardDeviation.map { 1 / max($0, epsilon) }
        var out = matrix
        let width = matrix.featureCount
        for t in 0..<matrix.frameCount {
            for c in 0..<width {
                out.values[t * width + c] = Float((Double(matrix.values[t * width + c]) - mean[c]) * scale[c])
            }
        }
        return out
    }
}
