/// One component as written in a spec: its type name, the mapping of its options, and where it is.
///
/// ```yaml
/// - {type: dense, units: 64}      # path "model.layers[6]", type "dense", options {units: 64}
/// - relu                          # a bare name is {type: relu}
/// ```
public struct ComponentSpec: Sendable, Equatable {
    /// The registry kind this component is looked up in.
    public var kind: ComponentKind
    /// The type name, e.g. `dense`.
    public var type: String
    /// The options mapping (the type key and the section's own keys removed).
    public var options: SpecNode
    /// The dotted path of the component, e.g. `model.layers[2]`.
    public var path: String
    /// Where the type name was written.
    public var typeLocation: SourceLocation
    /// The key that holds the type name (`type`, or `corpus` in `data`).
    public var typeKey: String
    /// Keys of the enclosing section that are valid beside the options (listed in unknown-key messages).
    public var sectionKeys: [String]

    /// The file that defined the type name (after `extends`, possibly a parent file).
    public var file: String { typeLocation.file }

    /// Reads a component from `node`: a mapping with a `typeKey`, or a bare type name.
    ///
    /// - Throws: `SpecError` when the node is neither, or the type name is missing or not a string.
    public init(node: SpecNode, path: String, kind: ComponentKind, typeKey: String = "type",
                sectionKeys: [String] = []) throws {
        self.kind = kind
        self.path = path
        self.typeKey = typeKey
        self.sectionKeys = sectionKeys
        switch node.content {
        case .scalar(let text, _) where node.scalarKind == .string:
            type = text
            typeLocation = node.location
            options = SpecNode(.mapping([]), at: node.location)
        case .mapping(let entries):
            guard let typeEntry = entries.first(where: { $0.key == typeKey }) else {
                throw SpecError.missingKey(node.location, path: path, key: typeKey)
            }
            guard typeEntry.value.scalarKind == .string, let text = typeEntry.value.scalarText else {
                throw SpecError.typeMismatch(typeEntry.value.location, path: SpecPath.key(path, typeKey),
                                             expected: "\(kind.withArticle) type name", got: typeEntry.value.described)
            }
            type = text
            typeLocation = typeEntry.value.location
            let consumed = Set(sectionKeys + [typeKey])
            options = SpecNode(.mapping(entries.filter { !consumed.contains($0.key) }), at: node.location)
        default:
            throw SpecError.typeMismatch(node.location, path: path,
                                         expected: "\(kind.withArticle) (a type name or a mapping with '\(typeKey)')",
                                         got: node.described)
        }
    }

    /// Creates a component spec directly (tests, programmatic specs).
    public init(kind: ComponentKind, type: String, options: SpecNode, path: String) {
        self.kind = kind
        self.type = type
        self.options = options
        self.path = path
        self.typeLocation = options.location
        self.typeKey = "type"
        self.sectionKeys = []
    }

    /// Decodes the options strictly: unknown keys, type errors, missing keys and range checks all become
    /// `SpecError`s with this component's path, reported together.
    ///
    /// - Throws: `SpecErrors` listing every problem found.
    public func decode<T: StrictDecodable>(_ type: T.Type) throws -> T {
        let options = (T.self as? any ComponentConfiguration.Type)?.options ?? []
        return try StrictDecoder.decode(T.self, from: self.options, path: path,
                                        owner: "\(kind.rawValue) type '\(self.type)'",
                                        extraKeys: sectionKeys + [typeKey], options: options)
    }
}
