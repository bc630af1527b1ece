/// One direction of an LSTM layer: its four PyTorch parameters, the time loop and backpropagation through time.
///
/// Buffers are `[N, T, ·]` row-major, so time step `t` of all examples is a strided matrix (`offset t·width`,
/// leading dimension `T·width`) that BLAS reads and writes in place. The input projection of all steps is one GEMM,
/// each step adds one `[N, H] · [H, 4H]` GEMM and applies the fused gate nonlinearities; in backward, the weight
/// gradients of all steps are one GEMM each.
final class LSTMDirection {
    struct Cache {
        let input: Tensor            // [N, T, C]
        let lengths: [Int]?
        let gates: [Float]           // [N, T, 4H] activated i, f, g, o
        let cells: [Float]           // [N, T, H] c_t (frozen on padded steps)
        let cellTanh: [Float]        // [N, T, H] tanh(c_t)
        let hidden: [Float]          // [N, T, H] h_t (frozen on padded steps)
    }

    let inputSize: Int, hiddenSize: Int, reverse: Bool
    let inputWeight: Parameter       // weight_ih_l0 [4H, C]
    let hiddenWeight: Parameter      // weight_hh_l0 [4H, H]
    let inputBias: Parameter         // bias_ih_l0 [4H]
    let hiddenBias: Parameter        // bias_hh_l0 [4H]
    var cache: Cache?

    init(inputSize: Int, hiddenSize: Int, reverse: Bool) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.reverse = reverse
        let suffix = reverse ? "_l0_reverse" : "_l0"
        inputWeight = Parameter(name: "weight_ih" + suffix, value: Tensor(shape: [4 * hiddenSize, inputSize]))
        hiddenWeight = Parameter(name: "weight_hh" + suffix, value: Tensor(shape: [4 * hiddenSize, hiddenSize]))
        inputBias = Parameter(name: "bias_ih" + suffix, value: Tensor(shape: [4 * hiddenSize]))
        hiddenBias = Parameter(name: "bias_hh" + suffix, value: Tensor(shape: [4 * hiddenSize]))
    }

    var parameters: [Parameter] { [inputWeight, hiddenWeight, inputBias, hiddenBias] }

    /// Runs the direction over `input [N, T, C]`; returns the hidden states `[N, T, H]` (frozen on padded steps).
    func forward(_ input: Tensor, lengths: [Int]?, training: Bool) -> [Float] {
        let (n, t, c, h) = (input.shape[0], input.shape[1], inputSize, hiddenSize)
        let g4 = 4 * h
        var gates = [Float](repeating: 0, count: n * t * g4)
        let bias = zip(inputBias.value.storage, hiddenBias.value.storage).map(+)
        gates.withUnsafeMutableBufferPointer { g in
            for row in 0..<(n * t) { (g.baseAddress! + row * g4).update(from: bias, count: g4) }
        }
        BLAS.gemm(transposeB: true, m: n * t, n: g4, k: c, a: input.storage, lda: c, b: inputWeight.value.storage,
                  ldb: c, beta: 1, c: &gates, ldc: g4)
        var cells = [Float](repeating: 0, count: n * t * h)
        var cellTanh = cells, hidden = cells
        for step in 0..<t {
            let time = reverse ? t - 1 - step : step
            let previous = reverse ? time + 1 : time - 1
            if step > 0 {
                BLAS.gemm(transposeB: true, m: n, n: g4, k: h, a: hidden, aOffset: previous * h, lda: t * h,
                          b: hiddenWeight.value.storage, ldb: h, beta: 1, c: &gates, cOffset: time * g4, ldc: t * g4)
            }
            gates.withUnsafeMutableBufferPointer { gp in
                cells.withUnsafeMutableBufferPointer { cp in
                    cellTanh.withUnsafeMutableBufferPointer { tp in
                        hidden.withUnsafeMutableBufferPointer { hp in
                            for b in 0..<n {
                                let row = b * t + time, prevRow = b * t + previous
                                let hOut = hp.baseAddress! + row * h, cOut = cp.baseAddress! + row * h
                                if let lengths, time >= lengths[b] {
                                    // Padded step: carry the state unchanged (zero before the first valid step).
                                    if step > 0 {
                                        hOut.update(from: hp.baseAddress! + prevRow * h, count: h)
                                        cOut.update(from: cp.baseAddress! + prevRow * h, count: h)
                                    }
                                    continue
                                }
                                let gate = gp.baseAddress! + row * g4
                                sigmoidInPlace(gate, count: 2 * h)
                                tanhInPlace(gate + 2 * h, count: h)
                                sigmoidInPlace(gate + 3 * h, count: h)
                                let tOut = tp.baseAddress! + row * h
                                if step > 0 {
                                    let cPrev = cp.baseAddress! + prevRow * h
                                    for j in 0..<h { cOut[j] = gate[h + j] * cPrev[j] + gate[j] * gate[2 * h + j] }
                                } else {
                                    for j in 0..<h { cOut[j] = gate[j] * gate[2 * h + j] }
                                }
                                tOut.update(from: cOut, count: h)
                                tanhInPlace(tOut, count: h)
                                for j in 0..<h { hOut[j] = gate[3 * h + j] * tOut[j] }
                            }
                        }
                    }
                }
            }
        }
        cache = training
            ? Cache(input: input, lengths: lengths, gates: gates, cells: cells, cellTanh: cellTanh, hidden: hidden)
            : nil
        return hidden
    }

    /// Backpropagates `hiddenGradient [N, T, H]` (∂L/∂h_t from the layer's outputs) through time; accumulates the
    /// parameter gradients and adds ∂L/∂input into `inputGradient [N, T, C]`.
    func backward(_ hiddenGradient: [Float], into inputGradient: inout [Float]) {
        guard let cache else { preconditionFailure("LSTM.backward called without a training forward") }
        let (n, t, c, h) = (cache.input.shape[0], cache.input.shape[1], inputSize, hiddenSize)
        let g4 = 4 * h
        var gateGradient = [Float](repeating: 0, count: n * t * g4)
        var dhCarry = [Float](repeating: 0, count: n * h), dcCarry = dhCarry, dh = dhCarry
        for step in stride(from: t - 1, through: 0, by: -1) {
            let time = reverse ? t - 1 - step : step
            let previous = reverse ? time + 1 : time - 1
            gateGradient.withUnsafeMutableBufferPointer { dgp in
                dhCarry.withUnsafeMutableBufferPointer { dhc in
                    dcCarry.withUnsafeMutableBufferPointer { dcc in
                        dh.withUnsafeMutableBufferPointer { dhp in
                            cache.gates.withUnsafeBufferPointer { gp in
                                cache.cells.withUnsafeBufferPointer { cp in
                                    cache.cellTanh.withUnsafeBufferPointer { tp in
                                        hiddenGradient.withUnsafeBufferPointer { hg in
                                            for b in 0..<n {
                                                let row = b * t + time
                                                let dhRow = dhp.baseAddress! + b * h, carry = dhc.baseAddress! + b * h
                                                let upstream = hg.baseAddress! + row * h
                                                for j in 0..<h { dhRow[j] = upstream[j] + carry[j] }
                                                if let lengths = cache.lengths, time >= lengths[b] { continue }
                                                let gate = gp.baseAddress! + row * g4, dGate = dgp.baseAddress! + row * g4
                                                let tanhC = tp.baseAddress! + row * h, dc = dcc.baseAddress! + b * h
                                                let cPrev: UnsafePointer<Float>? = step == 0
                                                    ? nil : cp.baseAddress! + (b * t + previous) * h
                                                for j in 0..<h {
                                                    let (i, f, g, o) = (gate[j], gate[h + j], gate[2 * h + j], gate[3 * h + j])
                                                    // h = o·tanh(c), c = f·c₋₁ + i·g; gate terms are pre-activation.
                                                    let dcTotal = dc[j] + dhRow[j] * o * (1 - tanhC[j] * tanhC[j])
                                                    dGate[3 * h + j] = dhRow[j] * tanhC[j] * o * (1 - o)
                                                    dGate[j] = dcTotal * g * i * (1 - i)
                                                    dGate[2 * h + j] = dcTotal * i * (1 - g * g)
                                                    dGate[h + j] = dcTotal * (cPrev?[j] ?? 0) * f * (1 - f)
                                                    dc[j] = dcTotal * f
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // ∂L/∂h₋₁ = dGates · W_hh, plus the gradient passed unchanged through padded steps.
            BLAS.gemm(m: n, n: h, k: g4, a: gateGradient, aOffset: time * g4, lda: t * g4,
                      b: hiddenWeight.value.storage, ldb: h, c: &dhCarry, ldc: h)
            if let lengths = cache.lengths {
                for b in 0..<n where time >= lengths[b] {
                    for j in 0..<h { dhCarry[b * h + j] += dh[b * h + j] }
                }
            }
        }
        let rows = n * t
        // Whole-sequence weight gradients: ∂W_ih += dGᵀ·X, ∂W_hh += dGᵀ·H₋₁, biases += Σ dG; ∂X += dG·W_ih.
        BLAS.gemm(transposeA: true, m: g4, n: c, k: rows, a: gateGradient, lda: g4, b: cache.input.storage, ldb: c,
                  beta: 1, c: &inputWeight.gradient.storage, ldc: c)
        var shifted = [Float](repeating: 0, count: rows * h)
        for b in 0..<n {
            for time in 0..<t {
                let previous = reverse ? time + 1 : time - 1
                guard previous >= 0, previous < t else { continue }
                for j in 0..<h { shifted[(b * t + time) * h + j] = cache.hidden[(b * t + previous) * h + j] }
            }
        }
        BLAS.gemm(transposeA: true, m: g4, n: h, k: rows, a: gateGradient, lda: g4, b: shifted, ldb: h,
                  beta: 1, c: &hiddenWeight.gradient.storage, ldc: h)
        addColumnSums(gateGradient, rows: rows, columns: g4, into: &inputBias.gradient.storage)
        addColumnSums(gateGradient, rows: rows, columns: g4, into: &hiddenBias.gradient.storage)
        BLAS.gemm(m: rows, n: c, k: g4, a: gateGradient, lda: g4, b: inputWeight.value.storage, ldb: c,
                  beta: 1, c: &inputGradient, ldc: c)
    }
}
