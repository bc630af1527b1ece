import AudioFeatures
import EmotionCorpus
import NeuralNet

/// The components of one experiment, built from its spec: what the runner needs beyond the resolved options.
///
/// `SpecComponents` builds them through the registries; tests and plugins may supply their own.
public protocol ExperimentComponents {
    /// Scans the corpus.
    /// - Throws: `CorpusError` or `SpecError`.
    func makeCorpus() throws -> Corpus
    /// The feature extractor.
    /// - Throws: `SpecError` or a feature configuration error.
    func makeFeatureExtractor() throws -> any FeatureExtractor
    /// The training augmentation (`augment`), or nil when the spec lists none.
    /// - Throws: `SpecError`.
    func makeAugmentation() throws -> Augmentation.Configuration?
    /// The split.
    /// - Throws: `SpecError`.
    func makeSplit() throws -> any Split
    /// The network for per-example input `inputShape` (`[T, C]`) and `classCount` outputs, initialised from `seed`.
    /// - Throws: `SpecError` or `ShapeError`.
    func makeModel(inputShape: [Int], classCount: Int, seed: UInt64) throws -> Sequential
    /// The optimiser.
    /// - Throws: `SpecError`.
    func makeOptimizer() throws -> any Optimizer
    /// The learning-rate schedule over `baseLearningRate`, or nil for a constant rate.
    /// - Throws: `SpecError`.
    func makeScheduler(baseLearningRate: Double) throws -> LearningRateScheduler?
}
