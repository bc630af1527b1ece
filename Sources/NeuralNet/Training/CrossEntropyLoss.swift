import Foundation

/// How per-example losses combine into one value (MLX `LossReduction`, PyTorch `reduction`).
public enum Reduction: String, Codable, Sendable, CaseIterable {
    /// The (weighted) mean: divided by `Σ_n weight[y_n]`, or by `N` without class weights.
    case mean
    /// The plain sum over the batch.
    case sum
}

/// Softmax cross-entropy over logits, fused so that it is numerically stable and its gradient is one expression
/// (PyTorch `nn.CrossEntropyLoss`; llm.c `crossentropy_softmax_backward`).
///
/// Logits are `[N, K]` (batch, classes) and labels are `N` class indices. With class weights `w` and label smoothing
/// `ε`, exactly as PyTorch defines them:
///
/// ```
/// log p[n, k] = z[n, k] − max_j z[n, j] − log Σ_j exp(z[n, j] − max_j z[n, j])
/// a[n, k]     = (1 − ε) · w[y_n] · δ(k, y_n) + (ε / K) · w[k]
/// ℓ_n         = −Σ_k a[n, k] · log p[n, k]
/// mean:  L = Σ_n ℓ_n / Σ_n w[y_n]        sum:  L = Σ_n ℓ_n
/// ∂ℓ_n/∂z[n, k] = (Σ_j a[n, j]) · p[n, k] − a[n, k]
/// ```
///
/// Without class weights `w = 1`, so the mean divides by `N`.
public struct CrossEntropyLoss: Sendable, Equatable {
    /// Per-class weights `w[K]` (> 0), e.g. to balance RAVDESS neutral (half as many clips); `nil` weighs all 1.
    public var classWeights: [Float]?
    /// Label smoothing `ε` in `[0, 1)` (PyTorch `label_smoothing`, default 0).
    public var labelSmoothing: Float
    /// `.mean` (default) or `.sum`.
    public var reduction: Reduction

    /// A loss with optional class weights `w[K]`, label smoothing `ε ∈ [0, 1)` and a reduction.
    public init(classWeights: [Float]? = nil, labelSmoothing: Float = 0, reduction: Reduction = .mean) {
        precondition((0..<1).contains(labelSmoothing), "labelSmoothing must lie in [0, 1), got \(labelSmoothing)")
        precondition(classWeights?.allSatisfy { $0 >= 0 && $0.isFinite } ?? true,
                     "class weights must be finite and >= 0, got \(classWeights ?? [])")
        self.classWeights = classWeights
        self.labelSmoothing = labelSmoothing
        self.reduction = reduction
    }

    /// The loss of `logits [N, K]` against `labels` (N indices in `0..<K`) and its gradient `∂L/∂logits [N, K]`.
    public func callAsFunction(_ logits: Tensor, labels: [Int]) -> (value: Float, gradient: Tensor) {
        precondition(logits.rank == 2, "CrossEntropyLoss expects logits [N, K], got \(logits.shape)")
        let n = logits.shape[0], k = logits.shape[1]
        precondition(labels.count == n, "CrossEntropyLoss got \(labels.count) labels for \(n) logit rows")
        precondition(labels.allSatisfy { (0..<k).contains($0) }, "labels must lie in 0..<\(k), got \(labels)")
        if let classWeights {
            precondition(classWeights.count == k, "CrossEntropyLoss has \(classWeights.count) class weights for \(k) classes")
        }
        let weights = classWeights.map { $0.map(Double.init) } ?? [Double](repeating: 1, count: k)
        let epsilon = Double(labelSmoothing)
        let smoothTotal = epsilon / Double(k) * weights.reduce(0, +)

        var total = 0.0, normaliser = 0.0
        var gradient = [Double](repeating: 0, count: n * k)
        var logProbabilities = [Double](repeating: 0, count: k)
        for row in 0..<n {
            let base = row * k, label = labels[row]
            var maximum = -Double.infinity
            for j in 0..<k { maximum = max(maximum, Double(logits.storage[base + j])) }
            var sumExp = 0.0
            for j in 0..<k { sumExp += exp(Double(logits.storage[base + j]) - maximum) }
            let logSum = log(sumExp)
            for j in 0..<k { logProbabilities[j] = Double(logits.storage[base + j]) - maximum - logSum }

            // a[n, k]: the target's share (1 − ε)·w[y] plus the smoothed share (ε/K)·w[k].
            let targetShare = (1 - epsilon) * weights[label]
            let rowMass = targetShare + smoothTotal
            var rowLoss = -targetShare * logProbabilities[label]
            for j in 0..<k {
                let a = epsilon / Double(k) * weights[j] + (j == label ? targetShare : 0)
                if epsilon > 0 { rowLoss -= epsilon / Double(k) * weights[j] * logProbabilities[j] }
                gradient[base + j] = rowMass * exp(logProbabilities[j]) - a
            }
            total += rowLoss
            normaliser += weights[label]
        }
        let scale = reduction == .mean ? 1 / normaliser : 1
        return (Float(total * scale), Tensor(shape: [n, k], storage: gradient.map { Float($0 * scale) }))
    }
}
