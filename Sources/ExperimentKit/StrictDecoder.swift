import Yams

/// Decodes a `SpecNode` subtree with `YAMLDecoder`, after rejecting unknown keys, and turns `DecodingError`s and
/// `Validatable` issues into located `SpecError`s.
enum StrictDecoder {
    /// Decodes `T` from `node` (a mapping; `null` counts as empty). `path` prefixes every message; `owner`
    /// names the mapping in unknown-key messages; `extraKeys` are valid here but consumed elsewhere.
    static func decode<T: StrictDecodable>(_ type: T.Type, from node: SpecNode, path: String, owner: String?,
                                           extraKeys: [String] = [], options: [OptionInfo] = []) throws -> T {
        let mapping = node.isNull ? SpecNode(.mapping([]), at: node.location) : node
        guard mapping.entries != nil else {
            throw SpecErrors([.typeMismatch(node.location, path: path, expected: "a mapping", got: node.described)])
        }
        var errors = unknownKeys(in: mapping, of: T.self, path: path, owner: owner, extraKeys: extraKeys)
        // Out-of-range numbers would decode as infinity or fail as a bare type mismatch: report them instead.
        let ranges = numbersOutOfRange(in: mapping, path: path)
        if !ranges.isEmpty { throw SpecErrors(errors + ranges) }
        do {
            let value = try YAMLDecoder().decode(T.self, from: yamsNode(mapping))
            if let checked = value as? any Validatable {
                for issue in checked.validate() {
                    let target = issue.key.flatMap { mapping.descendant(dotted: $0) } ?? mapping
                    errors.append(.invalidValue(target.location, path: issue.key.map { SpecPath.key(path, $0) } ?? path,
                                                message: issue.message))
                }
            }
            if errors.isEmpty { return value }
        } catch let error as DecodingError {
            errors.append(specError(from: error, root: mapping, path: path, options: options))
        } catch let error as any OptionError {
            // A configuration that range-checks inside `init(from:)` (AudioFeatures does) names the key itself.
            let target = error.optionKey.flatMap { mapping.descendant(dotted: $0) } ?? mapping
            var message = error.optionMessage
            if let choices = options.first(where: { $0.name == error.optionKey })?.choices, let text = target.scalarText,
               !choices.isEmpty, !choices.contains(text), !message.contains("Did you mean") {
                let suggestion = didYouMean(text, among: choices)
                if !suggestion.isEmpty { message += "." + suggestion }
            }
            errors.append(.invalidValue(target.location, path: error.optionKey.map { SpecPath.key(path, $0) } ?? path,
                                        message: message))
        } catch {
            errors.append(.invalidValue(mapping.location, path: path, message: "\(error)"))
        }
        throw SpecErrors(errors)
    }

    /// Every key of `mapping` (and of nested strict mappings) that `T` does not accept.
    static func unknownKeys(in mapping: SpecNode, of type: any StrictDecodable.Type, path: String, owner: String?,
                            extraKeys: [String]) -> [SpecError] {
        let accepted = type.acceptedKeys + extraKeys
        var errors: [SpecError] = []
        for entry in mapping.entries ?? [] {
            let entryPath = SpecPath.key(path, entry.key)
            if !accepted.contains(entry.key) {
                errors.append(.unknownKey(entry.keyLocation, path: entryPath, key: entry.key,
                                          validKeys: accepted, owner: owner))
            } else if let nested = type.nestedStrictTypes[entry.key], entry.value.entries != nil {
                errors += unknownKeys(in: entry.value, of: nested, path: entryPath, owner: nil, extraKeys: [])
            }
        }
        return errors
    }

    /// Largest magnitude of a fractional number in a spec: every such option is stored as `Float`.
    static let largestNumber = Double(Float.greatestFiniteMagnitude)

    /// Every plain number in `node` that no option type can hold: an integer outside Int64, a decimal that
    /// overflows `Float` (`1e400` would silently become infinity), `.inf` or `.nan`.
    static func numbersOutOfRange(in node: SpecNode, path: String) -> [SpecError] {
        switch node.content {
        case .scalar(let text, _):
            switch node.scalarKind {
            case .int:
                guard integerValue(text) == nil else { return [] }
                return [.invalidValue(node.location, path: path, message: "integer \(text) is out of range; integers "
                    + "must be within \(Int64.min)...\(Int64.max)")]
            case .float:
                // Infinity and NaN cannot be written to the resolved spec's JSON, and no option means them.
                if text.lowercased().hasSuffix(".nan") || text.lowercased().hasSuffix(".inf") {
                    return [.invalidValue(node.location, path: path, message: "expected a finite number, got \(text)")]
                }
                guard case let value = Double(text) ?? .infinity,
                      !value.isFinite || abs(value) > largestNumber else { return [] }
                return [.invalidValue(node.location, path: path, message: "number \(text) is out of range; numbers "
                    + "must be within ±3.4e38 (Float)")]
            default:
                return []
            }
        case .sequence(let items):
            return items.enumerated().flatMap { numbersOutOfRange(in: $1, path: SpecPath.index(path, $0)) }
        case .mapping(let entries):
            return entries.flatMap { numbersOutOfRange(in: $0.value, path: SpecPath.key(path, $0.key)) }
        }
    }

    /// The value of a YAML 1.2 integer literal (decimal, `0x`, `0o`), or `nil` when it does not fit Int64.
    static func integerValue(_ text: String) -> Int64? {
        if text.hasPrefix("0x") { return Int64(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int64(text.dropFirst(2), radix: 8) }
        return Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    /// The Yams node for a spec subtree; strings keep their string tag so `'1'` still decodes as a string.
    static func yamsNode(_ node: SpecNode) -> Node {
        switch node.content {
        case .scalar(let text, let isString):
            return .scalar(.init(text, isString ? Tag(.str) : .implicit, isString ? .doubleQuoted : .plain))
        case .sequence(let items):
            return .sequence(.init(items.map(yamsNode)))
        case .mapping(let entries):
            return .mapping(.init(entries.map { (Node.scalar(.init($0.key)), yamsNode($0.value)) }))
        }
    }

    static func specError(from error: DecodingError, root: SpecNode, path: String, options: [OptionInfo]) -> SpecError {
        switch error {
        case .typeMismatch(let type, let context):
            let (node, nodePath) = locate(context.codingPath, in: root, path: path)
            return .typeMismatch(node.location, path: nodePath,
                                 expected: expectation(type, node: node, codingPath: context.codingPath, options: options),
                                 got: node.described)
        case .valueNotFound(let type, let context):
            let (node, nodePath) = locate(context.codingPath, in: root, path: path)
            return .typeMismatch(node.location, path: nodePath,
                                 expected: expectation(type, node: node, codingPath: context.codingPath, options: options),
                                 got: node.described)
        case .keyNotFound(let key, let context):
            let (node, nodePath) = locate(context.codingPath, in: root, path: path)
            return .missingKey(node.location, path: nodePath, key: key.stringValue)
        case .dataCorrupted(let context):
            let (node, nodePath) = locate(context.codingPath, in: root, path: path)
            if let option = option(for: context.codingPath, in: options), !option.choices.isEmpty {
                return .invalidValue(node.location, path: nodePath,
                                     message: "expected one of \(option.choices.joined(separator: ", ")), got \(node.described)."
                                        + didYouMean(node.scalarText ?? "", among: option.choices))
            }
            // Configurations that range-check while decoding (EmotionCorpus) put a keras-style message here.
            let message = context.debugDescription.contains("Received:")
                ? context.debugDescription : "invalid value \(node.described): \(context.debugDescription)"
            return .invalidValue(node.location, path: nodePath, message: message)
        @unknown default:
            return .invalidValue(root.location, path: path, message: "\(error)")
        }
    }

    /// The deepest node reachable along `codingPath`, and its dotted path.
    private static func locate(_ codingPath: [any CodingKey], in root: SpecNode, path: String) -> (SpecNode, String) {
        var node = root, nodePath = path
        for key in codingPath {
            if let index = key.intValue, let items = node.items, items.indices.contains(index) {
                node = items[index]
                nodePath = SpecPath.index(nodePath, index)
            } else if let child = node[key.stringValue] {
                node = child
                nodePath = SpecPath.key(nodePath, key.stringValue)
            } else {
                break
            }
        }
        return (node, nodePath)
    }

    private static func option(for codingPath: [any CodingKey], in options: [OptionInfo]) -> OptionInfo? {
        guard codingPath.count == 1, let key = codingPath.first else { return nil }
        return options.first { $0.name == key.stringValue }
    }

    /// "an integer", "a number", … for Swift types; Yams reports container expectations as `Node` types.
    private static func expectation(_ type: Any.Type, node: SpecNode, codingPath: [any CodingKey],
                                    options: [OptionInfo]) -> String {
        switch type {
        case is Int.Type, is Int8.Type, is Int16.Type, is Int32.Type, is Int64.Type,
             is UInt.Type, is UInt8.Type, is UInt16.Type, is UInt32.Type, is UInt64.Type:
            return "an integer"
        case is Float.Type, is Double.Type: return "a number"
        case is Bool.Type: return "a boolean (true or false)"
        case is String.Type: return "a string"
        case is Node.Mapping.Type: return "a mapping"
        case is Node.Sequence.Type: return "a list"
        default:
            if let option = option(for: codingPath, in: options) { return option.type }
            return "a single value"
        }
    }
}
