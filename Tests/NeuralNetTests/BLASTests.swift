@testable import NeuralNet
import Testing
import TestSupport

/// The BLAS wrapper against the naive `matmulReference`, on odd shapes and every transpose combination.
///
/// The kernel OpenBLAS picks for the CPU blocks and rounds each dot product its own way, so every comparison allows
/// `RoundoffBound`: twice γ_k times `k · max|a| · max|b|` for dot products of length k.
@Suite struct BLASTests {
    static let transposes: [(Bool, Bool)] = [(false, false), (true, false), (false, true), (true, true)]

    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
    }

    @Test(arguments: [0, 1, 2, 3])
    func matmulMatchesReference(_ combination: Int) {
        let (ta, tb) = Self.transposes[combination]
        let (m, k, n) = (7, 5, 3)
        let a = Self.random(ta ? [k, m] : [m, k], seed: 1)
        let b = Self.random(tb ? [n, k] : [k, n], seed: 2)
        let product = a.matmul(b, transposeSelf: ta, transposeOther: tb)
        let comparison = product.compared(with: matmulReference(a, b, transposeA: ta, transposeB: tb))
        let bound = RoundoffBound(terms: k, magnitude: productMagnitude(a.storage, b.storage, length: k))
        #expect(product.shape == [m, n])
        #expect(comparison.isWithin(bound), "\(comparison), \(bound)")
    }

    @Test(arguments: [0, 1, 2, 3])
    func stridedGemmWithOffsetsAlphaAndBeta(_ combination: Int) {
        // Operands embedded in wider buffers (leading dimension > width, non-zero offsets), C accumulated with beta.
        let (ta, tb) = Self.transposes[combination]
        let (m, k, n) = (5, 7, 3)
        let a = Self.random(ta ? [k, m] : [m, k], seed: 3), b = Self.random(tb ? [n, k] : [k, n], seed: 4)
        let c0 = Self.random([m, n], seed: 5)
        let (lda, ldb, ldc, offset) = (a.shape[1] + 2, b.shape[1] + 3, n + 1, 4)
        var bigA = [Float](repeating: 9, count: offset + a.shape[0] * lda)
        var bigB = [Float](repeating: 9, count: offset + b.shape[0] * ldb)
        var bigC = [Float](repeating: 9, count: offset + m * ldc)
        for r in 0..<a.shape[0] { for c in 0..<a.shape[1] { bigA[offset + r * lda + c] = a.storage[r * a.shape[1] + c] } }
        for r in 0..<b.shape[0] { for c in 0..<b.shape[1] { bigB[offset + r * ldb + c] = b.storage[r * b.shape[1] + c] } }
        for r in 0..<m { for c in 0..<n { bigC[offset + r * ldc + c] = c0.storage[r * n + c] } }
        BLAS.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: bigA, aOffset: offset, lda: lda,
                  b: bigB, bOffset: offset, ldb: ldb, beta: 2, c: &bigC, cOffset: offset, ldc: ldc)
        let reference = matmulReference(a, b, transposeA: ta, transposeB: tb)
        var observed: [Float] = [], expected: [Float] = []
        for r in 0..<m {
            for c in 0..<n {
                observed.append(bigC[offset + r * ldc + c])
                expected.append(0.5 * reference.storage[r * n + c] + 2 * c0.storage[r * n + c])
            }
            #expect(bigC[offset + r * ldc + n] == 9, "gemm wrote past the row end")
        }
        let comparison = ApproximateComparison(observed, expected)
        // k products scaled by alpha, plus beta·C: k + 1 terms.
        let magnitude = 0.5 * productMagnitude(a.storage, b.storage, length: k) + 2 * Double(c0.storage.map(abs).max()!)
        let bound = RoundoffBound(terms: k + 1, magnitude: magnitude)
        #expect(comparison.isWithin(bound), "\(comparison), \(bound)")
    }

    @Test(arguments: [false, true])
    func gemvMatchesReference(_ transpose: Bool) {
        let a = Self.random([7, 5], seed: 6)
        let x = Self.random(transpose ? [7, 1] : [5, 1], seed: 7)
        var y = [Float](repeating: 0, count: transpose ? 5 : 7)
        BLAS.gemv(transpose: transpose, rows: 7, cols: 5, a: a.storage, lda: 5, x: x.storage, y: &y)
        let comparison = ApproximateComparison(y, matmulReference(a, x, transposeA: transpose).storage)
        let k = x.count
        let bound = RoundoffBound(terms: k, magnitude: productMagnitude(a.storage, x.storage, length: k))
        #expect(comparison.isWithin(bound), "\(comparison), \(bound)")
    }

    @Test func runtimeReportsKernelAndThreads() {
        // Read-only: other suites run concurrently and rely on a stable thread count.
        #expect(BLASRuntime.threadCount >= 1)
        #expect(!BLASRuntime.kernelName.isEmpty && BLASRuntime.kernelName != "unknown")
    }

    /// Products above `BLAS.parallelThreshold` are split into row blocks (tall C) or column blocks (wide C) and
    /// computed concurrently; every block must land in the right place for every transpose combination.
    @Test(arguments: [0, 1, 2, 3])
    func blockSplitProductsMatchReference(_ combination: Int) {
        let (ta, tb) = Self.transposes[combination]
        for (m, k, n) in [(97, 71, 83), (37, 101, 151)] {
            #expect(m * n * k >= BLAS.parallelThreshold)
            let a = Self.random(ta ? [k, m] : [m, k], seed: 8), b = Self.random(tb ? [n, k] : [k, n], seed: 9)
            let comparison = a.matmul(b, transposeSelf: ta, transposeOther: tb)
                .compared(with: matmulReference(a, b, transposeA: ta, transposeB: tb))
            let bound = RoundoffBound(terms: k, magnitude: productMagnitude(a.storage, b.storage, length: k))
            #expect(comparison.isWithin(bound), "\(m)×\(k)×\(n): \(comparison), \(bound)")
        }
    }

    @Test func smallProductsInColumnBlocksMatchReference() {
        // The recurrent-step path: C += A·B in column blocks sized for OpenBLAS's small-matrix kernels.
        let (m, k, n) = (32, 128, 512)
        let a = Self.random([m, k], seed: 10), b = Self.random([k, n], seed: 11), c0 = Self.random([m, n], seed: 12)
        var c = c0.storage
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.smallGemm(m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n,
                                   beta: 1, c: pc.baseAddress!, ldc: n)
                }
            }
        }
        let expected = zip(matmulReference(a, b).storage, c0.storage).map(+)
        let comparison = ApproximateComparison(c, expected)
        // The reference rounds A·B, then adds C: k + 1 terms.
        let magnitude = productMagnitude(a.storage, b.storage, length: k) + Double(c0.storage.map(abs).max()!)
        let bound = RoundoffBound(terms: k + 1, magnitude: magnitude)
        #expect(comparison.isWithin(bound), "\(comparison), \(bound)")
    }
}
