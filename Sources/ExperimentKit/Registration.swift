/// One registered component type: its `Configuration` (the single source of validation, listing and defaults)
/// and the factory that builds the component from a decoded configuration.
public struct Registration<Component, Context>: Sendable {
    /// One line on what the component is.
    public let summary: String
    /// The options with their derived defaults, in `Configuration.options` order.
    public let options: [OptionInfo]
    let resolveOptions: @Sendable (ComponentSpec) throws -> [String: JSONValue]
    let build: @Sendable (ComponentSpec, Context) throws -> Component

    /// Registers `configuration`: options are decoded strictly into it, then `make` builds the component.
    ///
    /// Checks, as programmer errors, that `Configuration.options` names exactly its `CodingKeys`, and derives each
    /// optional option's default by decoding a mapping that holds only the required options' examples.
    public init<Configuration: ComponentConfiguration>(
        _ configuration: Configuration.Type, _ summary: String,
        make: @escaping @Sendable (Configuration, Context) throws -> Component
    ) {
        let listed = Configuration.options.map(\.name)
        precondition(listed.sorted() == Configuration.acceptedKeys.sorted(),
                     "\(Configuration.self).options lists \(listed.sorted()) but its CodingKeys are \(Configuration.acceptedKeys.sorted())")
        self.summary = summary
        self.options = Self.derivingDefaults(Configuration.self)
        self.resolveOptions = { spec in
            // Every listed option appears in the resolved spec, `null` where the configuration omits an absent value.
            var options = try Self.encodedOptions(spec.decode(Configuration.self))
            for name in listed where options[name] == nil { options[name] = .null }
            return options
        }
        self.build = { spec, context in try make(spec.decode(Configuration.self), context) }
    }

    private static func encodedOptions<Configuration: Encodable>(_ configuration: Configuration) throws -> [String: JSONValue] {
        // Nested under a key, since JSONEncoder rejects a top-level value that encodes nothing (option-less types).
        guard case .object(let outer) = try JSONValue(encoding: Nested(options: configuration)) else { return [:] }
        switch outer["options"] {
        case .object(let object)?: return object
        case nil, .null?: return [:]
        case let other?: preconditionFailure("\(Configuration.self) must encode as a keyed container, got \(other)")
        }
    }

    private struct Nested<Value: Encodable>: Encodable { let options: Value }

    private static func derivingDefaults<Configuration: ComponentConfiguration>(
        _ type: Configuration.Type
    ) -> [OptionInfo] {
        let here = SourceLocation(file: "<\(Configuration.self) defaults>", line: 1, column: 1)
        let required = Configuration.options.compactMap { option in
            option.requiredExample.map {
                SpecNode.Entry(key: option.name, keyLocation: here, value: .plain($0, at: here))
            }
        }
        let spec = ComponentSpec(kind: .layer, type: "defaults", options: SpecNode(.mapping(required), at: here),
                                 path: "\(Configuration.self)")
        let encoded: [String: JSONValue]
        do {
            encoded = try encodedOptions(spec.decode(Configuration.self))
        } catch {
            preconditionFailure("\(Configuration.self) does not decode from its required options' examples: \(error)")
        }
        return Configuration.options.map { option in
            var option = option
            if !option.isRequired { option.defaultValue = encoded[option.name] ?? .null }
            return option
        }
    }
}

/// A component as it stands in a resolved spec: its type and every option, defaults included.
///
/// Encodes flat, as it is written in YAML: `{"type": "dense", "units": 64, "activation": "relu"}`.
public struct ResolvedComponent: Sendable, Hashable, Codable {
    /// The type name.
    public var type: String
    /// Every option by key.
    public var options: [String: JSONValue]

    /// Creates a resolved component.
    public init(type: String, options: [String: JSONValue]) {
        self.type = type
        self.options = options
    }

    public init(from decoder: any Decoder) throws {
        var object = try [String: JSONValue](from: decoder)
        guard case .string(let type)? = object.removeValue(forKey: "type") else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a resolved component needs a string 'type'"))
        }
        self.init(type: type, options: object)
    }

    public func encode(to encoder: any Encoder) throws {
        var object = options
        object["type"] = .string(type)
        try object.encode(to: encoder)
    }
}
