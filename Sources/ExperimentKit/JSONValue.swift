import Foundation

/// A JSON value: how resolved component options are stored, hashed into run ids and written to artifacts.
public enum JSONValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number without fraction or exponent.
    case int(Int)
    /// Any other number.
    case double(Double)
    /// A string.
    case string(String)
    /// A list.
    case array([JSONValue])
    /// An object; keys are written sorted.
    case object([String: JSONValue])

    /// The JSON form of any `Encodable` (e.g. a component `Configuration` with its defaults filled in).
    ///
    /// - Throws: The encoder's error when `value` cannot be encoded (e.g. a non-finite float).
    public init(encoding value: some Encodable) throws {
        let data = try JSONEncoder().encode(value)
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// The value of a spec tree, typing plain scalars by the YAML 1.2 core schema (`'1'` stays a string).
    public init(_ node: SpecNode) {
        switch node.content {
        case .scalar(let text, let isString):
            switch isString ? .string : ScalarKind(resolving: text) {
            case .null: self = .null
            case .bool: self = .bool(text.lowercased() == "true")
            case .int: self = Self.integer(text).map(JSONValue.int) ?? .string(text)
            case .float: self = Self.float(text).map(JSONValue.double) ?? .string(text)
            case .string: self = .string(text)
            }
        case .sequence(let items): self = .array(items.map(JSONValue.init))
        case .mapping(let entries):
            self = .object(Dictionary(entries.map { ($0.key, JSONValue($0.value)) }, uniquingKeysWith: { _, last in last }))
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact JSON with sorted keys: the canonical text that run ids hash.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // JSONEncoder rejects non-finite doubles; the flow text is just as deterministic for those.
        guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else {
            return description
        }
        return text
    }

    /// The value as YAML flow text (`0.001`, `[1, 2]`, `{a: 1}`), as `exp components` prints defaults.
    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .int(let value): "\(value)"
        case .double(let value): "\(value)"
        case .string(let value): ScalarKind(resolving: value) == .string && !value.isEmpty ? value : "'\(value)'"
        case .array(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let object):
            "{" + object.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.description)" }
                .joined(separator: ", ") + "}"
        }
    }

    /// The value as a spec tree located at `location` (strings stay strings).
    public func node(at location: SourceLocation) -> SpecNode {
        switch self {
        case .null: .plain("null", at: location)
        case .bool, .int, .double: .plain(description, at: location)
        case .string(let value): SpecNode(.scalar(value, isString: true), at: location)
        case .array(let items): SpecNode(.sequence(items.map { $0.node(at: location) }), at: location)
        case .object(let object):
            SpecNode(.mapping(object.sorted { $0.key < $1.key }.map {
                SpecNode.Entry(key: $0.key, keyLocation: location, value: $0.value.node(at: location))
            }), at: location)
        }
    }

    private static func integer(_ text: String) -> Int? {
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    private static func float(_ text: String) -> Double? {
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: return Double(text)
        }
    }
}
