/// What one direction of an LSTM or GRU layer shares with the other cell: PyTorch's four parameters for `gates`
/// gates of `hiddenSize` units, the caches of rearranged weights, and the whole-sequence weight gradients. The cell
/// subclasses (`LSTMDirection`, `GRUDirection`) supply the time loop and backpropagation through time.
class RecurrentDirection {
    let inputSize: Int, hiddenSize: Int, gates: Int, reverse: Bool
    let inputWeight: Parameter       // weight_ih_l0 [G·H, C]
    let hiddenWeight: Parameter      // weight_hh_l0 [G·H, H]
    let inputBias: Parameter         // bias_ih_l0 [G·H]
    let hiddenBias: Parameter        // bias_hh_l0 [G·H]
    /// `W_hhᵀ [H, G·H]`, kept while `weight_hh` is unchanged.
    var recurrentKernel = DerivedWeights<[Float]>()
    /// The per-member blocks of `W_hhᵀ` for a unit-split time loop, keyed by the member count.
    var unitSplitBlocks = DerivedWeights<[[Float]]>()

    init(gates: Int, inputSize: Int, hiddenSize: Int, reverse: Bool) {
        (self.gates, self.inputSize, self.hiddenSize, self.reverse) = (gates, inputSize, hiddenSize, reverse)
        let suffix = reverse ? "_l0_reverse" : "_l0"
        inputWeight = Parameter(name: "weight_ih" + suffix, value: Tensor(shape: [gates * hiddenSize, inputSize]))
        hiddenWeight = Parameter(name: "weight_hh" + suffix, value: Tensor(shape: [gates * hiddenSize, hiddenSize]))
        inputBias = Parameter(name: "bias_ih" + suffix, value: Tensor(shape: [gates * hiddenSize]))
        hiddenBias = Parameter(name: "bias_hh" + suffix, value: Tensor(shape: [gates * hiddenSize]))
    }

    /// `weight_ih, weight_hh, bias_ih, bias_hh` (PyTorch order).
    var parameters: [Parameter] { [inputWeight, hiddenWeight, inputBias, hiddenBias] }

    /// Runs the direction over `input [N, T, C]`; returns the hidden states `[N, T, H]` (frozen on padded steps).
    func forward(_ input: Tensor, lengths: [Int]?, training: Bool) -> [Float] {
        preconditionFailure("\(type(of: self)) must implement forward")
    }

    /// Backpropagates `∂L/∂h [N, T, H]` through time, accumulating parameter gradients and (if needed) `∂L/∂x`.
    func backward(_ hiddenGradient: [Float], into inputGradient: inout [Float], needsInputGradient: Bool) {
        preconditionFailure("\(type(of: self)) must implement backward")
    }

    /// Whole-sequence weight gradients from the pre-activation gradients `[N, T, G·H]` of the input side and the
    /// hidden side: ∂W_ih += dGᵢᵀ·X, ∂W_hh += dGₕᵀ·H₋₁, ∂b_ih += Σ dGᵢ, ∂b_hh += Σ dGₕ, ∂X += dGᵢ·W_ih. A cell whose
    /// two sides coincide (the LSTM) passes `hiddenSide: nil`, and both biases share one column sum.
    func accumulateWeightGradients(inputSide: [Float], hiddenSide: [Float]?, input: Tensor, hidden: [Float],
                                   into inputGradient: inout [Float], needsInputGradient: Bool) {
        let (n, t, c, h) = (input.shape[0], input.shape[1], inputSize, hiddenSize)
        let (width, rows) = (gates * h, n * t)
        BLAS.gemm(transposeA: true, m: width, n: c, k: rows, a: inputSide, lda: width, b: input.storage, ldb: c,
                  beta: 1, c: &inputWeight.gradient.storage, ldc: c)
        let shifted = shiftedStates(hidden, batch: n, frames: t, width: h, reverse: reverse)
        BLAS.gemm(transposeA: true, m: width, n: h, k: rows, a: hiddenSide ?? inputSide, lda: width, b: shifted, ldb: h,
                  beta: 1, c: &hiddenWeight.gradient.storage, ldc: h)
        if let hiddenSide {
            addColumnSums(inputSide, rows: rows, columns: width, into: &inputBias.gradient.storage)
            addColumnSums(hiddenSide, rows: rows, columns: width, into: &hiddenBias.gradient.storage)
        } else {
            // Both biases enter every gate pre-activation identically, so they share one column sum.
            var biasGradient = [Float](repeating: 0, count: width)
            addColumnSums(inputSide, rows: rows, columns: width, into: &biasGradient)
            for j in 0..<width {
                inputBias.gradient.storage[j] += biasGradient[j]
                hiddenBias.gradient.storage[j] += biasGradient[j]
            }
        }
        guard needsInputGradient else { return }
        BLAS.gemm(m: rows, n: c, k: width, a: inputSide, lda: width, b: inputWeight.value.storage, ldb: c,
                  beta: 1, c: &inputGradient, ldc: c)
    }
}
