import NeuralNet

/// The naive triple-loop matrix product `op(a) · op(b)` with Double accumulation (llm.c `matmul_forward_naive`),
/// used to check the BLAS wrapper's transposes and leading dimensions.
public func matmulReference(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank == 2 && b.rank == 2, "matmulReference needs matrices, got \(a.shape) and \(b.shape)")
    let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
    let n = transposeB ? b.shape[0] : b.shape[1]
    precondition(k == (transposeB ? b.shape[1] : b.shape[0]), "matmulReference: inner sizes differ, \(a.shape) · \(b.shape)")
    var result = Tensor(shape: [m, n])
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let x = transposeA ? a.storage[p * a.shape[1] + i] : a.storage[i * a.shape[1] + p]
                let y = transposeB ? b.storage[j * b.shape[1] + p] : b.storage[p * b.shape[1] + j]
                sum += Double(x) * Double(y)
            }
            result.storage[i * n + j] = Float(sum)
        }
    }
    return result
}
