import Foundation

/// How a process came to run on its OpenBLAS kernel, for `exp env`, `run.json` and benchmark reports.
public struct BLASKernelSelection: Sendable, Equatable {
    /// The kernel OpenBLAS runs on (`openblas_get_corename`).
    public var kernel: String
    /// Who chose it.
    public var chooser: KernelChooser
    /// Why, in one sentence.
    public var reason: String
}

/// Start-up of a process that uses NeuralNet: makes OpenBLAS run on the best kernel this library has for the CPU
/// when its own detection picked a weaker one, verifying that kernel once per CPU and library build.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` once, while the library loads, so exp switches kernels by re-executing itself
/// with the variable set (about the cost of one more process start). `EXP_BLAS_KERNEL` carries exp's choice (or
/// `fallback` after a failed check) to the new image and to every child process, so sweep workers inherit both the
/// kernel and the knowledge that exp, not the user, chose it. A user's own `OPENBLAS_CORETYPE` is never changed.
public enum BLASKernelStartup {
    /// The variable OpenBLAS reads.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// The variable in which exp records its own choice.
    public static let markerVariable = "EXP_BLAS_KERNEL"

    /// What the process should do next.
    public enum Step: Equatable, Sendable {
        /// Carry on: the loaded kernel is the one to use.
        case proceed
        /// Re-execute this program with `environment`, first printing `notice` (one line) when there is one.
        case restart(environment: [String: String], notice: String?)
    }

    /// Decides the start-up step from the environment and this host, running and caching the kernel check when
    /// this process runs on a kernel exp chose that has not been checked on this CPU and library yet.
    public static func prepare(environment: [String: String] = ProcessInfo.processInfo.environment) -> Step {
        let host = HostFacts.current
        let cache = KernelCheckCache(directory: KernelCheckCache.defaultDirectory(environment: environment))
        return plan(environment: environment, host: host, verdict: { kernel in
            let key = cache.key(host: host, kernel: kernel)
            if let cached = cache.read(key) { return cached }
            guard host.loadedKernel.lowercased() == kernel.lowercased() else {
                let verdict = BLASKernelCheck(passed: false, worstRatio: .infinity,
                                              detail: "OpenBLAS loaded \(host.loadedKernel) when asked for \(kernel)")
                cache.write(verdict, key: key)
                return verdict
            }
            let verdict = BLASKernelCheck.run()
            cache.write(verdict, key: key)
            return verdict
        }, cachedVerdict: { cache.read(cache.key(host: host, kernel: $0)) })
    }

    /// The start-up rule itself, with the host and the check passed in (tested on a table).
    ///
    /// - Parameters:
    ///   - verdict: Checks (or recalls the check of) a kernel exp chose; called only when this process runs on it.
    ///   - cachedVerdict: A stored verdict for a kernel, without running anything.
    static func plan(environment: [String: String], host: HostFacts, verdict: (String) -> BLASKernelCheck,
                     cachedVerdict: (String) -> BLASKernelCheck?) -> Step {
        let requested = environment[coreTypeVariable].flatMap { $0.isEmpty ? nil : $0 }
        let marker = environment[markerVariable]
        if let requested, marker == requested {
            let check = verdict(requested)
            if check.passed { return .proceed }
            var fallback = environment
            fallback[coreTypeVariable] = nil
            fallback[markerVariable] = "fallback"
            return .restart(environment: fallback, notice: "exp: OpenBLAS kernel \(requested) failed its check ("
                            + "\(check.detail)); using OpenBLAS's own choice")
        }
        if requested != nil || marker == "fallback" { return .proceed }
        let decision = host.decision(userVariable: nil)
        guard decision.chooser == .exp, cachedVerdict(decision.kernel)?.passed != false else { return .proceed }
        var switched = environment
        switched[coreTypeVariable] = decision.kernel
        switched[markerVariable] = decision.kernel
        return .restart(environment: switched, notice: nil)
    }

    /// How this process came to run on its kernel (read from the environment it started with).
    public static let current: BLASKernelSelection = describe(
        environment: ProcessInfo.processInfo.environment, host: .current)

    static func describe(environment: [String: String], host: HostFacts) -> BLASKernelSelection {
        let requested = environment[coreTypeVariable].flatMap { $0.isEmpty ? nil : $0 }
        let marker = environment[markerVariable]
        if let requested, marker == requested {
            return BLASKernelSelection(kernel: host.loadedKernel, chooser: .exp,
                                       reason: "OpenBLAS's own detection would run a weaker kernel for this CPU")
        }
        if requested != nil {
            return BLASKernelSelection(kernel: host.loadedKernel, chooser: .user, reason: "\(coreTypeVariable) is set")
        }
        if marker == "fallback" {
            return BLASKernelSelection(kernel: host.loadedKernel, chooser: .openblas,
                                       reason: "exp's faster choice failed its numerical check")
        }
        let decision = host.decision(userVariable: nil)
        let reason = decision.chooser == .exp
            ? "exp's choice \(decision.kernel) is not in effect (its check failed, or exp did not start this process)"
            : decision.reason
        return BLASKernelSelection(kernel: host.loadedKernel, chooser: .openblas, reason: reason)
    }

    /// The verdict stored for the kernel this process runs on, if it was checked.
    public static func storedCheck(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> BLASKernelCheck? {
        let cache = KernelCheckCache(directory: KernelCheckCache.defaultDirectory(environment: environment))
        return cache.read(cache.key(host: .current, kernel: HostFacts.current.loadedKernel))
    }

    /// The directory holding kernel verdicts.
    public static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        KernelCheckCache.defaultDirectory(environment: environment)
    }
}

/// The facts about this CPU and OpenBLAS that kernel selection depends on.
public struct HostFacts: Sendable, Equatable {
    /// Instruction sets the CPU has and the OS enables.
    public var instructionSets: InstructionSets
    /// CPU brand string with family, model and stepping.
    public var cpuModel: String
    /// The kernel OpenBLAS loaded.
    public var loadedKernel: String
    /// `openblas_get_config` text.
    public var libraryConfig: String
    /// Path of the loaded OpenBLAS.
    public var libraryPath: String
    /// Kernels exp may switch to that this library contains.
    public var availableKernels: Set<String>

    /// This process's host, probed once.
    public static let current = HostFacts(
        instructionSets: BLASHostProbe.instructionSets(), cpuModel: BLASHostProbe.cpuModel(),
        loadedKernel: BLASHostProbe.loadedKernel(), libraryConfig: BLASHostProbe.libraryConfig(),
        libraryPath: BLASHostProbe.libraryPath(),
        availableKernels: BLASHostProbe.availableKernels(among: BLASKernelRule.candidates.map(\.name)))

    /// `BLASKernelRule.choose` for this host.
    public func decision(userVariable: String?) -> KernelDecision {
        BLASKernelRule.choose(instructionSets: instructionSets, detected: loadedKernel,
                              availableKernels: availableKernels, userVariable: userVariable)
    }
}

/// Verdicts of `BLASKernelCheck`, one small JSON file per CPU, library build and kernel.
struct KernelCheckCache {
    let directory: URL

    /// `$XDG_CACHE_HOME/exp/blas-kernels`, else `~/.cache/exp/blas-kernels`.
    static func defaultDirectory(environment: [String: String]) -> URL {
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return URL(fileURLWithPath: base).appendingPathComponent("exp/blas-kernels")
    }

    /// A file name from everything the verdict depends on (FNV-1a, 64 bits).
    func key(host: HostFacts, kernel: String) -> String {
        let text = [host.cpuModel, host.instructionSets.names.joined(separator: ","), host.libraryPath,
                    host.libraryConfig, kernel.lowercased()].joined(separator: "\n")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return kernel.lowercased() + "-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    func read(_ key: String) -> BLASKernelCheck? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(key + ".json")) else { return nil }
        return try? JSONDecoder().decode(BLASKernelCheck.self, from: data)
    }

    /// Stores a verdict; an unwritable cache only means the check runs again next time.
    func write(_ verdict: BLASKernelCheck, key: String) {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var stored = verdict
        if !stored.worstRatio.isFinite { stored.worstRatio = Double.greatestFiniteMagnitude }
        guard let data = try? encoder.encode(stored) else { return }
        try? data.write(to: directory.appendingPathComponent(key + ".json"), options: .atomic)
    }
}
