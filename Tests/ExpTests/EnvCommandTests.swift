import Foundation
@testable import ExpCommands
import NeuralNet
import Testing

/// The real `exp` as a child process, in the environment the tests were given (nothing set or unset): the kernel it
/// runs on is at least as fast a class as the one OpenBLAS picked for this test process, and a kernel exp chose
/// passed its numerical check.
@Suite struct EnvCommandTests {
    func environmentReport() throws -> [String: Any] {
        let result = try RunCommandTests.exp(["env", "--json"], in: FileManager.default.temporaryDirectory)
        #expect(result.status == 0, "\(result.error)")
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        return try #require(object as? [String: Any], "\(result.output)")
    }

    @Test func kernelInUseIsAtLeastOpenBLASsOwnChoiceAndChecked() throws {
        let report = try environmentReport()
        let kernel = try #require(report["blas_kernel"] as? String)
        let chooser = try #require((report["blas_kernel_chosen_by"] as? String).flatMap(KernelChooser.init(rawValue:)))
        // This test process loaded OpenBLAS with the same environment and made no choice of its own.
        let own = BLASRuntime.kernelName
        switch chooser {
        case .user:
            #expect(kernel.lowercased() == own.lowercased(), "the user's OPENBLAS_CORETYPE gives \(own) here")
        case .openblas:
            #expect(kernel.lowercased() == own.lowercased())
        case .exp:
            let check = try #require(report["blas_kernel_check"] as? String)
            #expect(check.hasPrefix("passed"), "\(check)")
            if let ownRank = BLASRuntime.kernelRank(own) {
                #expect((BLASRuntime.kernelRank(kernel) ?? 0) > ownRank, "exp switched from \(own) to \(kernel)")
            }
        }
        for key in ["cpu", "blas_library", "blas_config", "fftw", "sndfile", "soxr", "runs_directory"] {
            #expect(!((report[key] as? String) ?? "").isEmpty, "\(key) in \(report)")
        }
        #expect(((report["threads"] as? Int) ?? 0) >= 1 && report["blas_library_threads"] as? Int == 1)
    }

    @Test func tableNamesTheKernelAndWhoChoseIt() throws {
        let result = try RunCommandTests.exp(["env"], in: FileManager.default.temporaryDirectory)
        #expect(result.status == 0, "\(result.error)")
        let line = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("BLAS kernel ") })
        #expect(line.contains("(chosen by "), "\(line)")
        #expect(result.error.isEmpty, "one run leaves no messages: \(result.error)")
    }

    @Test func onlyCommandsThatMayMultiplyMatricesRestartForTheKernel() {
        #expect(ExpCLI.needsBLAS(["run", "exp.yaml", "--threads", "2"]))
        #expect(ExpCLI.needsBLAS(["bench", "train", "--threads", "2"]))
        #expect(ExpCLI.needsBLAS(["env"]) && ExpCLI.needsBLAS(["predict"]) && ExpCLI.needsBLAS([]))
        #expect(!ExpCLI.needsBLAS(["features", "--out", "o", "a.wav"]))
        #expect(!ExpCLI.needsBLAS(["bench", "features", "--corpus", "c"]))
        #expect(!ExpCLI.needsBLAS(["compare", "runs/a"]))
    }
}
