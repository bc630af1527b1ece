import Foundation
import Testing

/// `exp bench train` as a child process, in the environment as given: one JSON object with every figure and the
/// kernel that ran.
@Suite struct BenchTrainCommandTests {
    static let tiny = ["bench", "train", "--batch", "4", "--frames", "20", "--features", "6", "--classes", "3",
                       "--threads", "1", "--steps", "1", "--json"]

    /// The report of a tiny run, as a JSON object.
    func report() throws -> [String: Any] {
        let result = try RunCommandTests.exp(Self.tiny, in: FileManager.default.temporaryDirectory)
        #expect(result.status == 0, "\(result.error)")
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        return try #require(object as? [String: Any], "\(result.output)")
    }

    @Test func reportsEveryFigureAndTheKernel() throws {
        let native = try report()
        for key in ["train_samples_per_s", "infer_samples_per_s", "latency_ms_b1", "peak_rss_mb", "gflops", "mfu"] {
            #expect(((native[key] as? Double) ?? 0) > 0, "\(key) in \(native)")
        }
        let kernel = try #require(native["blas_kernel"] as? String)
        #expect(!kernel.isEmpty && kernel != "unknown")
        #expect(["openblas", "exp", "user"].contains(native["blas_kernel_chosen_by"] as? String ?? ""), "\(native)")
    }
}
