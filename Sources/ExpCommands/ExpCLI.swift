import ExperimentKit
import Foundation
import NeuralNet

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
    /// Exits the process with the command's status, printing argument and spec errors as `exp` does. When it runs
    /// the process's own arguments, it first moves OpenBLAS to a faster kernel if its detection picked a weaker one
    /// (`BLASKernelStartup`), re-executing the program before any BLAS work.
    public static func main(registries: Registries = .builtins, arguments: [String]? = nil) async {
        if arguments == nil, needsBLAS(CommandLine.arguments.dropFirst()) { restartOnBestKernel() }
        await RegistryScope.$current.withValue(registries) {
            await Exp.main(arguments)
        }
    }
}

extension ExpCLI {
    /// Subcommands that never multiply matrices: they skip the kernel start-up, whose re-execution would be
    /// most of their start-up time. Everything else, including commands added later, gets it.
    static let blasFreeCommands: Set<[String]> = [
        ["features"], ["bench", "features"], ["data"], ["compare"], ["diff"], ["report"], ["show"], ["validate"],
        ["components"],
    ]

    /// Whether the command named by `arguments` (without the program name) may run BLAS work.
    static func needsBLAS(_ arguments: ArraySlice<String>) -> Bool {
        let words = Array(arguments.prefix { !$0.hasPrefix("-") })
        return !blasFreeCommands.contains { words.starts(with: $0) }
    }

    /// Re-executes this program when `BLASKernelStartup` asks for another kernel; on failure carries on as it is.
    static func restartOnBestKernel() {
        guard case .restart(let environment, let notice) = BLASKernelStartup.prepare() else { return }
        if let notice { FileHandle.standardError.write(Data((notice + "\n").utf8)) }
        let path = FileManager.default.fileExists(atPath: "/proc/self/exe")
            ? "/proc/self/exe" : (Bundle.main.executablePath ?? CommandLine.arguments[0])
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(path, arguments, variables)
        let reason = String(cString: strerror(errno))
        let message = "exp: cannot re-execute \(path) (\(reason)); keeping OpenBLAS kernel \(BLASKernelStartup.current.kernel)"
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
