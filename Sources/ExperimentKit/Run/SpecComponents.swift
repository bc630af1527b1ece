import AudioFeatures
import EmotionCorpus
import NeuralNet

/// Builds an experiment's components from its validated spec through the registries (`RegistryScope.current` in
/// `exp`), so plugins' components are built exactly like the built-in ones.
public struct SpecComponents: ExperimentComponents {
    /// The validated spec.
    public let spec: ExperimentSpec
    /// The registries the spec was validated against.
    public let registries: Registries
    /// The class count `units: classes` was resolved with.
    public let classCount: Int

    /// Components of `spec`, loaded with `classCount` classes, built from `registries`.
    public init(spec: ExperimentSpec, registries: Registries, classCount: Int) {
        self.spec = spec
        self.registries = registries
        self.classCount = classCount
    }

    /// The corpus of `data`, or the corpora of `data.corpora` combined (speakers namespaced by corpus, each clip
    /// tagged with its corpus), then relabelled by `labels`.
    public func makeCorpus() throws -> Corpus {
        let corpora = try spec.corpora.map { try registries.corpora.make($0).load() }
        let corpus = spec.combinesCorpora ? try Corpus.combined(corpora) : corpora[0]
        return try Self.relabel(corpus, with: spec.resolved.labels)
    }

    /// `corpus` renamed and restricted by `labels` (`Corpus.relabelled`), or unchanged without them.
    /// - Throws: `CorpusError.labels` for a mapping the corpus cannot take.
    public static func relabel(_ corpus: Corpus, with labels: LabelOptions?) throws -> Corpus {
        guard let labels else { return corpus }
        return try corpus.relabelled(map: labels.map, keep: labels.keep)
    }

    public func makeFeatureExtractor() throws -> any FeatureExtractor {
        try registries.features.make(spec.features)
    }

    public func makeAugmentation() throws -> Augmentation.Configuration? {
        guard !spec.augment.isEmpty else { return nil }
        return AugmentationStep.configuration(try spec.augment.map { try registries.augmentations.make($0) })
    }

    public func makeSplit() throws -> any Split {
        try registries.splits.make(spec.split)
    }

    /// The spec's layers built through the registry with shape inference (`ExperimentSpec.buildModel`).
    public func makeModel(inputShape: [Int], classCount: Int, seed: UInt64) throws -> Sequential {
        var spec = self.spec
        if classCount != self.classCount {
            // `units: classes` was resolved before the corpus was scanned; resolve it again with the real count.
            spec = try ExperimentSpec(tree: spec.tree, file: spec.file, registries: registries, classCount: classCount)
        }
        return try spec.buildModel(registries: registries, inputShape: inputShape, seed: seed)
    }

    public func makeOptimizer() throws -> any Optimizer {
        try registries.optimizers.make(spec.optimizer)
    }

    public func makeScheduler(baseLearningRate: Double) throws -> LearningRateScheduler? {
        guard let schedule = spec.schedule else { return nil }
        return LearningRateScheduler(try registries.schedules.make(schedule), baseLearningRate: baseLearningRate)
    }
}
