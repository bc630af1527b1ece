/// What a spec gets for each omitted section (documented in `docs/specs.md`).
enum Defaults {
    /// Locations of default values name no file line, so errors in them read `<default>:1:1`.
    static let location = SourceLocation(file: "<default>", line: 1, column: 1)
    static let emptyMapping = SpecNode(.mapping([]), at: location)
    static let corpus = "ravdess"
    static let features = "mfcc"
    static let augment: [String] = []
    static let optimizer = "adam"
    static let split = "speaker_holdout"
    static let metrics = ["accuracy", "uar", "macro_f1"]

    /// The stack used when `model.layers` is omitted: two conv/pool stages, two LSTMs, a dense head.
    static let layersYAML = """
        - {type: conv1d, filters: 64, kernel_size: 5, activation: relu}
        - {type: maxpool1d, pool_size: 2}
        - {type: conv1d, filters: 128, kernel_size: 5, activation: relu}
        - {type: maxpool1d, pool_size: 2}
        - {type: lstm, units: 128, return_sequences: true}
        - {type: lstm, units: 64}
        - {type: dense, units: 64, activation: relu}
        - {type: dropout, rate: 0.3}
        - {type: dense, units: classes, activation: softmax}
        """

    static let layers: SpecNode = {
        do {
            return try SpecLoader().parse(layersYAML, file: "<default model.layers>")
        } catch {
            preconditionFailure("the default model stack does not parse: \(error)")
        }
    }()
}

extension ExperimentSpec {
    /// `tree` with every omitted component section written out (`data.corpus`, `features`, `model.layers`,
    /// `optimizer`, `split`, `metrics`) and bare component names turned into `{type: name}`, so that overrides and
    /// sweeps can address defaulted keys (`optimizer.learning_rate=…`, `model.layers[8].units=…`).
    public static func withDefaults(_ tree: SpecNode) -> SpecNode {
        guard var entries = tree.entries else { return tree }
        func value(_ key: String) -> SpecNode? { entries.first { $0.key == key }?.value }
        func put(_ key: String, _ node: SpecNode) {
            if let index = entries.firstIndex(where: { $0.key == key }) { entries[index].value = node } else {
                entries.append(SpecNode.Entry(key: key, keyLocation: Defaults.location, value: node))
            }
        }
        let here = Defaults.location
        var data = value("data") ?? Defaults.emptyMapping
        if var dataEntries = data.isNull ? [] : data.entries, !dataEntries.contains(where: { $0.key == "corpus" || $0.key == "corpora" }) {
            dataEntries.append(SpecNode.Entry(key: "corpus", keyLocation: here, value: .plain(Defaults.corpus, at: here)))
            data = SpecNode(.mapping(dataEntries), at: data.location)
        }
        put("data", data)
        for (key, name) in [("features", Defaults.features), ("optimizer", Defaults.optimizer), ("split", Defaults.split)] {
            put(key, Defaults.typed(value(key) ?? .plain(name, at: here)))
        }
        if let schedule = value("schedule") { put("schedule", Defaults.typed(schedule)) }
        if value("metrics") == nil {
            put("metrics", SpecNode(.sequence(Defaults.metrics.map { .plain($0, at: here) }), at: here))
        }
        var model = value("model") ?? Defaults.emptyMapping
        if var modelEntries = model.isNull ? [] : model.entries {
            if let index = modelEntries.firstIndex(where: { $0.key == "layers" }) {
                if let layers = modelEntries[index].value.items {
                    modelEntries[index].value.content = .sequence(layers.map(Defaults.typed))
                }
            } else {
                modelEntries.append(SpecNode.Entry(key: "layers", keyLocation: here, value: Defaults.layers))
            }
            model = SpecNode(.mapping(modelEntries), at: model.location)
        }
        put("model", model)
        return SpecNode(.mapping(entries), at: tree.location)
    }
}

extension Defaults {
    /// A bare component name as `{type: name}`; anything else unchanged.
    static func typed(_ node: SpecNode) -> SpecNode {
        guard node.scalarKind == .string else { return node }
        return SpecNode(.mapping([SpecNode.Entry(key: "type", keyLocation: node.location, value: node)]), at: node.location)
    }
}
