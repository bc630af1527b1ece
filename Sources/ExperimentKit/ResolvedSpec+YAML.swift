import Yams

extension ResolvedSpec {
    /// The resolved spec as a YAML spec file (sections in spec order, keys sorted within): what a run writes as
    /// `spec.yaml`. Loading it back validates to the same resolved spec and run id.
    public var yaml: String {
        guard case .object(let object) = try? JSONValue(encoding: self) else {
            preconditionFailure("a resolved spec encodes as a JSON object")
        }
        let order = ExperimentSpec.sectionKeys
        let keys = object.keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        let pairs = keys.compactMap { key in object[key].map { (Node.scalar(.init(key)), Self.yamlNode($0)) } }
        do {
            return try Yams.serialize(node: .mapping(.init(pairs)), sortKeys: false)
        } catch {
            preconditionFailure("a resolved spec serialises as YAML: \(error)")
        }
    }

    private static func yamlNode(_ value: JSONValue) -> Node {
        switch value {
        case .null: return .scalar(.init("null"))
        case .bool, .int, .double: return .scalar(.init(value.description, .implicit, .plain))
        case .string(let text):
            // Quote only strings that would otherwise read back as another type (`'1'`, `'true'`, `''`).
            let plain = !text.isEmpty && ScalarKind(resolving: text) == .string
            return .scalar(.init(text, plain ? .implicit : Tag(.str), plain ? .any : .singleQuoted))
        case .array(let items):
            let scalars = items.allSatisfy { if case .array = $0 { false } else if case .object = $0 { false } else { true } }
            return .sequence(.init(items.map(yamlNode), .implicit, scalars ? .flow : .block))
        case .object(let object):
            // The type name leads each component, as people write it.
            let rank = { (key: String) in key == "type" || key == "corpus" ? 0 : 1 }
            let keys = object.keys.sorted { (rank($0), $0) < (rank($1), $1) }
            return .mapping(.init(keys.compactMap { key in object[key].map { (Node.scalar(.init(key)), yamlNode($0)) } }))
        }
    }
}
