/// The registries of every component kind: what a spec may name. Plugins extend a copy of `builtins`.
///
/// Each kind's table is a `Registry<Component, Context>` with that kind's component protocol; validation and
/// `exp components` see them as `ComponentCatalog`s, so a kind validates the same whether its table is built in
/// or added by a plugin. Typed accessors (`layers`, `features`, …) are computed properties over `registry(_:)`.
///
/// ```swift
/// var registries = Registries.builtins
/// registries.layers.register("gated_dense", Registration(GatedDenseOptions.self, "Dense with a GLU gate") {
///     config, context in [GatedDense(inputSize: context.inputShape.last ?? 0, outputSize: config.units)] })
/// try await RegistryScope.$current.withValue(registries) { … run the exp command tree … }
/// ```
public struct Registries: Sendable {
    private var catalogs: [ComponentKind: any ComponentCatalog] = [:]

    /// Registries with no registrations at all (tests start here and add fakes).
    public init() {}

    /// The table of `kind`, seen without its component type; empty if nothing of that kind is registered.
    public func catalog(_ kind: ComponentKind) -> any ComponentCatalog {
        catalogs[kind] ?? EmptyCatalog(kind: kind)
    }

    /// Installs `registry` as the table of its kind, replacing any earlier one.
    public mutating func install<Component, Context>(_ registry: Registry<Component, Context>) {
        catalogs[registry.kind] = registry
    }

    /// The typed table of `kind`; an empty one if nothing is installed.
    ///
    /// A table installed with other `Component`/`Context` types is a programmer error.
    public func registry<Component, Context>(_ kind: ComponentKind, of component: Component.Type = Component.self,
                                             context: Context.Type = Context.self) -> Registry<Component, Context> {
        guard let catalog = catalogs[kind] else { return Registry(kind: kind) }
        guard let registry = catalog as? Registry<Component, Context> else {
            preconditionFailure("the \(kind.rawValue) registry is a \(type(of: catalog)), not a Registry<\(Component.self), \(Context.self)>")
        }
        return registry
    }

    /// Adds one registration to the table of `kind` (creating it if absent).
    public mutating func register<Component, Context>(_ name: String, _ registration: Registration<Component, Context>,
                                                      as kind: ComponentKind) {
        var table: Registry<Component, Context> = registry(kind)
        table.register(name, registration)
        catalogs[kind] = table
    }
}

/// The catalog of a kind with nothing registered: every type name is unknown.
private struct EmptyCatalog: ComponentCatalog {
    let kind: ComponentKind
    var entries: [CatalogEntry] { [] }

    func resolve(_ spec: ComponentSpec) throws -> ResolvedComponent {
        throw SpecError.unknownType(spec.typeLocation, path: SpecPath.key(spec.path, spec.typeKey),
                                    kind: kind, type: spec.type, known: [])
    }
}
