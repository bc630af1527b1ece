import Foundation
import Testing
@testable import NeuralNet

/// The kernel rule and the start-up plan over a table of hosts; neither touches the process environment.
@Suite struct BLASKernelRuleTests {
    static let avx512: InstructionSets = [.sse3, .ssse3, .sse41, .sse42, .avx, .fma, .avx2, .avx512f, .avx512cd,
                                          .avx512bw, .avx512dq, .avx512vl]
    static let avx2: InstructionSets = [.sse3, .ssse3, .sse41, .sse42, .avx, .fma, .avx2]
    static let debian0321: Set<String> = ["SkylakeX", "Haswell", "Sandybridge"]

    struct Case: Sendable, CustomTestStringConvertible {
        let id: String
        let sets: InstructionSets
        let detected: String
        let available: Set<String>
        let user: String?
        let kernel: String
        let chooser: KernelChooser
        var testDescription: String { id }
    }

    static let cases: [Case] = [
        Case(id: "Emerald Rapids on OpenBLAS 0.3.21 (detected Prescott)", sets: avx512.union(.avx512bf16),
             detected: "Prescott", available: debian0321, user: nil, kernel: "SkylakeX", chooser: .exp),
        Case(id: "Skylake-SP detected correctly", sets: avx512, detected: "SkylakeX", available: debian0321, user: nil,
             kernel: "SkylakeX", chooser: .openblas),
        Case(id: "Sapphire Rapids on a newer OpenBLAS", sets: avx512.union(.avx512bf16), detected: "SapphireRapids",
             available: debian0321, user: nil, kernel: "SapphireRapids", chooser: .openblas),
        Case(id: "Cooper Lake detected", sets: avx512.union(.avx512bf16), detected: "Cooperlake",
             available: debian0321, user: nil, kernel: "Cooperlake", chooser: .openblas),
        Case(id: "AMD EPYC Zen 3 detected as Zen", sets: avx2, detected: "Zen", available: debian0321, user: nil,
             kernel: "Zen", chooser: .openblas),
        Case(id: "AMD EPYC Zen 4 (AVX-512) detected as Zen", sets: avx512, detected: "Zen", available: debian0321,
             user: nil, kernel: "SkylakeX", chooser: .exp),
        Case(id: "new AVX2 CPU detected as Prescott", sets: avx2, detected: "Prescott", available: debian0321,
             user: nil, kernel: "Haswell", chooser: .exp),
        Case(id: "AVX-only CPU detected as Nehalem", sets: [.sse3, .ssse3, .sse41, .sse42, .avx], detected: "Nehalem",
             available: debian0321, user: nil, kernel: "Sandybridge", chooser: .exp),
        Case(id: "AVX-512 CPU, library without SkylakeX", sets: avx512, detected: "Prescott",
             available: ["Haswell", "Sandybridge"], user: nil, kernel: "Haswell", chooser: .exp),
        Case(id: "library without runtime dispatch", sets: avx512, detected: "Prescott", available: [], user: nil,
             kernel: "Prescott", chooser: .openblas),
        Case(id: "SSE-only CPU", sets: [.sse3, .ssse3], detected: "Core2", available: debian0321, user: nil,
             kernel: "Core2", chooser: .openblas),
        Case(id: "AVX-512 without OS support counts as AVX2", sets: avx2, detected: "Haswell", available: debian0321,
             user: nil, kernel: "Haswell", chooser: .openblas),
        Case(id: "kernel name exp does not rank", sets: avx512, detected: "FutureLake", available: debian0321,
             user: nil, kernel: "FutureLake", chooser: .openblas),
        Case(id: "user asks for an older kernel", sets: avx512, detected: "Sandybridge", available: debian0321,
             user: "Sandybridge", kernel: "Sandybridge", chooser: .user),
        Case(id: "user asks for the kernel exp would pick", sets: avx512, detected: "SkylakeX", available: debian0321,
             user: "SkylakeX", kernel: "SkylakeX", chooser: .user),
        Case(id: "empty variable is no choice", sets: avx512, detected: "Prescott", available: debian0321, user: "",
             kernel: "SkylakeX", chooser: .exp),
    ]

    @Test(arguments: cases)
    func choosesTheBestKernelTheLibraryHas(_ c: Case) {
        let decision = BLASKernelRule.choose(instructionSets: c.sets, detected: c.detected,
                                             availableKernels: c.available, userVariable: c.user)
        #expect(decision.kernel == c.kernel && decision.chooser == c.chooser, "\(decision)")
    }

    @Test func rankOrdersVectorWidths() {
        let ranks = ["Prescott", "Sandybridge", "Haswell", "SkylakeX"].map { BLASKernelRule.rank(ofKernel: $0) }
        #expect(ranks == [1, 2, 3, 4])
        #expect(BLASKernelRule.rank(ofKernel: "zen") == BLASKernelRule.rank(ofKernel: "HASWELL"))
        #expect(BLASKernelRule.rank(ofKernel: "FutureLake") == nil)
    }

    // MARK: - Start-up plan

    static func host(detected: String) -> HostFacts {
        HostFacts(instructionSets: avx512, cpuModel: "test CPU", loadedKernel: detected, libraryConfig: "OpenBLAS test",
                  libraryPath: "/lib/libopenblas.so", availableKernels: debian0321)
    }

    static let passed = BLASKernelCheck(passed: true, worstRatio: 0.1, detail: "ok")
    static let failed = BLASKernelCheck(passed: false, worstRatio: 40, detail: "sgemm off")

    @Test func switchesByRestartingWithBothVariables() {
        let step = BLASKernelStartup.plan(environment: ["HOME": "/h"], host: Self.host(detected: "Prescott"),
                                          verdict: { _ in Issue.record("no check before the switch"); return Self.passed },
                                          cachedVerdict: { _ in nil })
        #expect(step == .restart(environment: ["HOME": "/h", "OPENBLAS_CORETYPE": "SkylakeX",
                                               "EXP_BLAS_KERNEL": "SkylakeX"], notice: nil))
    }

    @Test func doesNotSwitchToAKernelThatFailedBefore() {
        let step = BLASKernelStartup.plan(environment: [:], host: Self.host(detected: "Prescott"),
                                          verdict: { _ in Self.passed }, cachedVerdict: { _ in Self.failed })
        #expect(step == .proceed)
    }

    @Test func checksItsOwnChoiceAndFallsBackWithOneLine() {
        let chosen = ["OPENBLAS_CORETYPE": "SkylakeX", "EXP_BLAS_KERNEL": "SkylakeX", "HOME": "/h"]
        var checked: [String] = []
        let ok = BLASKernelStartup.plan(environment: chosen, host: Self.host(detected: "SkylakeX"),
                                        verdict: { checked.append($0); return Self.passed }, cachedVerdict: { _ in nil })
        #expect(ok == .proceed && checked == ["SkylakeX"])
        let bad = BLASKernelStartup.plan(environment: chosen, host: Self.host(detected: "SkylakeX"),
                                         verdict: { _ in Self.failed }, cachedVerdict: { _ in nil })
        guard case .restart(let environment, let notice?) = bad else {
            Issue.record("expected a restart with a notice, got \(bad)")
            return
        }
        #expect(environment == ["HOME": "/h", "EXP_BLAS_KERNEL": "fallback"])
        #expect(notice == "exp: OpenBLAS kernel SkylakeX failed its check (sgemm off); using OpenBLAS's own choice")
        #expect(!notice.contains("\n"))
    }

    @Test func neverOverridesTheUserOrLoops() {
        for environment in [["OPENBLAS_CORETYPE": "Sandybridge"], ["OPENBLAS_CORETYPE": "Haswell", "EXP_BLAS_KERNEL": "SkylakeX"],
                            ["EXP_BLAS_KERNEL": "fallback"]] {
            let step = BLASKernelStartup.plan(environment: environment, host: Self.host(detected: "Prescott"),
                                              verdict: { _ in Self.failed }, cachedVerdict: { _ in nil })
            #expect(step == .proceed, "\(environment)")
        }
        let user = BLASKernelStartup.describe(environment: ["OPENBLAS_CORETYPE": "Haswell", "EXP_BLAS_KERNEL": "SkylakeX"],
                                              host: Self.host(detected: "Haswell"))
        #expect(user.chooser == .user && user.kernel == "Haswell")
        let exp = BLASKernelStartup.describe(environment: ["OPENBLAS_CORETYPE": "SkylakeX", "EXP_BLAS_KERNEL": "SkylakeX"],
                                             host: Self.host(detected: "SkylakeX"))
        #expect(exp.chooser == .exp)
    }

    // MARK: - The check and its cache

    @Test func loadedKernelPassesTheCheck() {
        let check = BLASKernelCheck.run()
        #expect(check.passed && check.worstRatio <= 1, "\(check)")
    }

    @Test func cacheKeysSeparateKernelsAndLibrariesAndRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kernel-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = KernelCheckCache(directory: directory)
        let host = Self.host(detected: "Prescott")
        var other = host
        other.libraryConfig = "OpenBLAS 0.3.26"
        let key = cache.key(host: host, kernel: "SkylakeX")
        #expect(key != cache.key(host: host, kernel: "Haswell") && key != cache.key(host: other, kernel: "SkylakeX"))
        #expect(cache.read(key) == nil)
        cache.write(Self.failed, key: key)
        #expect(cache.read(key) == Self.failed)
    }

    @Test func cacheDirectoryFollowsXDG() {
        #expect(KernelCheckCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"]).path
                == "/c/exp/blas-kernels")
        #expect(KernelCheckCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/h"]).path
                == "/h/.cache/exp/blas-kernels")
    }
}
