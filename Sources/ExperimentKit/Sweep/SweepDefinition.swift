/// The `sweep:` section of a spec, read strictly: which values vary, and how they combine.
///
/// ```yaml
/// sweep:
///   grid: {optimizer.learning_rate: [1e-3, 3e-4], features.type: [mfcc, logmel]}   # every combination
///   zip:  {features.type: [mfcc, logmel], features.n_mels: [40, 64]}              # paired, equal lengths
///   random: {trials: 20, params: {optimizer.learning_rate: {loguniform: [1e-4, 1e-2]},
///                                 model.layers[4].units: {choice: [64, 128, 256]}}}
///   seeds: [1, 2, 3]
///   folds: all                                                                    # speaker_kfold: fold 0..k-1
/// ```
/// Trials are the product grid × zip × random × seeds × folds, the first grid key varying slowest (Hydra's
/// multirun order). Random draws come from a SplitMix64 stream seeded by the spec's `seed`, so the same spec
/// always gives the same trials.
public struct SweepDefinition: Sendable, Equatable {
    /// One swept key with its candidate values (as written, locations kept).
    public struct Axis: Sendable, Equatable {
        /// The dotted key path, e.g. `optimizer.learning_rate` or `model.layers[4].units`.
        public var path: String
        /// The values, in order.
        public var values: [SpecNode]
    }

    /// One randomly drawn key.
    public struct RandomParameter: Sendable, Equatable {
        /// The dotted key path.
        public var path: String
        /// Where the values come from.
        public var distribution: SweepDistribution
    }

    /// `folds:` — every fold of the split (`all`) or the listed ones.
    public enum Folds: Sendable, Equatable {
        /// `folds: all`: `0..<k` of the `speaker_kfold` split.
        case all
        /// `folds: [0, 2]`.
        case listed([Int])
    }

    /// `grid:` axes in file order.
    public var grid: [Axis] = []
    /// `zip:` columns in file order; all have the same length.
    public var zip: [Axis] = []
    /// `random.trials`, 0 without `random:`.
    public var randomTrials = 0
    /// `random.params` in file order.
    public var random: [RandomParameter] = []
    /// `seeds:`, or empty.
    public var seeds: [Int] = []
    /// `folds:`, or `nil`.
    public var folds: Folds?
    /// Where the section starts.
    public var location: SourceLocation

    /// The keys `sweep:` accepts.
    public static let keys = ["grid", "zip", "random", "seeds", "folds"]

    /// An empty sweep (one trial: the spec itself).
    public init(location: SourceLocation) {
        self.location = location
    }

    /// Reads a `sweep:` node.
    ///
    /// - Throws: `SpecErrors` listing every problem: unknown keys, non-list values, unequal zip lengths, bad
    ///   distributions, paths that are not key paths, non-integer seeds or folds.
    public init(node: SpecNode) throws {
        self.init(location: node.location)
        if node.isNull { return }
        var collector = SpecErrorCollector()
        guard let entries = node.entries else {
            throw SpecErrors([.typeMismatch(node.location, path: "sweep", expected: "a mapping with keys "
                + Self.keys.joined(separator: ", "), got: node.described)])
        }
        for entry in entries {
            let path = "sweep.\(entry.key)"
            switch entry.key {
            case "grid": grid = try collector.capture { try Self.axes(entry.value, path: path) } ?? []
            case "zip":
                zip = try collector.capture { try Self.axes(entry.value, path: path) } ?? []
                if let first = zip.first, zip.contains(where: { $0.values.count != first.values.count }) {
                    let lengths = zip.map { "\($0.path): \($0.values.count)" }.joined(separator: ", ")
                    collector.record(.invalidValue(entry.value.location, path: path, message: "zip lists must have "
                        + "equal lengths, since their items are paired. Received: \(lengths)"))
                }
            case "random":
                if let (trials, parameters) = try collector.capture({ try Self.random(entry.value, path: path) }) {
                    randomTrials = trials
                    random = parameters
                }
            case "seeds":
                seeds = try collector.capture { try Self.integers(entry.value, path: path, minimum: 0) } ?? []
            case "folds":
                if entry.value.scalarKind == .string, entry.value.scalarText == "all" {
                    folds = .all
                } else if let listed = try collector.capture({ try Self.integers(entry.value, path: path, minimum: 0,
                                                                               expected: "'all' or a list of fold numbers") }) {
                    folds = .listed(listed)
                }
            default:
                collector.record(.unknownKey(entry.keyLocation, path: path, key: entry.key, validKeys: Self.keys,
                                             owner: "sweep"))
            }
        }
        try collector.finish()
    }

    /// Every swept path, in the order trials list their values.
    public var paths: [String] {
        grid.map(\.path) + zip.map(\.path) + random.map(\.path) + (seeds.isEmpty ? [] : ["seed"])
            + (folds == nil ? [] : ["split.fold"])
    }

    private static func axes(_ node: SpecNode, path: String) throws -> [Axis] {
        guard let entries = node.entries else {
            throw SpecErrors([.typeMismatch(node.location, path: path, expected: "a mapping of key paths to lists",
                                            got: node.described)])
        }
        var collector = SpecErrorCollector()
        var axes: [Axis] = []
        for entry in entries {
            let here = "\(path).\(entry.key)"
            _ = try collector.capture { try checkKeyPath(entry.key, at: entry.keyLocation, path: here) }
            guard let items = entry.value.items, !items.isEmpty else {
                collector.record(.typeMismatch(entry.value.location, path: here, expected: "a non-empty list of values",
                                               got: entry.value.items == nil ? entry.value.described : "an empty list"))
                continue
            }
            axes.append(Axis(path: entry.key, values: items))
        }
        try collector.finish()
        return axes
    }

    private static func random(_ node: SpecNode, path: String) throws -> (Int, [RandomParameter]) {
        guard let entries = node.entries else {
            throw SpecErrors([.typeMismatch(node.location, path: path, expected: "a mapping with keys trials, params",
                                            got: node.described)])
        }
        var collector = SpecErrorCollector()
        var trials: Int?
        var parameters: [RandomParameter] = []
        for entry in entries {
            switch entry.key {
            case "trials":
                if let value = try collector.capture({ try integers(entry.value, path: "\(path).trials", minimum: 1, scalar: true) }) {
                    trials = value.first
                }
            case "params":
                guard let params = entry.value.entries, !params.isEmpty else {
                    collector.record(.typeMismatch(entry.value.location, path: "\(path).params",
                                                   expected: "a mapping of key paths to distributions", got: entry.value.described))
                    continue
                }
                for param in params {
                    let here = "\(path).params.\(param.key)"
                    _ = try collector.capture { try checkKeyPath(param.key, at: param.keyLocation, path: here) }
                    if let distribution = try collector.capture({ try SweepDistribution(node: param.value, path: here) }) {
                        parameters.append(RandomParameter(path: param.key, distribution: distribution))
                    }
                }
            default:
                collector.record(.unknownKey(entry.keyLocation, path: "\(path).\(entry.key)", key: entry.key,
                                             validKeys: ["trials", "params"], owner: "sweep.random"))
            }
        }
        if trials == nil, !entries.contains(where: { $0.key == "trials" }) {
            collector.record(.missingKey(node.location, path: path, key: "trials"))
        }
        if !entries.contains(where: { $0.key == "params" }) {
            collector.record(.missingKey(node.location, path: path, key: "params"))
        }
        try collector.finish()
        return (trials ?? 0, parameters)
    }

    /// A list of integers (with `scalar`, one integer, as a one-item list), each ≥ `minimum`.
    private static func integers(_ node: SpecNode, path: String, minimum: Int, scalar: Bool = false,
                                 expected: String = "a list of integers") throws -> [Int] {
        let items = scalar ? [node] : node.items ?? [node]
        if node.items == nil, !scalar {
            throw SpecErrors([.typeMismatch(node.location, path: path, expected: expected, got: node.described)])
        }
        return try items.map { item in
            guard item.scalarKind == .int, let text = item.scalarText, let value = Int(text) else {
                throw SpecErrors([.typeMismatch(item.location, path: path, expected: "an integer", got: item.described)])
            }
            guard value >= minimum else {
                throw SpecErrors([.invalidValue(item.location, path: path,
                                                message: "values must be >= \(minimum). Received: \(value)")])
            }
            return value
        }
    }

    /// Sweeps address spec keys with the override grammar's paths (`a.b[2].c`); `name` names the sweep itself.
    private static func checkKeyPath(_ key: String, at location: SourceLocation, path: String) throws {
        let parsed: Override
        do {
            parsed = try Override.parse("\(key)=0")
        } catch {
            throw SpecErrors([.invalidValue(location, path: path, message: "'\(key)' is not a key path; write keys "
                + "as in overrides, e.g. optimizer.learning_rate or model.layers[4].units")])
        }
        guard parsed.operation == .set else {
            throw SpecErrors([.invalidValue(location, path: path, message: "'\(key)' is not a key path; '+', '++' "
                + "and '~' belong to command-line overrides")])
        }
        if key == "name" || key == "sweep" || key.hasPrefix("sweep.") {
            throw SpecErrors([.invalidValue(location, path: path, message: "'\(key)' cannot be swept: every trial "
                + "of a sweep shares the experiment name and the sweep section")])
        }
    }
}
