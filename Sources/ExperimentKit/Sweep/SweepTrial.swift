/// One trial of a sweep: a complete, validated experiment and the values that make it differ from its siblings.
public struct SweepTrial: Sendable {
    /// Position in the sweep, from 0 (stable for a given spec and overrides: `--trial K`, `--shard`).
    public var index: Int
    /// The trial's validated spec (the `sweep` section removed).
    public var spec: ExperimentSpec
    /// The swept values of this trial, in the order of `SweepPlan.paths`.
    public var values: [SweepValue]

    /// The run id (`runs/<name>/<run-id>/`), from the resolved spec.
    public var runID: String { spec.resolved.runID.description }
    /// SHA-256 of the resolved spec's canonical JSON (the run id keeps its first 10 digits).
    public var configHash: String { SHA256.hex(spec.resolved.canonicalJSON) }
}

/// A swept key and the value one trial gives it, as text (`optimizer.learning_rate` = `0.001`).
public struct SweepValue: Sendable, Equatable, Codable {
    /// The dotted key path.
    public var path: String
    /// The value as YAML flow text.
    public var value: String

    /// Creates a value.
    public init(path: String, value: String) {
        self.path = path
        self.value = value
    }

    /// `node` as one line of YAML flow text: scalars as written, lists `[a, b]`, mappings `{k: v}`.
    static func text(_ node: SpecNode) -> String {
        switch node.content {
        case .scalar(let text, let isString):
            return isString && ScalarKind(resolving: text) != .string ? "'\(text)'" : text
        case .sequence(let items):
            return "[" + items.map(text).joined(separator: ", ") + "]"
        case .mapping(let entries):
            return "{" + entries.map { "\($0.key): \(text($0.value))" }.joined(separator: ", ") + "}"
        }
    }
}
