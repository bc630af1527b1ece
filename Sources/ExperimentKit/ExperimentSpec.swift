/// A validated experiment: the component specs a runner builds from, and the resolved spec (defaults filled in)
/// that names and records the run. See `docs/spec.md` for every key and default.
public struct ExperimentSpec: Sendable {
    /// The file the spec was loaded from.
    public var file: String
    /// The merged tree (after `extends` and overrides), as validated.
    public var tree: SpecNode
    /// `data.corpus` with the corpus's own options (the `DataOptions` keys removed).
    public var corpus: ComponentSpec
    /// `features`.
    public var features: ComponentSpec
    /// `augment`, in order.
    public var augment: [ComponentSpec]
    /// `model.layers`, in order, with `classes` replaced by the class count.
    public var layers: [ComponentSpec]
    /// `optimizer`.
    public var optimizer: ComponentSpec
    /// `schedule`, or `nil` for a constant learning rate.
    public var schedule: ComponentSpec?
    /// `split`.
    public var split: ComponentSpec
    /// `metrics`, in order.
    public var metrics: [ComponentSpec]
    /// `sweep`, kept as written: its grammar belongs to the sweep expansion, which runs before validation.
    public var sweep: SpecNode?
    /// Everything above resolved, with defaults: hashed into the run id and written with each run.
    public var resolved: ResolvedSpec

    /// The top-level keys a spec may have, in the order specs are written (`extends` is consumed by the loader).
    public static let sectionKeys = ["name", "seed", "data", "features", "augment", "model", "optimizer", "schedule",
                                     "training", "split", "metrics", "sweep"]

    /// Loads `file` (with its `extends` chain), applies `overrides` in order (to the tree with defaults written out,
    /// see `withDefaults`), and validates every section against
    /// `registries`; `classCount` replaces `units: classes` in the model.
    ///
    /// - Throws: `SpecErrors` with every problem of the file, not only the first.
    public static func load(file: String, overrides: [Override] = [], registries: Registries, classCount: Int,
                            loader: SpecLoader = SpecLoader()) throws -> ExperimentSpec {
        var tree = try loader.load(file: file)
        if !overrides.isEmpty { tree = try Override.apply(overrides, to: withDefaults(tree)) }
        return try ExperimentSpec(tree: tree, file: file, registries: registries, classCount: classCount)
    }

    /// Validates a merged tree.
    ///
    /// - Throws: `SpecErrors` with every problem found.
    public init(tree: SpecNode, file: String, registries: Registries, classCount: Int) throws {
        precondition(classCount > 0, "classCount must be > 0, got \(classCount)")
        var reader = SpecReader(tree: tree, file: file, registries: registries, classCount: classCount)
        let sections = try reader.read()
        self.file = file
        self.tree = tree
        self.corpus = sections.corpus
        self.features = sections.features
        self.augment = sections.augment
        self.layers = sections.layers
        self.optimizer = sections.optimizer
        self.schedule = sections.schedule
        self.split = sections.split
        self.metrics = sections.metrics
        self.sweep = sections.sweep
        self.resolved = sections.resolved
    }
}
