import ExperimentKit

/// The `exp` command line, as a library: the `exp` executable and a plugin's own `main` both run it.
///
/// ```swift
/// var registries = Registries.builtins
/// registries.layers.register("squeeze_excitation", SqueezeExcitation.registration)   // Examples/CustomLayerPlugin
/// await ExpCLI.main(registries: registries)
/// ```
public enum ExpCLI {
    /// Parses `arguments` (default: the process's) and runs the `exp` subcommand they name with `registries` bound
    /// to `RegistryScope.current`, so validation, `exp components` and every run see the same component tables.
    ///
    /// Exits the process with the command's status, printing argument and spec errors as `exp` does.
    public static func main(registries: Registries = .builtins, arguments: [String]? = nil) async {
        await RegistryScope.$current.withValue(registries) {
            await Exp.main(arguments)
        }
    }
}
