/// The kinds of component a spec builds by name, one registry each.
public enum ComponentKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Corpus readers (`data.corpus`).
    case corpus
    /// Feature extractors (`features`).
    case feature
    /// Training-time augmentations (`augment[i]`).
    case augmentation
    /// Network layers (`model.layers[i]`), built with the incoming per-example shape.
    case layer
    /// Optimizers (`optimizer`).
    case optimizer
    /// Learning-rate schedules (`schedule`).
    case schedule
    /// Train/validation/test splits (`split`).
    case split
    /// Metrics (`metrics[i]`).
    case metric
}

extension ComponentKind {
    /// "a layer", "an optimizer": the kind with its indefinite article, for messages.
    var withArticle: String { ["a", "e", "i", "o", "u"].contains(rawValue.prefix(1)) ? "an \(rawValue)" : "a \(rawValue)" }
}

/// Builds components of one kind by type name from their spec subtree (keras' name → factory table, STYLE F).
///
/// `Context` is what a factory needs beyond its options: a layer gets the incoming per-example shape (`[T, C]`),
/// kinds that need nothing use `Void`.
///
/// ```swift
/// let layers = Registry<any Layer, [Int]>(kind: .layer, [
///     "dense": Registration(Dense.Configuration.self, "Fully connected layer") { config, shape in
///         Dense(config, inputSize: shape.last ?? 0) },
/// ])
/// ```
public struct Registry<Component, Context>: ComponentCatalog {
    /// The kind of component this registry builds.
    public let kind: ComponentKind
    /// Registrations by type name.
    public private(set) var registrations: [String: Registration<Component, Context>]

    /// Creates a registry from one literal table; names are lowercase tokens (`conv1d`, `spec_augment`).
    public init(kind: ComponentKind, _ registrations: [String: Registration<Component, Context>] = [:]) {
        for name in registrations.keys { Self.checkName(name, kind: kind) }
        self.kind = kind
        self.registrations = registrations
    }

    /// Adds a registration (plugins); a name may be registered only once.
    public mutating func register(_ name: String, _ registration: Registration<Component, Context>) {
        Self.checkName(name, kind: kind)
        precondition(registrations[name] == nil, "\(kind.rawValue) type '\(name)' is already registered")
        registrations[name] = registration
    }

    /// The registered type names, sorted.
    public var names: [String] { registrations.keys.sorted() }

    /// Every registration's name, summary and options, sorted by name.
    public var entries: [CatalogEntry] {
        names.compactMap { name in
            registrations[name].map { CatalogEntry(name: name, summary: $0.summary, options: $0.options) }
        }
    }

    /// The registration for `spec.type`.
    ///
    /// - Throws: `SpecError.unknownType` listing the known types, with a suggestion.
    public func registration(for spec: ComponentSpec) throws -> Registration<Component, Context> {
        guard let registration = registrations[spec.type] else {
            throw SpecError.unknownType(spec.typeLocation, path: SpecPath.key(spec.path, spec.typeKey),
                                        kind: kind, type: spec.type, known: names)
        }
        return registration
    }

    /// Validates `spec` and returns its options with every default filled in.
    ///
    /// - Throws: `SpecError`/`SpecErrors` for an unknown type or invalid options.
    public func resolve(_ spec: ComponentSpec) throws -> ResolvedComponent {
        ResolvedComponent(type: spec.type, options: try registration(for: spec).resolveOptions(spec))
    }

    /// Validates `spec` and builds the component.
    ///
    /// - Throws: `SpecError`/`SpecErrors` for an unknown type, invalid options, or what the factory rejects.
    public func make(_ spec: ComponentSpec, context: Context) throws -> Component {
        try registration(for: spec).build(spec, context)
    }

    private static func checkName(_ name: String, kind: ComponentKind) {
        precondition(name.wholeMatch(of: /[a-z][a-z0-9_]*/) != nil,
                     "\(kind.rawValue) type names are lowercase tokens, got '\(name)'")
    }
}

extension Registry where Context == Void {
    /// Validates `spec` and builds the component (kinds that need no context).
    ///
    /// - Throws: `SpecError`/`SpecErrors` for an unknown type or invalid options.
    public func make(_ spec: ComponentSpec) throws -> Component {
        try make(spec, context: ())
    }
}

/// A registry seen without its component type: what validation and `exp components` need.
public protocol ComponentCatalog: Sendable {
    /// The kind of component.
    var kind: ComponentKind { get }
    /// Every registered type with its options, sorted by name.
    var entries: [CatalogEntry] { get }
    /// Validates `spec` and returns its options with defaults filled in.
    func resolve(_ spec: ComponentSpec) throws -> ResolvedComponent
}

/// One registered type as `exp components` lists it.
public struct CatalogEntry: Sendable, Equatable {
    /// The type name.
    public var name: String
    /// One line on what it is.
    public var summary: String
    /// Its options, in declaration order, with derived defaults.
    public var options: [OptionInfo]
}
