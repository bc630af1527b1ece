/// A spec's sweep expanded into independent, validated trials: what `exp run` runs, shards and lists.
public struct SweepPlan: Sendable {
    /// The spec file.
    public var file: String
    /// The experiment name shared by every trial (`runs/<name>/`).
    public var name: String
    /// The swept key paths, in the order of each trial's `values`.
    public var paths: [String]
    /// The trials, in sweep order.
    public var trials: [SweepTrial]
    /// Whether anything is swept (a `sweep:` section or a multirun override); a plain run writes no manifest.
    public var isSweep: Bool { !paths.isEmpty }

    /// Trials above this count need `confirmLarge` (`--yes`).
    public static let confirmationLimit = 1_000

    /// One choice of a dimension: the assignments it makes.
    typealias Choice = [(path: String, value: SpecNode)]

    /// Loads `file`, expands its `sweep:` section together with the command-line `overrides` (a multirun override
    /// `a=1,2` is one more grid axis; a key given on the command line replaces the sweep's axis for that key), and
    /// validates every trial before returning.
    ///
    /// - Throws: `SpecErrors` with every distinct problem of the sweep and its trials; `SweepError` for a sweep
    ///   larger than `confirmationLimit` without `confirmLarge`, or trials that resolve to the same run.
    public static func make(file: String, overrides: [String] = [], registries: Registries, classCount: Int,
                            confirmLarge: Bool = true, loader: SpecLoader = SpecLoader()) throws -> SweepPlan {
        let parsed = try Override.parse(overrides)
        var tree = try loader.load(file: file)
        let sweepNode = tree["sweep"]
        if let entries = tree.entries {
            tree = SpecNode(.mapping(entries.filter { $0.key != "sweep" }), at: tree.location)
        }
        var definition = try sweepNode.map(SweepDefinition.init(node:)) ?? SweepDefinition(location: tree.location)
        let commandLinePaths = Set(parsed.map(\.dottedPath))
        definition.grid.removeAll { commandLinePaths.contains($0.path) }
        definition.zip.removeAll { commandLinePaths.contains($0.path) }
        definition.random.removeAll { commandLinePaths.contains($0.path) }
        if commandLinePaths.contains("seed") { definition.seeds = [] }
        if commandLinePaths.contains("split.fold") { definition.folds = nil }

        let single = parsed.filter { !$0.isMultirun }
        let base = try Override.apply(single, to: ExperimentSpec.withDefaults(tree))
        let dimensions = try self.dimensions(definition, multirun: parsed.filter(\.isMultirun), base: base)
        let count = dimensions.reduce(1) { $0.multipliedReportingOverflow(by: $1.count).partialValue }
        if !confirmLarge, count > confirmationLimit {
            throw SweepError.tooManyTrials(count: count, limit: confirmationLimit)
        }

        var collector = SpecErrorCollector()
        var trials: [SweepTrial] = []
        trials.reserveCapacity(count)
        for (index, combination) in product(dimensions).enumerated() {
            let assignments = combination.flatMap { $0 }
            let spec = try collector.capture { () -> ExperimentSpec in
                let sweepOverrides = try assignments.map { try Override.assignment($0.path, $0.value) }
                let trialTree = try Override.apply(sweepOverrides + single, to: ExperimentSpec.withDefaults(tree))
                return try ExperimentSpec(tree: trialTree, file: file, registries: registries, classCount: classCount)
            }
            guard let spec else { continue }
            let values = assignments.map { SweepValue(path: $0.path, value: SweepValue.text($0.value)) }
            trials.append(SweepTrial(index: index, spec: spec, values: values))
        }
        // The same problem in several trials is reported once, at its first location (each trial's value has its own).
        var distinct: [SpecError] = []
        var seenMessages: Set<String> = []
        for error in collector.errors {
            let prefix = error.location.map { "\($0): " } ?? ""
            if seenMessages.insert(String(error.description.dropFirst(prefix.count))).inserted { distinct.append(error) }
        }
        if !distinct.isEmpty { throw SpecErrors(distinct) }

        var seen: [String: Int] = [:]
        for trial in trials {
            if seen[trial.runID] != nil {
                throw SweepError.duplicateTrials(runID: trial.runID,
                                                 indices: trials.filter { $0.runID == trial.runID }.map(\.index))
            }
            seen[trial.runID] = trial.index
        }
        let name = trials.first?.spec.resolved.name ?? ""
        let paths = dimensions.flatMap { $0.first?.map(\.path) ?? [] }
        return SweepPlan(file: file, name: name, paths: paths, trials: trials)
    }

    /// grid axes, zip rows, random draws, command-line multirun axes, seeds, folds: each a list of choices.
    static func dimensions(_ definition: SweepDefinition, multirun: [Override], base: SpecNode) throws -> [[Choice]] {
        var dimensions: [[Choice]] = definition.grid.map { axis in axis.values.map { [(axis.path, $0)] } }
        if let rows = definition.zip.first?.values.count, rows > 0 {
            dimensions.append((0..<rows).map { row in definition.zip.map { ($0.path, $0.values[row]) } })
        }
        if definition.randomTrials > 0, !definition.random.isEmpty {
            let seed = base["seed"]?.scalarText.flatMap { UInt64($0) } ?? 0
            var generator = SweepRandom(seed: seed)
            dimensions.append((0..<definition.randomTrials).map { _ in
                definition.random.map { ($0.path, $0.distribution.sample(&generator, at: definition.location)) }
            })
        }
        for override in multirun {
            dimensions.append(override.values.map { [(override.dottedPath, $0)] })
        }
        if !definition.seeds.isEmpty {
            dimensions.append(definition.seeds.map { [("seed", .plain(String($0), at: definition.location))] })
        }
        if let folds = definition.folds {
            let split = base["split"]
            let type = split?["type"]?.scalarText ?? "(none)"
            guard type == "speaker_kfold" else {
                throw SpecErrors([.invalidValue(definition.location, path: "sweep.folds",
                                                message: "folds need split type 'speaker_kfold'. Received: split.type=\(type)")])
            }
            let numbers: [Int]
            switch folds {
            case .all: numbers = Array(0..<(split?["k"]?.scalarText.flatMap { Int($0) } ?? 5))
            case .listed(let listed): numbers = listed
            }
            dimensions.append(numbers.map { [("split.fold", .plain(String($0), at: definition.location))] })
        }
        return dimensions
    }

    /// The cartesian product, the first dimension varying slowest.
    static func product(_ dimensions: [[Choice]]) -> [[Choice]] {
        dimensions.reduce([[]]) { combinations, dimension in
            combinations.flatMap { prefix in dimension.map { prefix + [$0] } }
        }
    }
}
