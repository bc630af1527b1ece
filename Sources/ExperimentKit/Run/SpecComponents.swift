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

    public func makeCorpus() throws -> Corpus {
        try registries.corpora.make(spec.corpus).load()
    }

    public func makeFeatureExtractor() throws -> any FeatureExtractor {
        try registries.features.make(spec.features)
    }

    public func makeSplit() throws -> any Split {
        try registries.splits.make(spec.split)
    }

    /// Each layer is built from its spec with the incoming per-example shape, as shape inference validated it.
    public func makeModel(inputShape: [Int], classCount: Int, seed: UInt64) throws -> Sequential {
        var layerSpecs = spec.layers
        if classCount != self.classCount {
            // `units: classes` was resolved before the corpus was scanned; resolve it again with the real count.
            layerSpecs = try ExperimentSpec(tree: spec.tree, file: spec.file, registries: registries,
                                            classCount: classCount).layers
        }
        let table: Registry<any Layer, [Int]> = registries.registry(.layer)
        var shape = inputShape
        var layers: [any Layer] = []
        for layerSpec in layerSpecs {
            let layer = try table.make(layerSpec, context: shape)
            shape = try layer.outputShape(for: shape)
            layers.append(layer)
        }
        return try Sequential(layers, inputShape: inputShape, seed: seed)
    }

    public func makeOptimizer() throws -> any Optimizer {
        let table: Registry<any Optimizer, Void> = registries.registry(.optimizer)
        return try table.make(spec.optimizer)
    }

    public func makeScheduler(baseLearningRate: Double) throws -> LearningRateScheduler? {
        guard let schedule = spec.schedule else { return nil }
        let table: Registry<LearningRateSchedule, Void> = registries.registry(.schedule)
        return LearningRateScheduler(try table.make(schedule), baseLearningRate: baseLearningRate)
    }
}
