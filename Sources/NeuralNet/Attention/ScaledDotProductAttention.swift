import Foundation

/// The core of multi-head self-attention: packed projections `[N, T, 3·d]` (queries, keys, values, as PyTorch's
/// `in_proj` output) to the heads' concatenated contexts `[N, T, d]` (Vaswani et al. 2017, "Attention Is All You
/// Need").
///
/// ```
/// for each example n and head h (dₕ = d / heads, columns h·dₕ ..< (h+1)·dₕ of q, k, v):
///     S = q kᵀ / √dₕ        keys at or past the example's length get −∞ (PyTorch src_key_padding_mask)
///     P = softmax over keys of S,  then dropout on P in training (as torch.nn.MultiheadAttention)
///     context = P v
/// ```
///
/// An example with no valid frame gives zero contexts.
struct ScaledDotProductAttention {
    let heads: Int
    let dropout: Float
    var generator: RandomGenerator

    private struct Cache {
        let qkv: [Float]
        let probabilities: [Float]   // softmax P, [N, heads, T, T]; padded keys hold 0
        let dropped: [Float]?        // P after dropout, nil without dropout
        let keep: [Float]?           // dropout scale per probability (0 or 1 / (1 − rate)), nil without dropout
        let shape: (n: Int, t: Int, d: Int)
        let lengths: [Int]
    }
    private var cache: Cache?

    init(heads: Int, dropout: Float, seed: UInt64) {
        self.heads = heads
        self.dropout = dropout
        generator = RandomGenerator(seed: seed)
    }

    mutating func forward(_ qkv: Tensor, lengths: [Int]?, mode: Mode) -> Tensor {
        let (n, t, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        let dh = d / heads, scale = 1 / Float(dh).squareRoot()
        let valid = lengths ?? [Int](repeating: t, count: n)
        let dropping = mode == .training && dropout > 0
        var probabilities = [Float](repeating: 0, count: n * heads * t * t)
        var keep: [Float]? = dropping ? [Float](repeating: 0, count: probabilities.count) : nil
        var dropped = keep
        var context = [Float](repeating: 0, count: n * t * d)
        for b in 0..<n where valid[b] > 0 {
            let length = valid[b], row = b * t * 3 * d
            for h in 0..<heads {
                let p = (b * heads + h) * t * t
                // S = q kᵀ over the valid keys, written into P's rows (leading dimension T).
                BLAS.gemm(transposeB: true, m: t, n: length, k: dh, alpha: scale, a: qkv.storage, aOffset: row + h * dh,
                          lda: 3 * d, b: qkv.storage, bOffset: row + d + h * dh, ldb: 3 * d, c: &probabilities, cOffset: p, ldc: t)
                for i in 0..<t {
                    let r = p + i * t
                    var largest = -Float.infinity
                    for j in 0..<length { largest = max(largest, probabilities[r + j]) }
                    var sum: Float = 0
                    for j in 0..<length {
                        let e = exp(probabilities[r + j] - largest)
                        probabilities[r + j] = e
                        sum += e
                    }
                    for j in 0..<length { probabilities[r + j] /= sum }
                    if dropping {
                        let factor = 1 / (1 - dropout)
                        for j in 0..<length {
                            let m: Float = generator.nextUniform() < 1 - dropout ? factor : 0
                            keep![r + j] = m
                            dropped![r + j] = probabilities[r + j] * m
                        }
                    }
                }
                BLAS.gemm(m: t, n: dh, k: length, a: dropped ?? probabilities, aOffset: p, lda: t, b: qkv.storage,
                          bOffset: row + 2 * d + h * dh, ldb: 3 * d, c: &context, cOffset: b * t * d + h * dh, ldc: d)
            }
        }
        cache = mode == .training
            ? Cache(qkv: qkv.storage, probabilities: probabilities, dropped: dropped, keep: keep, shape: (n, t, d), lengths: valid) : nil
        return Tensor(shape: [n, t, d], storage: context)
    }

    func backward(_ contextGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("attention backward called without a training forward") }
        let (n, t, d) = cache.shape
        let dh = d / heads, scale = 1 / Float(dh).squareRoot()
        let dC = contextGradient.storage, qkv = cache.qkv, softmax = cache.probabilities
        let pd = cache.dropped ?? softmax
        var dQKV = [Float](repeating: 0, count: n * t * 3 * d)
        var dP = [Float](repeating: 0, count: t * t)
        for b in 0..<n where cache.lengths[b] > 0 {
            let length = cache.lengths[b], row = b * t * 3 * d
            for h in 0..<heads {
                let p = (b * heads + h) * t * t, c = b * t * d + h * dh
                // ∂v = Pᵀ ∂context ;  ∂P = ∂context vᵀ
                BLAS.gemm(transposeA: true, m: length, n: dh, k: t, a: pd, aOffset: p, lda: t, b: dC, bOffset: c, ldb: d,
                          c: &dQKV, cOffset: row + 2 * d + h * dh, ldc: 3 * d)
                BLAS.gemm(transposeB: true, m: t, n: length, k: dh, a: dC, aOffset: c, lda: d, b: qkv,
                          bOffset: row + 2 * d + h * dh, ldb: 3 * d, c: &dP, ldc: t)
                // Through dropout (∂P_softmax = ∂P · mask) and softmax: ∂S = P ⊙ (∂P − Σⱼ P ∂P), P before dropout.
                for i in 0..<t {
                    let r = i * t
                    var dot: Float = 0
                    for j in 0..<length {
                        if let keep = cache.keep { dP[r + j] *= keep[p + r + j] }
                        dot += softmax[p + r + j] * dP[r + j]
                    }
                    for j in 0..<length { dP[r + j] = scale * softmax[p + r + j] * (dP[r + j] - dot) }
                }
                // ∂q = ∂S k / √dₕ ;  ∂k = ∂Sᵀ q / √dₕ   (the scale is already in ∂S)
                BLAS.gemm(m: t, n: dh, k: length, a: dP, lda: t, b: qkv, bOffset: row + d + h * dh, ldb: 3 * d,
                          c: &dQKV, cOffset: row + h * dh, ldc: 3 * d)
                BLAS.gemm(transposeA: true, m: length, n: dh, k: t, a: dP, lda: t, b: qkv, bOffset: row + h * dh, ldb: 3 * d,
                          c: &dQKV, cOffset: row + d + h * dh, ldc: 3 * d)
            }
        }
        return Tensor(shape: [n, t, 3 * d], storage: dQKV)
    }
}
