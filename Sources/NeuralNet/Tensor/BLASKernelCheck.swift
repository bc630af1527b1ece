/// A numerical check of the loaded OpenBLAS kernel: GEMM in all four transpose combinations and GEMV both ways,
/// on odd shapes with padded leading dimensions, against a Double reference.
///
/// Each result must lie within the worst-case bound of any Float32 summation order (Higham, *Accuracy and Stability
/// of Numerical Algorithms*, §3.1):
///
/// ```
/// |ĉ − c| ≤ γ(k+2) · (|α| Σ_p |a_ip||b_pj| + |β||c₀|),   γ(n) = n·u / (1 − n·u),   u = 2⁻²⁴
/// ```
///
/// where the extra two roundings are the scaling by α and β. A kernel that computes with the wrong registers,
/// tails or strides misses it by orders of magnitude; a correct one never does, whatever its blocking.
public struct BLASKernelCheck: Sendable, Equatable, Codable {
    /// Whether every product met its bound.
    public var passed: Bool
    /// Largest observed error as a fraction of its bound (≤ 1 when passed).
    public var worstRatio: Double
    /// The first failing product, or a summary of what ran.
    public var detail: String

    /// Runs the check on the BLAS routines NeuralNet calls (a few milliseconds).
    public static func run() -> BLASKernelCheck {
        var generator = SplitMix(seed: 0x5eed_b1a5)
        var worst = 0.0
        var products = 0
        // (m, n, k): SIMD tails on every side, a product large enough for the packed path and the row split,
        // and a single row, which NeuralNet routes to GEMV.
        let shapes = [(37, 29, 131), (67, 45, 259), (5, 97, 17), (1, 53, 301)]
        for (m, n, k) in shapes {
            for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                for (alpha, beta): (Float, Float) in [(1, 0), (-0.75, 0.5)] {
                    let (aRows, aCols) = transposeA ? (k, m) : (m, k)
                    let (bRows, bCols) = transposeB ? (n, k) : (k, n)
                    let (lda, ldb, ldc) = (aCols + 3, bCols + 1, n + 2)
                    let a = generator.values(aRows * lda), b = generator.values(bRows * ldb)
                    var c = generator.values(m * ldc)
                    let c0 = c
                    BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
                    let ratio = worstRatio(m: m, n: n, k: k, alpha: alpha, beta: beta, c0: c0, c: c, ldc: ldc,
                                           a: { i, p in a[transposeA ? p * lda + i : i * lda + p] },
                                           b: { p, j in b[transposeB ? j * ldb + p : p * ldb + j] })
                    products += 1
                    worst = max(worst, ratio)
                    if !(ratio <= 1) {
                        return BLASKernelCheck(passed: false, worstRatio: ratio, detail: "sgemm \(m)×\(n)×\(k) "
                            + "transA=\(transposeA) transB=\(transposeB) error \(ratio)× its bound")
                    }
                }
            }
        }
        for (rows, cols) in [(53, 301), (131, 37)] {
            for transpose in [false, true] {
                let lda = cols + 5
                let a = generator.values(rows * lda)
                let (xCount, yCount) = transpose ? (rows, cols) : (cols, rows)
                let x = generator.values(xCount)
                var y = generator.values(yCount)
                let y0 = y
                BLAS.gemv(transpose: transpose, rows: rows, cols: cols, alpha: -0.75, a: a, lda: lda, x: x, beta: 0.5,
                          y: &y)
                let ratio = worstRatio(m: yCount, n: 1, k: xCount, alpha: -0.75, beta: 0.5, c0: y0, c: y, ldc: 1,
                                       a: { i, p in a[transpose ? p * lda + i : i * lda + p] }, b: { p, _ in x[p] })
                products += 1
                worst = max(worst, ratio)
                if !(ratio <= 1) {
                    return BLASKernelCheck(passed: false, worstRatio: ratio,
                                           detail: "sgemv \(rows)×\(cols) trans=\(transpose) error \(ratio)× its bound")
                }
            }
        }
        return BLASKernelCheck(passed: true, worstRatio: worst,
                               detail: "\(products) GEMM/GEMV products within their rounding bounds")
    }

    /// max over C of |ĉ − c| / bound, NaN-propagating (a NaN result fails).
    private static func worstRatio(m: Int, n: Int, k: Int, alpha: Float, beta: Float, c0: [Float], c: [Float],
                                   ldc: Int, a: (Int, Int) -> Float, b: (Int, Int) -> Float) -> Double {
        let u = 0x1p-24, terms = Double(k + 2)
        let gamma = terms * u / (1 - terms * u)
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let product = Double(a(i, p)) * Double(b(p, j))
                    exact += product
                    magnitude += abs(product)
                }
                let start = Double(c0[i * ldc + j])
                let reference = Double(alpha) * exact + Double(beta) * start
                let bound = gamma * (abs(Double(alpha)) * magnitude + abs(Double(beta) * start))
                let error = abs(Double(c[i * ldc + j]) - reference)
                let ratio = error / max(bound, .leastNormalMagnitude)
                if ratio.isNaN { return .nan }
                worst = max(worst, ratio)
            }
        }
        return worst
    }

    /// A tiny deterministic generator (SplitMix64) for values in [−1, 1).
    private struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func values(_ count: Int) -> [Float] {
            (0..<count).map { _ in
                state &+= 0x9e37_79b9_7f4a_7c15
                var z = state
                z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
                z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
                z ^= z >> 31
                return Float(z >> 40) / Float(1 << 23) - 1
            }
        }
    }
}
