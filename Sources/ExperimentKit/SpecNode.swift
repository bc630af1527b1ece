/// The file and `line:column` (1-based) a spec value was read from; kept through `extends` merges and overrides.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The spec file as the user named it (or `override '…'` for a command-line value).
    public var file: String
    /// Line, from 1.
    public var line: Int
    /// Column in Unicode scalars, from 1.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the prefix of every `SpecError`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// A YAML value with the location it came from: the tree every spec operation (merge, override, decode) works on.
///
/// Scalars keep their text and whether YAML typed them as strings (quoted or `!!str`), so `'123'` stays a string
/// while `123` resolves to an integer (YAML 1.2 core schema, see `ScalarKind`).
public struct SpecNode: Sendable, Equatable {
    /// One `key: value` pair of a mapping; keys are plain strings.
    public struct Entry: Sendable, Equatable {
        /// The key text.
        public var key: String
        /// Where the key was written (unknown-key errors point here).
        public var keyLocation: SourceLocation
        /// The value.
        public var value: SpecNode

        /// Creates an entry.
        public init(key: String, keyLocation: SourceLocation, value: SpecNode) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    /// The shape of a node.
    public enum Content: Sendable, Equatable {
        /// A scalar's text; `isString` when YAML fixed its type to string (quoted or tagged).
        case scalar(String, isString: Bool)
        /// A list, in order.
        case sequence([SpecNode])
        /// A mapping, in file order; keys are unique.
        case mapping([Entry])
    }

    /// The value.
    public var content: Content
    /// Where the value starts.
    public var location: SourceLocation

    /// Creates a node.
    public init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }

    /// A plain (untyped) scalar such as `42`, `true` or `relu`.
    public static func plain(_ text: String, at location: SourceLocation) -> SpecNode {
        SpecNode(.scalar(text, isString: false), at: location)
    }

    /// The mapping's entries, or `nil` for scalars and lists.
    public var entries: [Entry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    /// The list's items, or `nil` for scalars and mappings.
    public var items: [SpecNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The scalar's text, or `nil` for lists and mappings.
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// What the scalar resolves to under the YAML 1.2 core schema, or `nil` for lists and mappings.
    public var scalarKind: ScalarKind? {
        if case .scalar(let text, let isString) = content { return isString ? .string : ScalarKind(resolving: text) }
        return nil
    }

    /// True for `null`, `~` and the empty plain scalar.
    public var isNull: Bool { scalarKind == .null }

    /// The value under `key` of a mapping.
    public subscript(key: String) -> SpecNode? {
        entries?.first { $0.key == key }?.value
    }

    /// The value at a dotted key path of nested mappings (`early_stopping.patience`).
    public func descendant(dotted path: String) -> SpecNode? {
        path.split(separator: ".").reduce(self as SpecNode?) { node, key in node?[String(key)] }
    }

    /// The entry for `key` of a mapping.
    public func entry(_ key: String) -> Entry? {
        entries?.first { $0.key == key }
    }

    /// A short text for messages: the scalar quoted (`'abc'`), or "a list" / "a mapping".
    public var described: String {
        switch content {
        case .scalar(let text, _): isNull ? "null" : "'\(text)'"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// Number of nodes in this subtree, itself included.
    public var nodeCount: Int {
        switch content {
        case .scalar: 1
        case .sequence(let items): 1 + items.reduce(0) { $0 + $1.nodeCount }
        case .mapping(let entries): 1 + entries.reduce(0) { $0 + $1.value.nodeCount }
        }
    }
}

/// The type a plain YAML scalar resolves to (YAML 1.2 core schema, as Yams resolves it).
public enum ScalarKind: Sendable, Equatable {
    /// `null`, `~` or empty.
    case null
    /// `true`/`false` (also `True`, `TRUE`, …).
    case bool
    /// Decimal, `0x` hex or `0o` octal integers.
    case int
    /// Decimals with a point or exponent, `.inf`, `.nan`.
    case float
    /// Everything else, and every quoted scalar.
    case string

    /// Resolves a plain scalar's text.
    public init(resolving text: String) {
        switch text {
        case "", "~", "null", "Null", "NULL": self = .null
        case "true", "True", "TRUE", "false", "False", "FALSE": self = .bool
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
            self = .float
        default:
            if text.wholeMatch(of: /[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+/) != nil {
                self = .int
            } else if text.wholeMatch(of: /[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?/) != nil {
                self = .float
            } else {
                self = .string
            }
        }
    }
}
