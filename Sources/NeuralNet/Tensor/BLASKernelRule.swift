/// The x86 instruction sets that decide which OpenBLAS kernels a CPU can run (CPUID leaves 1 and 7, with the
/// register states the operating system saves, so AVX-512 disabled by the OS counts as absent).
public struct InstructionSets: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    /// Creates a set from its bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let sse3 = InstructionSets(rawValue: 1 << 0)
    public static let ssse3 = InstructionSets(rawValue: 1 << 1)
    public static let sse41 = InstructionSets(rawValue: 1 << 2)
    public static let sse42 = InstructionSets(rawValue: 1 << 3)
    public static let avx = InstructionSets(rawValue: 1 << 4)
    public static let fma = InstructionSets(rawValue: 1 << 5)
    public static let avx2 = InstructionSets(rawValue: 1 << 6)
    public static let avx512f = InstructionSets(rawValue: 1 << 7)
    public static let avx512cd = InstructionSets(rawValue: 1 << 8)
    public static let avx512bw = InstructionSets(rawValue: 1 << 9)
    public static let avx512dq = InstructionSets(rawValue: 1 << 10)
    public static let avx512vl = InstructionSets(rawValue: 1 << 11)
    public static let avx512bf16 = InstructionSets(rawValue: 1 << 12)

    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels use.
    public static let avx512Skylake: InstructionSets = [.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl]

    /// Lowercase names in `/proc/cpuinfo` spelling, in a fixed order (`sse3 … avx512_bf16`).
    public var names: [String] {
        let table: [(InstructionSets, String)] = [
            (.sse3, "sse3"), (.ssse3, "ssse3"), (.sse41, "sse4_1"), (.sse42, "sse4_2"), (.avx, "avx"), (.fma, "fma"),
            (.avx2, "avx2"), (.avx512f, "avx512f"), (.avx512cd, "avx512cd"), (.avx512bw, "avx512bw"),
            (.avx512dq, "avx512dq"), (.avx512vl, "avx512vl"), (.avx512bf16, "avx512_bf16"),
        ]
        return table.filter { contains($0.0) }.map(\.1)
    }
}

/// Who picked the OpenBLAS kernel a process runs on.
public enum KernelChooser: String, Codable, Sendable {
    /// OpenBLAS's own CPU detection (no `OPENBLAS_CORETYPE`).
    case openblas
    /// exp, because OpenBLAS chose a kernel weaker than the CPU supports.
    case exp
    /// The user, through `OPENBLAS_CORETYPE`; exp never overrides it.
    case user
}

/// The outcome of `BLASKernelRule.choose`: the kernel to run on, who chose it and why.
public struct KernelDecision: Sendable, Equatable {
    /// Kernel name as OpenBLAS spells it for `OPENBLAS_CORETYPE` (e.g. `SkylakeX`).
    public var kernel: String
    /// Who chose it.
    public var chooser: KernelChooser
    /// One sentence for `exp env`.
    public var reason: String
}

/// Decides the OpenBLAS kernel from the CPU's instruction sets, the kernel OpenBLAS detected and the user's
/// `OPENBLAS_CORETYPE`: a pure function, so every rule is tested on a table of hosts.
///
/// OpenBLAS builds with `DYNAMIC_ARCH` carry kernels for many CPUs and pick one from the CPU model at load time; a
/// model newer than the library (e.g. OpenBLAS 0.3.21 on an Emerald Rapids Xeon) falls back to `Prescott` (SSE3),
/// about 3× slower on GEMM than the AVX-512 kernel the same library has. The rule ranks kernels by the widest
/// vector instructions they use and switches only when the detected kernel ranks below the best one this library
/// has (`availableKernels`) and the CPU can run.
public enum BLASKernelRule {
    /// Kernels exp may switch to, best first, with what they need. CooperLake, SapphireRapids and Zen differ from
    /// these only in bf16 routines or cache blocking, and OpenBLAS 0.3.21 cannot be forced to CooperLake by name.
    static let candidates: [(name: String, rank: Int, needs: InstructionSets)] = [
        ("SkylakeX", 4, .avx512Skylake.union([.avx2, .fma, .avx])),
        ("Haswell", 3, [.avx2, .fma, .avx]),
        ("Sandybridge", 2, [.avx]),
    ]

    /// The vector width class of an OpenBLAS x86 kernel (`openblas_get_corename` spelling, case-insensitive):
    /// 1 SSE, 2 AVX, 3 AVX2 + FMA, 4 AVX-512; nil for a name this table does not know.
    public static func rank(ofKernel name: String) -> Int? {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids", "zen4": return 4
        case "haswell", "zen", "excavator": return 3
        case "sandybridge", "bulldozer", "piledriver", "steamroller": return 2
        case "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "nano", "opteron", "opteron(sse3)",
             "barcelona", "bobcat", "katmai", "coppermine", "northwood", "banias", "athlon":
            return 1
        default: return nil
        }
    }

    /// Chooses the kernel.
    ///
    /// - Parameters:
    ///   - instructionSets: What the CPU and operating system support.
    ///   - detected: The kernel OpenBLAS picked itself (`openblas_get_corename`).
    ///   - availableKernels: Kernels this OpenBLAS build contains (empty without `DYNAMIC_ARCH`).
    ///   - userVariable: `OPENBLAS_CORETYPE` as the user set it, or nil.
    public static func choose(instructionSets: InstructionSets, detected: String, availableKernels: Set<String>,
                              userVariable: String?) -> KernelDecision {
        if let userVariable, !userVariable.isEmpty {
            return KernelDecision(kernel: userVariable, chooser: .user, reason: "OPENBLAS_CORETYPE=\(userVariable) is set")
        }
        let available = Set(availableKernels.map { $0.lowercased() })
        guard let best = candidates.first(where: { instructionSets.isSuperset(of: $0.needs)
                                                   && available.contains($0.name.lowercased()) })
        else {
            let why = available.isEmpty ? "this OpenBLAS has no runtime kernel dispatch"
                                        : "no faster kernel of this OpenBLAS fits the CPU"
            return KernelDecision(kernel: detected, chooser: .openblas, reason: "OpenBLAS's own detection; \(why)")
        }
        guard let detectedRank = rank(ofKernel: detected) else {
            return KernelDecision(kernel: detected, chooser: .openblas,
                                  reason: "OpenBLAS's own detection; exp does not rank kernel '\(detected)'")
        }
        guard detectedRank < best.rank else {
            return KernelDecision(kernel: detected, chooser: .openblas,
                                  reason: "OpenBLAS's own detection matches the CPU's instruction sets")
        }
        return KernelDecision(kernel: best.name, chooser: .exp,
                              reason: "OpenBLAS detected \(detected), weaker than the CPU's instruction sets allow")
    }
}
