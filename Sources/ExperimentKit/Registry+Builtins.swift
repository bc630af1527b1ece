extension Registries {
    /// The components this package ships, one literal table per kind (STYLE F).
    ///
    /// Kinds whose modules have not registered components yet have empty tables: a spec naming one of their
    /// types fails validation with "No <kind> types are registered", never silently.
    public static let builtins: Registries = Registries()
}
