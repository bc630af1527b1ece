import Foundation
import Testing

/// `exp bench train` as a child process: one JSON object with every figure, and the OpenBLAS kernel-capping variables
/// dropped by re-executing unless `--keep-blas-env` is given.
@Suite struct BenchTrainCommandTests {
    static let tiny = ["bench", "train", "--batch", "4", "--frames", "20", "--features", "6", "--classes", "3",
                       "--threads", "1", "--steps", "1", "--json"]

    /// The report of a tiny run, as a JSON object.
    func report(_ extra: [String] = [], environment: [String: String?]) throws -> [String: Any] {
        let result = try RunCommandTests.exp(Self.tiny + extra, in: FileManager.default.temporaryDirectory,
                                             environment: environment)
        #expect(result.status == 0, "\(result.error)")
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        return try #require(object as? [String: Any], "\(result.output)")
    }

    @Test func reportsEveryFigureAndDropsTheKernelCap() throws {
        let native = try report(environment: ["OPENBLAS_CORETYPE": nil, "OPENBLAS_L2_SIZE": nil])
        for key in ["train_samples_per_s", "infer_samples_per_s", "latency_ms_b1", "peak_rss_mb", "gflops", "mfu"] {
            #expect(((native[key] as? Double) ?? 0) > 0, "\(key) in \(native)")
        }
        let kernel = try #require(native["blas_kernel"] as? String)
        #expect(!kernel.isEmpty && kernel != "unknown")
        #if arch(x86_64)
        // An AVX-only kernel every x86-64 OpenBLAS build with dynamic dispatch has, and no current CPU picks itself.
        let capped: [String: String?] = ["OPENBLAS_CORETYPE": "Sandybridge", "OPENBLAS_L2_SIZE": nil]
        #expect(try report(environment: capped)["blas_kernel"] as? String == kernel)
        #expect(try report(["--keep-blas-env"], environment: capped)["blas_kernel"] as? String == "Sandybridge")
        #endif
    }
}
