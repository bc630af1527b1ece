/// A command-line change to a spec, in Hydra's override grammar:
///
/// ```
/// optimizer.learning_rate=3e-4       set (missing mapping keys are created)
/// model.layers[4].units=128          set inside a list item
/// +training.grad_clip_norm=5         add a key that must not exist yet
/// ++training.epochs=10               set or add
/// ~schedule                          delete a key (or list item)
/// features.type=mfcc,logmel          multirun: several values, expanded by sweeps (`expand`)
/// ```
/// Values are typed like YAML plain scalars (`10` int, `1e-3` float, `true`, `null`, else string); `'…'`/`"…"`
/// force a string; `[a, b]` and `{k: v}` are YAML flow lists and mappings; an empty value is the empty string.
public struct Override: Sendable, Equatable {
    /// What the override does.
    public enum Operation: Sendable, Equatable {
        /// `key=value`.
        case set
        /// `+key=value`.
        case add
        /// `++key=value`.
        case upsert
        /// `~key`.
        case delete
    }

    /// One step of a key path.
    public enum PathComponent: Sendable, Equatable {
        /// A mapping key.
        case key(String)
        /// A list index, from 0.
        case index(Int)
    }

    /// The override as typed.
    public var text: String
    /// The operation.
    public var operation: Operation
    /// The key path, e.g. `[.key("model"), .key("layers"), .index(4), .key("units")]`.
    public var path: [PathComponent]
    /// The values: one for a plain override, several for a multirun list, none for a deletion.
    public var values: [SpecNode]
    /// Column (from 1) of each path component in `text`, for error messages.
    var pathColumns: [Int]

    /// The dotted path, e.g. `model.layers[4].units`.
    public var dottedPath: String {
        path.reduce("") { result, component in
            switch component {
            case .key(let key): SpecPath.key(result, key)
            case .index(let index): SpecPath.index(result, index)
            }
        }
    }

    /// Whether the override lists several values (`a=1,2`).
    public var isMultirun: Bool { values.count > 1 }

    /// Parses one override.
    ///
    /// - Throws: `SpecError.invalidOverride` naming the text and the column of the problem.
    public static func parse(_ text: String) throws -> Override {
        try OverrideParser(text: text).parse()
    }

    /// Parses several overrides, reporting every malformed one.
    ///
    /// - Throws: `SpecErrors` with one `invalidOverride` per bad argument.
    public static func parse(_ texts: [String]) throws -> [Override] {
        var collector = SpecErrorCollector()
        let parsed = try texts.compactMap { text in try collector.capture { try parse(text) } }
        try collector.finish()
        return parsed
    }

    /// A `path=value` assignment whose value is already a node, e.g. one value of a `sweep:` grid in a spec file
    /// (its location is kept, so an invalid value points at the sweep line that wrote it).
    ///
    /// - Throws: `SpecError.invalidOverride` when `path` is not a key path like `model.layers[4].units`.
    public static func assignment(_ path: String, _ value: SpecNode) throws -> Override {
        var override = try parse("\(path)=")
        override.values = [value]
        return override
    }

    /// Whether a command-line argument looks like an override rather than a spec path.
    public static func looksLikeOverride(_ argument: String) -> Bool {
        argument.hasPrefix("~") || argument.hasPrefix("+") || argument.contains("=")
    }

    /// Every combination of the multirun values, each a list of single-valued overrides (cartesian product, the
    /// first override varying slowest).
    public static func expand(_ overrides: [Override]) -> [[Override]] {
        overrides.reduce([[]]) { combinations, override in
            let choices = override.values.isEmpty ? [override] : override.values.map { value in
                var single = override
                single.values = [value]
                return single
            }
            return combinations.flatMap { prefix in choices.map { prefix + [$0] } }
        }
    }

    /// Applies single-valued overrides in order.
    ///
    /// - Throws: `SpecErrors` naming each override that cannot be applied (missing key to delete, existing key to
    ///   add, index out of range, path through a scalar, a multirun list).
    public static func apply(_ overrides: [Override], to tree: SpecNode) throws -> SpecNode {
        var tree = tree
        var collector = SpecErrorCollector()
        for override in overrides {
            if let applied = try collector.capture({ try override.apply(to: tree) }) { tree = applied }
        }
        try collector.finish()
        return tree
    }

    /// This override applied to `tree`.
    ///
    /// - Throws: `SpecError.invalidOverride` when it cannot be applied.
    public func apply(to tree: SpecNode) throws -> SpecNode {
        guard values.count <= 1 else {
            throw error(at: pathColumns.last.map { $0 } ?? 1,
                        "\(values.count) values given; comma-separated values are expanded by sweeps, one run each")
        }
        return try OverrideApplier(override: self).apply(to: tree, depth: 0, parentPath: "")
    }

    func error(at column: Int, _ message: String) -> SpecError {
        .invalidOverride(text: text, column: column, message: message)
    }
}
