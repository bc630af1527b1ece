/// A validated experiment: the component specs a runner builds from, and the resolved spec (defaults filled in)
/// that names and records the run. See `docs/specs.md` for every key and default.
public struct ExperimentSpec: Sendable {
    /// The file the spec was loaded from.
    public var file: String
    /// The merged tree (after `extends` and overrides), as validated.
    public var tree: SpecNode
    /// `data.corpus` with the corpus's own options (the `DataOptions` keys removed); the first of `corpora`.
    public var corpus: ComponentSpec { corpora[0] }
    /// Every corpus read: `data.corpus`, or each of `data.corpora` in order.
    public var corpora: [ComponentSpec]
    /// Whether `data` lists its corpora (`corpora:` or a bare list): clips are then combined with speakers
    /// namespaced by corpus (`emodb/03`), even for a list of one.
    public var combinesCorpora: Bool { resolved.data.corpora != nil }
    /// `evaluate`: the corpora the trained run is scored on after training, in order.
    public var evaluate: [EvaluationTarget]
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
    /// Everything above resolved, with defaults: hashed into the run id and written with each run. A layer option
    /// written `classes` stays `classes` here: the run resolves it from its corpus (after `labels`).
    public var resolved: ResolvedSpec

    /// The top-level keys a spec may have, in the order specs are written (`extends` is consumed by the loader).
    public static let sectionKeys = ["name", "seed", "data", "labels", "features", "augment", "model", "optimizer",
                                     "schedule", "training", "split", "metrics", "evaluate", "sweep"]

    /// Longest experiment name accepted: the run id adds a hash to it, and both must fit a 255-byte file name.
    public static let maxNameLength = 100

    /// Why `name` cannot name a run directory, or `nil` if it can: it must be 1 to `maxNameLength` characters of
    /// `[A-Za-z0-9._-]` and must not start with `.` (no hidden directories, no `.` or `..`), so the run directory
    /// `<runs root>/<name>/<run-id>` stays inside the runs root.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "name must not be empty" }
        if name.unicodeScalars.count > maxNameLength {
            return "name must be at most \(maxNameLength) characters, got \(name.unicodeScalars.count)"
        }
        if let bad = name.unicodeScalars.first(where: { !($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
            || $0 == "." || $0 == "_" || $0 == "-")) }) {
            let shown = bad.value < 0x20 || bad.value == 0x7F ? String(format: "U+%04X", bad.value) : "'\(bad)'"
            return "name may only contain A-Z, a-z, 0-9, '.', '_' and '-', found \(shown)"
        }
        if name.hasPrefix(".") { return "name must not start with '.'" }
        return nil
    }

    /// Loads `file` (with its `extends` chain), applies `overrides` in order (to the tree with defaults written out,
    /// see `withDefaults`), and validates every section against
    /// `registries`; `classCount` replaces `units: classes` in the layers built for shape checks (`layers`), while
    /// `resolved` keeps the word, since a run counts its classes from the data.
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
        // The count can come from data (a corpus scan, a checkpoint's class names), so it is an error, not a trap.
        guard classCount > 0 else {
            throw SpecErrors([.invalidValue(tree["model"]?.location ?? tree.location, path: "model",
                                            message: "the model needs at least one class, got \(classCount)")])
        }
        var reader = SpecReader(tree: tree, file: file, registries: registries, classCount: classCount)
        let sections = try reader.read()
        self.file = file
        self.tree = tree
        self.corpora = sections.corpora
        self.evaluate = sections.evaluate
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
