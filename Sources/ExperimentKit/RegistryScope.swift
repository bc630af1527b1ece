/// The registries the `exp` commands validate and build with, bound per task so a plugin's `main` can run the
/// same command tree with extended registries (`RegistryScope.$current.withValue(extended) { … }`) without any
/// global mutable state.
public enum RegistryScope {
    /// The registries in effect; `Registries.builtins` unless a caller bound others.
    @TaskLocal public static var current: Registries = .builtins
}
