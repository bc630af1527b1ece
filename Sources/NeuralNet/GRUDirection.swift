/// One direction of a GRU layer: its four PyTorch parameters, the time loop and backpropagation through time.
///
/// Same buffer layout as `LSTMDirection`; the recurrent projection `h_{t−1}·W_hhᵀ + b_hh` of every step is kept,
/// because PyTorch's n-gate multiplies its hidden part by r.
final class GRUDirection {
    struct Cache {
        let input: Tensor            // [N, T, C]
        let lengths: [Int]?
        let gates: [Float]           // [N, T, 3H] activated r, z, n
        let recurrent: [Float]       // [N, T, 3H] h_{t−1}·W_hhᵀ + b_hh
        let hidden: [Float]          // [N, T, H]
    }

    let inputSize: Int, hiddenSize: Int, reverse: Bool
    let inputWeight: Parameter       // weight_ih_l0 [3H, C]
    let hiddenWeight: Parameter      // weight_hh_l0 [3H, H]
    let inputBias: Parameter         // bias_ih_l0 [3H]
    let hiddenBias: Parameter        // bias_hh_l0 [3H]
    var cache: Cache?

    init(inputSize: Int, hiddenSize: Int, reverse: Bool) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.reverse = reverse
        let suffix = reverse ? "_l0_reverse" : "_l0"
        inputWeight = Parameter(name: "weight_ih" + suffix, value: Tensor(shape: [3 * hiddenSize, inputSize]))
        hiddenWeight = Parameter(name: "weight_hh" + suffix, value: Tensor(shape: [3 * hiddenSize, hiddenSize]))
        inputBias = Parameter(name: "bias_ih" + suffix, value: Tensor(shape: [3 * hiddenSize]))
        hiddenBias = Parameter(name: "bias_hh" + suffix, value: Tensor(shape: [3 * hiddenSize]))
    }

    var parameters: [Parameter] { [inputWeight, hiddenWeight, inputBias, hiddenBias] }

    /// Runs the direction over `input [N, T, C]`; returns the hidden states `[N, T, H]` (frozen on padded steps).
    func forward(_ input: Tensor, lengths: [Int]?, training: Bool) -> [Float] {
        let (n, t, c, h) = (input.shape[0], input.shape[1], inputSize, hiddenSize)
        let g3 = 3 * h
        var gates = [Float](repeating: 0, count: n * t * g3)
        var recurrent = gates
        gates.withUnsafeMutableBufferPointer { g in
            recurrent.withUnsafeMutableBufferPointer { r in
                for row in 0..<(n * t) {
                    (g.baseAddress! + row * g3).update(from: inputBias.value.storage, count: g3)
                    (r.baseAddress! + row * g3).update(from: hiddenBias.value.storage, count: g3)
                }
            }
        }
        BLAS.gemm(transposeB: true, m: n * t, n: g3, k: c, a: input.storage, lda: c, b: inputWeight.value.storage,
                  ldb: c, beta: 1, c: &gates, ldc: g3)
        var hidden = [Float](repeating: 0, count: n * t * h)
        for step in 0..<t {
            let time = reverse ? t - 1 - step : step
            let previous = reverse ? time + 1 : time - 1
            if step > 0 {
                BLAS.gemm(transposeB: true, m: n, n: g3, k: h, a: hidden, aOffset: previous * h, lda: t * h,
                          b: hiddenWeight.value.storage, ldb: h, beta: 1, c: &recurrent, cOffset: time * g3, ldc: t * g3)
            }
            gates.withUnsafeMutableBufferPointer { gp in
                recurrent.withUnsafeBufferPointer { rp in
                    hidden.withUnsafeMutableBufferPointer { hp in
                        for b in 0..<n {
                            let row = b * t + time
                            let hOut = hp.baseAddress! + row * h
                            let hPrev: UnsafePointer<Float>? = step == 0 ? nil : UnsafePointer(hp.baseAddress! + (b * t + previous) * h)
                            if let lengths, time >= lengths[b] {
                                if let hPrev { hOut.update(from: hPrev, count: h) }
                                continue
                            }
                            let gate = gp.baseAddress! + row * g3, rec = rp.baseAddress! + row * g3
                            for j in 0..<(2 * h) { gate[j] += rec[j] }
                            sigmoidInPlace(gate, count: 2 * h)
                            for j in 0..<h { gate[2 * h + j] += gate[j] * rec[2 * h + j] }
                            tanhInPlace(gate + 2 * h, count: h)
                            for j in 0..<h {
                                let z = gate[h + j]
                                hOut[j] = (1 - z) * gate[2 * h + j] + z * (hPrev?[j] ?? 0)
                            }
                        }
                    }
                }
            }
        }
        cache = training ? Cache(input: input, lengths: lengths, gates: gates, recurrent: recurrent, hidden: hidden) : nil
        return hidden
    }

    /// Backpropagates `hiddenGradient [N, T, H]` through time; accumulates the parameter gradients and adds
    /// ∂L/∂input into `inputGradient [N, T, C]`.
    func backward(_ hiddenGradient: [Float], into inputGradient: inout [Float], needsInputGradient: Bool) {
        guard let cache else { preconditionFailure("GRU.backward called without a training forward") }
        let (n, t, c, h) = (cache.input.shape[0], cache.input.shape[1], inputSize, hiddenSize)
        let g3 = 3 * h
        var inputSide = [Float](repeating: 0, count: n * t * g3), hiddenSide = inputSide
        var carry = [Float](repeating: 0, count: n * h), direct = carry
        for step in stride(from: t - 1, through: 0, by: -1) {
            let time = reverse ? t - 1 - step : step
            let previous = reverse ? time + 1 : time - 1
            for b in 0..<n {
                let row = b * t + time
                let masked = cache.lengths.map { time >= $0[b] } ?? false
                for j in 0..<h {
                    let dh = hiddenGradient[row * h + j] + carry[b * h + j]
                    if masked { direct[b * h + j] = dh; continue }
                    let (r, z, nGate) = (cache.gates[row * g3 + j], cache.gates[row * g3 + h + j], cache.gates[row * g3 + 2 * h + j])
                    let hPrev = step == 0 ? 0 : cache.hidden[(b * t + previous) * h + j]
                    // h = (1 − z)·n + z·h₋₁ ; n = tanh(a_n + r·(W_hn h₋₁ + b_hn))
                    let dnPre = dh * (1 - z) * (1 - nGate * nGate)
                    let dzPre = dh * (hPrev - nGate) * z * (1 - z)
                    let drPre = dnPre * cache.recurrent[row * g3 + 2 * h + j] * r * (1 - r)
                    inputSide[row * g3 + j] = drPre
                    inputSide[row * g3 + h + j] = dzPre
                    inputSide[row * g3 + 2 * h + j] = dnPre
                    hiddenSide[row * g3 + j] = drPre
                    hiddenSide[row * g3 + h + j] = dzPre
                    hiddenSide[row * g3 + 2 * h + j] = dnPre * r
                    direct[b * h + j] = dh * z
                }
            }
            // ∂L/∂h₋₁ = z·dh + dGates_h · W_hh (padded steps pass dh unchanged).
            BLAS.gemm(m: n, n: h, k: g3, a: hiddenSide, aOffset: time * g3, lda: t * g3,
                      b: hiddenWeight.value.storage, ldb: h, c: &carry, ldc: h)
            for i in 0..<carry.count { carry[i] += direct[i] }
        }
        let rows = n * t
        BLAS.gemm(transposeA: true, m: g3, n: c, k: rows, a: inputSide, lda: g3, b: cache.input.storage, ldb: c,
                  beta: 1, c: &inputWeight.gradient.storage, ldc: c)
        let shifted = shiftedStates(cache.hidden, batch: n, frames: t, width: h, reverse: reverse)
        BLAS.gemm(transposeA: true, m: g3, n: h, k: rows, a: hiddenSide, lda: g3, b: shifted, ldb: h,
                  beta: 1, c: &hiddenWeight.gradient.storage, ldc: h)
        addColumnSums(inputSide, rows: rows, columns: g3, into: &inputBias.gradient.storage)
        addColumnSums(hiddenSide, rows: rows, columns: g3, into: &hiddenBias.gradient.storage)
        guard needsInputGradient else { return }
        BLAS.gemm(m: rows, n: c, k: g3, a: inputSide, lda: g3, b: inputWeight.value.storage, ldb: c,
                  beta: 1, c: &inputGradient, ldc: c)
    }
}
