import ArgumentParser
import AudioFeatures
import EmotionCorpus
import ExperimentKit
import Foundation
import NeuralNet

extension Exp {
    /// `exp env`: the machine and libraries a run would use, like `torch.__config__.show()`.
    struct Env: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "env",
            abstract: "Show the CPU, BLAS kernel (and who chose it), threads, library versions and directories.",
            discussion: """
                exp moves OpenBLAS to the best kernel it has for this CPU when OpenBLAS's own detection picked a \
                weaker one, and checks that kernel once per CPU and library build. An OPENBLAS_CORETYPE you set \
                is always kept. See docs/environment.md.
                """)

        @Flag(help: "Print one JSON object instead of a table.") var json = false

        func run() throws {
            let report = EnvironmentReport.current()
            guard json else { return print(report.table) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }
}

/// What `exp env` reports.
struct EnvironmentReport: Encodable {
    var expVersion: String
    var cpu: String
    var instructionSets: [String]
    var blasLibrary: String
    var blasConfig: String
    var blasKernel: String
    var blasKernelChosenBy: KernelChooser
    var blasKernelReason: String
    var blasKernelCheck: String
    var openblasCoretype: String?
    var threads: Int
    var blasLibraryThreads: Int
    var fftw: String
    var sndfile: String
    var soxr: String
    var kernelCheckCache: String
    var featureCache: String
    var runsDirectory: String

    enum CodingKeys: String, CodingKey {
        case cpu, threads, fftw, sndfile, soxr
        case expVersion = "exp_version", instructionSets = "instruction_sets", blasLibrary = "blas_library"
        case blasConfig = "blas_config", blasKernel = "blas_kernel", blasKernelChosenBy = "blas_kernel_chosen_by"
        case blasKernelReason = "blas_kernel_reason", blasKernelCheck = "blas_kernel_check"
        case openblasCoretype = "openblas_coretype", blasLibraryThreads = "blas_library_threads"
        case kernelCheckCache = "kernel_check_cache", featureCache = "feature_cache", runsDirectory = "runs_directory"
    }

    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> EnvironmentReport {
        let host = HostFacts.current, selection = BLASKernelStartup.current
        let check: String
        if let stored = BLASKernelStartup.storedCheck(environment: environment) {
            check = (stored.passed ? "passed: " : "failed: ") + stored.detail
                + String(format: " (worst %.3g of the bound)", stored.worstRatio)
        } else if environment[BLASKernelStartup.markerVariable] == "fallback" {
            check = "exp's faster kernel failed its check; running on OpenBLAS's own choice"
        } else {
            check = selection.chooser == .exp ? "not stored (cache not writable)" : "not needed (exp did not switch)"
        }
        return EnvironmentReport(
            expVersion: Exp.configuration.version, cpu: host.cpuModel, instructionSets: host.instructionSets.names,
            blasLibrary: host.libraryPath, blasConfig: host.libraryConfig, blasKernel: selection.kernel,
            blasKernelChosenBy: selection.chooser, blasKernelReason: selection.reason, blasKernelCheck: check,
            openblasCoretype: environment[BLASKernelStartup.coreTypeVariable], threads: BLASRuntime.threadCount,
            blasLibraryThreads: BLASRuntime.libraryThreadCount, fftw: AudioLibraries.fftw,
            sndfile: AudioLibraries.sndfile, soxr: AudioLibraries.soxr,
            kernelCheckCache: BLASKernelStartup.cacheDirectory(environment: environment).path,
            featureCache: FeatureCache.defaultDirectory(environment: environment),
            runsDirectory: RunOptions.runsRoot(option: nil, environment: environment).path)
    }

    /// Two aligned columns, one fact per line.
    var table: String {
        let rows: [(String, String)] = [
            ("exp", expVersion),
            ("CPU", cpu),
            ("Instruction sets", instructionSets.joined(separator: " ")),
            ("BLAS library", blasLibrary),
            ("BLAS build", blasConfig),
            ("BLAS kernel", "\(blasKernel) (chosen by \(blasKernelChosenBy.rawValue): \(blasKernelReason))"),
            ("Kernel check", blasKernelCheck),
            ("OPENBLAS_CORETYPE", openblasCoretype ?? "(not set)"),
            ("Threads", "\(threads) compute threads; OpenBLAS itself \(blasLibraryThreads)"),
            ("FFTW", fftw),
            ("libsndfile", sndfile),
            ("libsoxr", soxr),
            ("Kernel check cache", kernelCheckCache),
            ("Feature cache", featureCache),
            ("Runs directory", runsDirectory),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
            .joined(separator: "\n")
    }
}
