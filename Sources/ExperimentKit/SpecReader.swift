/// Reads every section of a merged spec tree, resolving components through the registries and collecting every
/// error before throwing, so that one `exp validate` shows all the problems of a file.
struct SpecReader {
    struct Sections {
        var corpora: [ComponentSpec]
        var evaluate: [EvaluationTarget]
        var features: ComponentSpec
        var augment: [ComponentSpec]
        var layers: [ComponentSpec]
        var optimizer: ComponentSpec
        var schedule: ComponentSpec?
        var split: ComponentSpec
        var metrics: [ComponentSpec]
        var sweep: SpecNode?
        var resolved: ResolvedSpec
    }

    let tree: SpecNode
    let file: String
    let registries: Registries
    let classCount: Int
    var collector = SpecErrorCollector()

    init(tree: SpecNode, file: String, registries: Registries, classCount: Int) {
        self.tree = tree
        self.file = file
        self.registries = registries
        self.classCount = classCount
    }

    mutating func read() throws -> Sections {
        guard let entries = tree.entries else {
            throw SpecErrors([.typeMismatch(tree.location, path: "(root)", expected: "a mapping of sections", got: tree.described)])
        }
        for entry in entries where !ExperimentSpec.sectionKeys.contains(entry.key) {
            collector.record(.unknownKey(entry.keyLocation, path: entry.key, key: entry.key,
                                         validKeys: ExperimentSpec.sectionKeys, owner: nil))
        }
        // Sizes are checked before anything is decoded, so no component ever sees an absurd one.
        let oversized = SpecLimits.oversizedValues(in: SpecNode(.mapping(entries.filter { $0.key != "sweep" }), at: tree.location))
        if !oversized.isEmpty { throw SpecErrors(collector.errors + oversized) }
        let name = readName()
        let seed = readSeed()
        let data = try readData()
        let features = try readFeatures(sampleRate: data?.1.options.sampleRate)
        if let data, let features, let error = SpecLimits.featureMatrixError(
            data: data.1.options, features: features.1, dataAt: tree["data"]?.location ?? data.0[0].typeLocation,
            featuresAt: tree["features"]?.location ?? data.0[0].typeLocation) {
            collector.record(error)
        }
        let augment = try list("augment", .augmentation, default: Defaults.augment)
        rejectRepeatedAugmentations()
        let layers = try readModel()
        let optimizer = try component("optimizer", .optimizer, default: Defaults.optimizer)
        // Absent or null means a constant learning rate; `.none` here means the section failed.
        var schedule: (ComponentSpec, ResolvedComponent)?? = .some(nil)
        if let node = tree["schedule"], !node.isNull {
            if let resolved = try component("schedule", .schedule, default: "") { schedule = .some(resolved) } else { schedule = .none }
        }
        let training = try collector.capture {
            try StrictDecoder.decode(TrainingOptions.self, from: tree["training"] ?? Defaults.emptyMapping, path: "training",
                                     owner: "training")
        }
        let split = try component("split", .split, default: Defaults.split)
        let metrics = try list("metrics", .metric, default: Defaults.metrics)
        let labels = try collector.capture { try tree["labels"].flatMap { $0.isNull ? nil : try LabelOptions(node: $0, path: "labels") } }
        let evaluate = readEvaluate()
        if let metrics, let training { recordMonitorErrors(training: training, schedule: schedule??.1, metrics: metrics.map(\.1)) }
        try collector.finish()

        guard let name, let seed, let data, let features, let augment, let layers, let optimizer, let training,
              let split, let metrics, let schedule else {
            preconditionFailure("a section failed to resolve without recording an error")
        }
        let resolved = ResolvedSpec(
            name: name, seed: seed, data: data.1,
            features: features.1, augment: augment.map(\.1), model: ResolvedModel(layers: layers.map(\.1)),
            optimizer: optimizer.1, schedule: schedule?.1, training: training, split: split.1, labels: labels ?? nil,
            metrics: metrics.map(\.1))
        return Sections(corpora: data.0, evaluate: evaluate ?? [], features: features.0, augment: augment.map(\.0), layers: layers.map(\.0),
                        optimizer: optimizer.0, schedule: schedule?.0, split: split.0, metrics: metrics.map(\.0),
                        sweep: tree["sweep"], resolved: resolved)
    }

    private mutating func readName() -> String? {
        let node = tree["name"]
        let fileStem = String((file.split(separator: "/").last ?? "").split(separator: ".").first ?? "")
        let location = node?.location ?? SourceLocation(file: file, line: 1, column: 1)
        guard let text = node.map({ $0.scalarKind == nil ? nil : $0.scalarText }) ?? fileStem else {
            collector.record(.typeMismatch(location, path: "name", expected: "a string", got: node?.described ?? "nothing"))
            return nil
        }
        if let problem = ExperimentSpec.nameProblem(text) {
            let origin = node == nil ? " (taken from the file name; set 'name' explicitly)" : ""
            let shown = text.unicodeScalars.count > 40 ? String(text.unicodeScalars.prefix(40)) + "…" : text
            let printable = shown.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }.joined()
            collector.record(.invalidValue(location, path: "name", message: "\(problem); the name becomes the run "
                + "directory. Received: name=\(printable)\(origin)"))
            return nil
        }
        return text
    }

    private mutating func readSeed() -> Int? {
        guard let node = tree["seed"] else { return 0 }
        if let range = StrictDecoder.numbersOutOfRange(in: node, path: "seed").first {
            collector.record(range)
            return nil
        }
        guard node.scalarKind == .int, let text = node.scalarText, let seed = Int(text) else {
            collector.record(.typeMismatch(node.location, path: "seed", expected: "an integer", got: node.described))
            return nil
        }
        guard seed >= 0 else {
            collector.record(.invalidValue(node.location, path: "seed", message: "seed must be >= 0. Received: seed=\(seed)"))
            return nil
        }
        return seed
    }

    /// `features`, with `sample_rate` taken from `data.sample_rate` when the extractor has that option: clips are
    /// resampled to the data rate before extraction, so a different extractor rate is an error.
    private mutating func readFeatures(sampleRate: Int?) throws -> (ComponentSpec, ResolvedComponent)? {
        let node = tree["features"] ?? .plain(Defaults.features, at: Defaults.location)
        return try collector.capture {
            var spec = try ComponentSpec(node: node, path: "features", kind: .feature)
            let entry = registries.catalog(.feature).entries.first { $0.name == spec.type }
            if let sampleRate, entry?.options.contains(where: { $0.name == "sample_rate" }) == true,
               var entries = spec.options.entries {
                if let given = spec.options["sample_rate"] {
                    if given.scalarKind == .int, given.scalarText.flatMap({ Int($0) }) != sampleRate {
                        throw SpecError.invalidValue(given.location, path: "features.sample_rate", message:
                            "sample_rate must equal data.sample_rate (\(sampleRate)), since clips are resampled to it "
                            + "before feature extraction. Received: sample_rate=\(given.scalarText ?? "")")
                    }
                } else {
                    let location = tree["data"]?["sample_rate"]?.location ?? Defaults.location
                    entries.append(SpecNode.Entry(key: "sample_rate", keyLocation: location,
                                                  value: .plain(String(sampleRate), at: location)))
                    spec.options = SpecNode(.mapping(entries), at: spec.options.location)
                }
            }
            return (spec, try registries.catalog(.feature).resolve(spec))
        }
    }

    private mutating func readModel() throws -> [(ComponentSpec, ResolvedComponent)]? {
        let model = tree["model"] ?? Defaults.emptyMapping
        guard model.isNull || model.entries != nil else {
            collector.record(.typeMismatch(model.location, path: "model", expected: "a mapping", got: model.described))
            return nil
        }
        for entry in model.entries ?? [] where entry.key != "layers" {
            collector.record(.unknownKey(entry.keyLocation, path: "model.\(entry.key)", key: entry.key,
                                         validKeys: ["layers"], owner: "model"))
        }
        let layers = model["layers"] ?? Defaults.layers
        if layers.items?.isEmpty == true {
            collector.record(.invalidValue(layers.location, path: "model.layers", message: "model.layers must list at least one layer"))
            return nil
        }
        return try list(layers, path: "model.layers", .layer, substituteClasses: true)
    }

    private mutating func component(_ key: String, _ kind: ComponentKind,
                                    default text: String) throws -> (ComponentSpec, ResolvedComponent)? {
        let node = tree[key] ?? .plain(text, at: Defaults.location)
        return try collector.capture {
            let spec = try ComponentSpec(node: node, path: key, kind: kind)
            return (spec, try registries.catalog(kind).resolve(spec))
        }
    }

    private mutating func list(_ key: String, _ kind: ComponentKind,
                               default names: [String]) throws -> [(ComponentSpec, ResolvedComponent)]? {
        let node = tree[key] ?? SpecNode(.sequence(names.map { .plain($0, at: Defaults.location) }), at: Defaults.location)
        return try list(node, path: key, kind, substituteClasses: false)
    }

    private mutating func list(_ node: SpecNode, path: String, _ kind: ComponentKind,
                               substituteClasses: Bool) throws -> [(ComponentSpec, ResolvedComponent)]? {
        guard let items = node.isNull ? [] : node.items else {
            collector.record(.typeMismatch(node.location, path: path, expected: "a list of \(kind.rawValue) components",
                                           got: node.described))
            return nil
        }
        var resolved: [(ComponentSpec, ResolvedComponent)] = []
        var failed = false
        for (index, item) in items.enumerated() {
            let symbolic = substituteClasses ? Self.classesKeys(in: item) : []
            let item = symbolic.isEmpty ? item : replacingClasses(in: item)
            let result = try collector.capture {
                let spec = try ComponentSpec(node: item, path: SpecPath.index(path, index), kind: kind)
                var resolved = try registries.catalog(kind).resolve(spec)
                // The count comes from the data at run time: the resolved spec (and so the run id) keeps the word.
                for key in symbolic where resolved.options[key] != nil { resolved.options[key] = .string("classes") }
                return (spec, resolved)
            }
            if let result { resolved.append(result) } else { failed = true }
        }
        return failed ? nil : resolved
    }

    /// Each augmentation type may appear once: EmotionCorpus applies them in a fixed order, not list order.
    private mutating func rejectRepeatedAugmentations() {
        var first: [String: Int] = [:]
        for (index, item) in (tree["augment"]?.items ?? []).enumerated() {
            guard let spec = try? ComponentSpec(node: item, path: SpecPath.index("augment", index), kind: .augmentation) else { continue }
            if let earlier = first[spec.type] {
                collector.record(.invalidValue(spec.typeLocation, path: SpecPath.key(spec.path, "type"), message:
                    "'\(spec.type)' is already listed at augment[\(earlier)]; each augmentation may appear once"))
            } else {
                first[spec.type] = index
            }
        }
    }

    /// The keys of `node` whose value is the plain scalar `classes`.
    static func classesKeys(in node: SpecNode) -> [String] {
        (node.entries ?? []).compactMap { entry in
            guard case .scalar("classes", isString: false) = entry.value.content else { return nil }
            return entry.key
        }
    }

    /// `units: classes` (a plain scalar) becomes the class count, keeping its location.
    private func replacingClasses(in node: SpecNode) -> SpecNode {
        guard let entries = node.entries else { return node }
        return SpecNode(.mapping(entries.map { entry in
            guard case .scalar("classes", isString: false) = entry.value.content else { return entry }
            var entry = entry
            entry.value = .plain(String(classCount), at: entry.value.location)
            return entry
        }), at: node.location)
    }
}

extension SpecReader {
    /// Records a monitor (`training.early_stopping.monitor`, `schedule.monitor`) whose metric `metrics` leaves out.
    private mutating func recordMonitorErrors(training: TrainingOptions, schedule: ResolvedComponent?,
                                              metrics: [ResolvedComponent]) {
        let selection = MetricSelection(resolved: metrics)
        let fallback = tree["metrics"]?.location ?? Defaults.location
        if let monitor = training.earlyStopping?.monitor {
            let stopping = tree["training"]?["early_stopping"]
            let location = stopping?["monitor"]?.location ?? stopping?.location ?? fallback
            if let error = selection.monitorError(monitor, path: "training.early_stopping.monitor", location: location) {
                collector.record(error)
            }
        }
        if case .string(let monitor)? = schedule?.options["monitor"] {
            let location = tree["schedule"]?["monitor"]?.location ?? tree["schedule"]?.location ?? fallback
            if let error = selection.monitorError(monitor, path: "schedule.monitor", location: location) {
                collector.record(error)
            }
        }
    }
}
