import ArgumentParser
import ExperimentKit

/// The `exp` command line, as a library: the `exp` executable and a plugin's own `main` both run it.
///
/// ```swift
/// var registries = Registries.builtins
/// registries.layers.register("channel_gain", ChannelGain.registration)
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

/// The root command: it only lists the subcommands, each an extension in its own file.
struct Exp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exp",
        abstract: "Speech emotion recognition experiments: features, training, sweeps and comparison.",
        version: "0.1.0",
        subcommands: [
            Validate.self,
            Components.self,
            Features.self,
            DataCommand.self,
            Bench.self,
            Run.self,
            Show.self,
            Predict.self,
            Sweep.self,
            Compare.self,
            Diff.self,
            Report.self,
            Export.self,
        ]
    )
}
