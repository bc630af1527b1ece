// The `data` and `evaluate` sections: one corpus, a list of corpora with shared clip options, and the corpora a
// trained run is scored on.

extension SpecReader {
    /// `data` in one of its three forms: `{corpus: …, <options>}` (one corpus), `{corpora: [{corpus: …}, …],
    /// <shared options>}` or a bare list of corpora (shared options at their defaults).
    mutating func readData() throws -> ([ComponentSpec], ResolvedData)? {
        let node = tree["data"] ?? Defaults.emptyMapping
        let ownKeys = DataOptions.acceptedKeys
        if let items = node.items {
            return try readCorpora(items, at: node.location, path: "data", options: DataOptions())
        }
        guard var entries = node.isNull ? [] : node.entries else {
            collector.record(.typeMismatch(node.location, path: "data", expected: "a mapping (one corpus or "
                + "'corpora') or a list of corpora", got: node.described))
            return nil
        }
        let listed = entries.first { $0.key == "corpora" }
        if let listed, let single = entries.first(where: { $0.key == "corpus" }) {
            collector.record(.invalidValue(single.keyLocation, path: "data.corpus", message: "data has both 'corpus' "
                + "and 'corpora' (line \(listed.keyLocation.line)); list every corpus under 'corpora'"))
            return nil
        }
        if listed == nil, !entries.contains(where: { $0.key == "corpus" }) {
            entries.append(SpecNode.Entry(key: "corpus", keyLocation: Defaults.location,
                                          value: .plain(Defaults.corpus, at: Defaults.location)))
        }
        if let listed {
            for entry in entries where entry.key != "corpora" && !ownKeys.contains(entry.key) {
                collector.record(.unknownKey(entry.keyLocation, path: "data.\(entry.key)", key: entry.key,
                                             validKeys: ["corpora"] + ownKeys, owner: "data with 'corpora' (reader "
                                                + "options go in each corpus)"))
            }
        }
        let options = try collector.capture {
            try StrictDecoder.decode(DataOptions.self, from: SpecNode(.mapping(entries.filter { ownKeys.contains($0.key) }),
                                                                      at: node.location),
                                     path: "data", owner: "data")
        }
        if let listed {
            guard let items = listed.value.items else {
                collector.record(.typeMismatch(listed.value.location, path: "data.corpora",
                                               expected: "a list of corpora ({corpus: <type>, …})", got: listed.value.described))
                return nil
            }
            guard let options else { return nil }
            return try readCorpora(items, at: listed.value.location, path: "data.corpora", options: options)
        }
        let corpus = try collector.capture {
            let spec = try ComponentSpec(node: SpecNode(.mapping(entries), at: node.location), path: "data",
                                         kind: .corpus, typeKey: "corpus", sectionKeys: ownKeys)
            return (spec, try registries.catalog(.corpus).resolve(spec))
        }
        guard let options, let corpus else { return nil }
        return ([corpus.0], ResolvedData(corpus: corpus.1, options: options))
    }

    /// The corpora of `data.corpora` (or of a bare `data` list): each a reader with its own options only, at
    /// least one; the clip options are shared.
    mutating func readCorpora(_ items: [SpecNode], at location: SourceLocation, path: String,
                                      options: DataOptions) throws -> ([ComponentSpec], ResolvedData)? {
        guard !items.isEmpty else {
            collector.record(.invalidValue(location, path: path, message: "\(path) must list at least one corpus"))
            return nil
        }
        var specs: [ComponentSpec] = [], resolved: [ResolvedComponent] = []
        for (index, item) in items.enumerated() {
            let itemPath = SpecPath.index(path, index)
            for entry in item.entries ?? [] where DataOptions.acceptedKeys.contains(entry.key) {
                collector.record(.invalidValue(entry.keyLocation, path: SpecPath.key(itemPath, entry.key), message:
                    "'\(entry.key)' is shared by every corpus: write it once, beside 'corpora' "
                    + "(data: {corpora: [...], \(entry.key): …})"))
            }
            let item = item.entries.map { entries in
                SpecNode(.mapping(entries.filter { !DataOptions.acceptedKeys.contains($0.key) }), at: item.location)
            } ?? item
            let result = try collector.capture {
                let spec = try ComponentSpec(node: item, path: itemPath, kind: .corpus, typeKey: "corpus")
                return (spec, try registries.catalog(.corpus).resolve(spec))
            }
            if let result { specs.append(result.0); resolved.append(result.1) }
        }
        guard specs.count == items.count else { return nil }
        return (specs, ResolvedData(corpora: resolved, options: options))
    }

    /// `evaluate`: corpora the trained run is scored on; each entry validated, names unique.
    mutating func readEvaluate() -> [EvaluationTarget]? {
        guard let node = tree["evaluate"], !node.isNull else { return [] }
        guard let items = node.items else {
            collector.record(.typeMismatch(node.location, path: "evaluate", expected: "a list of corpora "
                + "({corpus: <type>, …})", got: node.described))
            return nil
        }
        var targets: [EvaluationTarget] = []
        var names: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            do {
                let target = try EvaluationTarget(node: item, path: SpecPath.index("evaluate", index), registries: registries)
                // Only an explicit name is known before the corpus is read; readers' own names are checked then.
                if let name = target.name {
                    if let earlier = names[name] {
                        collector.record(.invalidValue(item["name"]?.location ?? item.location,
                                                       path: SpecPath.key(SpecPath.index("evaluate", index), "name"),
                                                       message: "'\(name)' already names evaluate[\(earlier)]; each "
                                                           + "evaluation needs its own eval/<name> directory"))
                    }
                    names[name] = index
                }
                targets.append(target)
            } catch let errors as SpecErrors {
                for error in errors.errors { collector.record(error) }
            } catch {
                collector.record(.invalidValue(item.location, path: SpecPath.index("evaluate", index), message: "\(error)"))
            }
        }
        return targets.count == items.count ? targets : nil
    }
}
