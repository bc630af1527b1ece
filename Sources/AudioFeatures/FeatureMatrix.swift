/// A per-clip feature matrix laid out frames × features (`[T, C]`), row-major.
///
/// librosa returns `(n_features, t)`; this package transposes once, where each feature is computed, so every
/// consumer (cache, batches, `.npy` export, the network) sees time on the first axis.
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of frames, `T`.
    public var frameCount: Int
    /// Number of features per frame, `C`.
    public var featureCount: Int
    /// `frameCount * featureCount` values; `values[t * featureCount + c]`.
    public var values: [Float]

    /// Wraps row-major values; the count must equal `frameCount * featureCount`.
    public init(frameCount: Int, featureCount: Int, values: [Float]) {
        precondition(frameCount >= 0 && featureCount >= 0 && values.count == frameCount * featureCount,
                     "FeatureMatrix expects \(frameCount) × \(featureCount) values, got \(values.count)")
        self.frameCount = frameCount
        self.featureCount = featureCount
        self.values = values
    }

    /// The value at frame `t`, feature `c`.
    public subscript(t: Int, c: Int) -> Float {
        get { values[t * featureCount + c] }
        set { values[t * featureCount + c] = newValue }
    }
}

/// Turns mono samples at a known rate into a `FeatureMatrix`; implementations are value types and thread-safe.
public protocol FeatureExtractor: Sendable {
    /// Sample rate in Hz the extractor expects its input at.
    var sampleRate: Int { get }
    /// Features per frame, `C`, known before any audio is seen (used for shape inference).
    var featureCount: Int { get }
    /// A canonical, stable text of every parameter that changes the output (part of feature-cache keys).
    var cacheKey: String { get }
    /// Computes the features of `samples` (mono, at `sampleRate`).
    func extract(_ samples: [Float]) -> FeatureMatrix
}
