/// Applies one single-valued override to a spec tree, walking its key path.
struct OverrideApplier {
    let override: Override

    func apply(to node: SpecNode, depth: Int, parentPath: String) throws -> SpecNode {
        let column = override.pathColumns[depth]
        let isLast = depth == override.path.count - 1
        let parentName = parentPath.isEmpty ? "the spec" : "'\(parentPath)'"
        switch override.path[depth] {
        case .key(let key):
            let here = SpecPath.key(parentPath, key)
            guard var entries = node.entries ?? (node.isNull ? [] : nil) else {
                throw override.error(at: column, "\(parentName) is \(node.described), not a mapping, so it has no key '\(key)'")
            }
            let index = entries.firstIndex { $0.key == key }
            if isLast {
                switch override.operation {
                case .delete:
                    guard let index else { throw missing(here, key: key, among: entries, column: column) }
                    entries.remove(at: index)
                case .add where index != nil:
                    throw override.error(at: column, "'\(here)' is already set; use '\(here)=…' to change it")
                case .add, .set, .upsert:
                    let value = try singleValue()
                    if let index { entries[index].value = value } else {
                        entries.append(SpecNode.Entry(key: key, keyLocation: value.location, value: value))
                    }
                }
            } else if let index {
                entries[index].value = try apply(to: entries[index].value, depth: depth + 1, parentPath: here)
            } else {
                if override.operation == .delete { throw missing(here, key: key, among: entries, column: column) }
                if case .index(let next) = override.path[depth + 1] {
                    throw override.error(at: override.pathColumns[depth + 1],
                                         "'\(here)' is not in the spec, so it has no item [\(next)]; write the list in the spec first")
                }
                let location = try singleValue().location
                let created = try apply(to: SpecNode(.mapping([]), at: location), depth: depth + 1, parentPath: here)
                entries.append(SpecNode.Entry(key: key, keyLocation: location, value: created))
            }
            return SpecNode(.mapping(entries), at: node.location)

        case .index(let index):
            let here = SpecPath.index(parentPath, index)
            guard var items = node.items else {
                throw override.error(at: column, "\(parentName) is \(node.described), not a list, so it has no item [\(index)]")
            }
            guard items.indices.contains(index) else {
                throw override.error(at: column, "index [\(index)] is out of range: \(parentName) has \(items.count) item(s)")
            }
            if !isLast {
                items[index] = try apply(to: items[index], depth: depth + 1, parentPath: here)
            } else {
                switch override.operation {
                case .delete: items.remove(at: index)
                case .add: throw override.error(at: column, "'+' adds a new key; use '\(here)=…' to replace a list item")
                case .set, .upsert: items[index] = try singleValue()
                }
            }
            return SpecNode(.sequence(items), at: node.location)
        }
    }

    private func singleValue() throws -> SpecNode {
        guard let value = override.values.first else {
            preconditionFailure("override '\(override.text)' has no value for a non-delete operation")
        }
        return value
    }

    private func missing(_ path: String, key: String, among entries: [SpecNode.Entry], column: Int) -> SpecError {
        override.error(at: column, "'\(path)' is not in the spec, so it cannot be deleted."
            + didYouMean(key, among: entries.map(\.key)))
    }
}
