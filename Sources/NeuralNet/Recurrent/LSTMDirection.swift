/// One direction of an LSTM layer: its four PyTorch parameters, the time loop and backpropagation through time.
///
/// Buffers are `[N, T, ·]` row-major, so time step `t` of a batch slice is a strided matrix (`offset t·width`,
/// leading dimension `T·width`) that BLAS reads and writes in place. The input projection of all steps is one GEMM;
/// the time loop runs independent batch slices concurrently, each step adding one `[n, H] · [H, 4H]` GEMM and the
/// fused gate nonlinearities; in backward, the weight gradients of all steps are one GEMM each.
final class LSTMDirection: RecurrentDirection {
    struct Cache {
        let input: Tensor            // [N, T, C]
        let lengths: [Int]?
        let gates: [Float]           // [N, T, 4H] activated i, f, g, o
        let cells: [Float]           // [N, T, H] c_t (frozen on padded steps)
        let cellTanh: [Float]        // [N, T, H] tanh(c_t)
        let hidden: [Float]          // [N, T, H] h_t (frozen on padded steps)
    }

    var cache: Cache?

    convenience init(inputSize: Int, hiddenSize: Int, reverse: Bool) {
        self.init(gates: 4, inputSize: inputSize, hiddenSize: hiddenSize, reverse: reverse)
    }

    /// Runs the direction over `input [N, T, C]`; returns the hidden states `[N, T, H]` (frozen on padded steps).
    override func forward(_ input: Tensor, lengths: [Int]?, training: Bool) -> [Float] {
        let (n, t, c, h) = (input.shape[0], input.shape[1], inputSize, hiddenSize)
        let g4 = 4 * h
        let bias = zip(inputBias.value.storage, hiddenBias.value.storage).map(+)
        var gates = [Float](unsafeUninitializedCapacity: n * t * g4) { buffer, count in
            for row in 0..<(n * t) { (buffer.baseAddress! + row * g4).initialize(from: bias, count: g4) }
            count = n * t * g4
        }
        BLAS.gemm(transposeB: true, m: n * t, n: g4, k: c, a: input.storage, lda: c, b: inputWeight.value.storage,
                  ldb: c, beta: 1, c: &gates, ldc: g4)
        if let members = UnitSplitLoop.members(training: training, batch: n, units: h),
           let hidden = forwardSplittingUnits(gates: gates, batch: n, frames: t, lengths: lengths, members: members) {
            cache = nil
            return hidden
        }
        // Without lengths every step writes every row, so the state buffers need no zero fill; padded steps before
        // an example's first valid step must read as zeros. tanh(c_t) is kept only for backward: inference writes
        // it to one scratch row per example.
        let masked = lengths != nil
        var cells = stateBuffer(count: n * t * h, zeroed: masked)
        var cellTanh = stateBuffer(count: training ? n * t * h : n * h, zeroed: masked)
        var hidden = stateBuffer(count: n * t * h, zeroed: masked)
        let chunks = min(Parallel.workers, n)
        let recurrentKernel = transposedRecurrentWeight()
        gates.withUnsafeMutableBufferPointer { gBuffer in
        cells.withUnsafeMutableBufferPointer { cBuffer in
        cellTanh.withUnsafeMutableBufferPointer { tBuffer in
        hidden.withUnsafeMutableBufferPointer { hBuffer in
        recurrentKernel.withUnsafeBufferPointer { wBuffer in
            nonisolated(unsafe) let (gp, cp, tp, hp, wp) = (gBuffer.baseAddress!, cBuffer.baseAddress!,
                                                            tBuffer.baseAddress!, hBuffer.baseAddress!, wBuffer.baseAddress!)
            Parallel.forEach(chunks) { chunk in
                let batch = Parallel.slice(chunk, of: chunks, total: n)
                for step in 0..<t {
                    let time = reverse ? t - 1 - step : step
                    let previous = reverse ? time + 1 : time - 1
                    if step > 0 {
                        BLAS.smallGemm(m: batch.count, n: g4, k: h,
                                       a: hp + (batch.lowerBound * t + previous) * h, lda: t * h, b: wp, ldb: g4,
                                       beta: 1, c: gp + (batch.lowerBound * t + time) * g4, ldc: t * g4)
                    }
                    for b in batch {
                        let row = b * t + time, prevRow = b * t + previous
                        let hOut = hp + row * h, cOut = cp + row * h
                        if let lengths, time >= lengths[b] {
                            // Padded step: carry the state unchanged (zero before the first valid step).
                            if step > 0 {
                                hOut.update(from: hp + prevRow * h, count: h)
                                cOut.update(from: cp + prevRow * h, count: h)
                            }
                            continue
                        }
                        lstmCellForward(gate: gp + row * g4, cPrev: step > 0 ? UnsafePointer(cp + prevRow * h) : nil,
                                        cell: cOut, cellTanh: tp + (training ? row : b) * h, hidden: hOut, units: h)
                    }
                }
            }
        }}}}}
        cache = training
            ? Cache(input: input, lengths: lengths, gates: gates, cells: cells, cellTanh: cellTanh, hidden: hidden)
            : nil
        return hidden
    }

    /// Inference on a batch smaller than the thread count (one clip at a time), split by hidden units
    /// (`UnitSplitLoop`): each member adds the input projection to its units' recurrent products, applies the gate
    /// nonlinearities and updates its units of `c_t` (kept in its scratch) and `h_t`. `nil` when the pool is busy.
    private func forwardSplittingUnits(gates: [Float], batch n: Int, frames t: Int, lengths: [Int]?,
                                       members: Int) -> [Float]? {
        let h = hiddenSize, g4 = 4 * h, weights = hiddenWeight.value.storage
        let blocks = unitSplitBlocks.value(of: weights, key: members) { unitBlocks(of: weights, gates: 4, units: h, members: members) }
        var hidden = stateBuffer(count: n * t * h, zeroed: lengths != nil)
        let ran = gates.withUnsafeBufferPointer { gBuffer in
            hidden.withUnsafeMutableBufferPointer { hBuffer in
                nonisolated(unsafe) let (gp, hp) = (gBuffer.baseAddress!, hBuffer.baseAddress!)
                // Scratch: c of every example ([N, H], zero before the first step), then one row for tanh(c).
                return UnitSplitLoop.run(batch: n, frames: t, units: h, gates: 4, reverse: reverse, lengths: lengths,
                                         blocks: blocks, scratch: (n + 1) * h, hidden: hp) { units, b, row, _, z, scratch in
                    let (u0, w) = (units.lowerBound, units.count)
                    let projected = gp + row * g4 + u0
                    for gate in 0..<4 {
                        let zGate = z + gate * w, input = projected + gate * h
                        for j in 0..<w { zGate[j] += input[j] }
                    }
                    // c of the example is updated in place (zero before its first step).
                    let c = scratch + b * h + u0
                    lstmCellForward(gate: z, cPrev: UnsafePointer(c), cell: c, cellTanh: scratch + n * h + u0,
                                    hidden: hp + row * h + u0, units: w)
                }
            }
        }
        return ran ? hidden : nil
    }

    /// `W_hhᵀ [H, 4H]`.
    private func transposedRecurrentWeight() -> [Float] {
        let (weights, h) = (hiddenWeight.value.storage, hiddenSize)
        return recurrentKernel.value(of: weights) { transposed(weights, rows: 4 * h, columns: h) }
    }

    /// Backpropagates `hiddenGradient [N, T, H]` (∂L/∂h_t from the layer's outputs) through time; accumulates the
    /// parameter gradients and adds ∂L/∂input into `inputGradient [N, T, C]`.
    override func backward(_ hiddenGradient: [Float], into inputGradient: inout [Float], needsInputGradient: Bool) {
        guard let cache else { preconditionFailure("LSTM.backward called without a training forward") }
        let (n, t, h) = (cache.input.shape[0], cache.input.shape[1], hiddenSize)
        let g4 = 4 * h
        // Every valid row is written below; only padded rows, which are skipped, must be zero.
        var gateGradient = stateBuffer(count: n * t * g4, zeroed: cache.lengths != nil)
        let chunks = min(Parallel.workers, n)
        gateGradient.withUnsafeMutableBufferPointer { dgBuffer in
        cache.gates.withUnsafeBufferPointer { gBuffer in
        cache.cells.withUnsafeBufferPointer { cBuffer in
        cache.cellTanh.withUnsafeBufferPointer { tBuffer in
        hiddenGradient.withUnsafeBufferPointer { hgBuffer in
        hiddenWeight.value.storage.withUnsafeBufferPointer { wBuffer in
            nonisolated(unsafe) let (dgp, gp, cp, tp, hgp, wp) = (dgBuffer.baseAddress!, gBuffer.baseAddress!,
                cBuffer.baseAddress!, tBuffer.baseAddress!, hgBuffer.baseAddress!, wBuffer.baseAddress!)
            Parallel.forEach(chunks) { chunk in
                let batch = Parallel.slice(chunk, of: chunks, total: n)
                let rows = batch.count
                var dhCarry = [Float](repeating: 0, count: rows * h), dcCarry = [Float](repeating: 0, count: rows * h)
                var dh = [Float](repeating: 0, count: rows * h), zeroRow = [Float](repeating: 0, count: h)
                zeroRow.withUnsafeMutableBufferPointer { zeroBuffer in
                let zeros = zeroBuffer.baseAddress!
                dhCarry.withUnsafeMutableBufferPointer { dhcBuffer in
                dcCarry.withUnsafeMutableBufferPointer { dccBuffer in
                dh.withUnsafeMutableBufferPointer { dhBuffer in
                    let (dhc, dcc, dhp) = (dhcBuffer.baseAddress!, dccBuffer.baseAddress!, dhBuffer.baseAddress!)
                    for step in stride(from: t - 1, through: 0, by: -1) {
                        let time = reverse ? t - 1 - step : step
                        let previous = reverse ? time + 1 : time - 1
                        for b in batch {
                            let local = b - batch.lowerBound, row = b * t + time
                            let dhRow = dhp + local * h, carry = dhc + local * h, upstream = hgp + row * h
                            for j in 0..<h { dhRow[j] = upstream[j] + carry[j] }
                            if let lengths = cache.lengths, time >= lengths[b] { continue }
                            let gate = gp + row * g4, dGate = dgp + row * g4
                            let tanhC = tp + row * h, dc = dcc + local * h
                            // c₋₁ is zero before the first step; a zero row keeps the loop branch-free.
                            let cPrev = step == 0 ? UnsafePointer(zeros) : cp + (b * t + previous) * h
                            lstmGateGradients(gate: gate, tanhC: tanhC, cPrev: cPrev, dh: dhRow, dc: dc, dGate: dGate,
                                              units: h)
                        }
                        guard step > 0 else { continue }
                        // ∂L/∂h₋₁ = dGates · W_hh, plus the gradient passed unchanged through padded steps.
                        BLAS.smallGemm(m: rows, n: h, k: g4,
                                       a: dgp + (batch.lowerBound * t + time) * g4, lda: t * g4, b: wp, ldb: h,
                                       beta: 0, c: dhc, ldc: h)
                        if let lengths = cache.lengths {
                            for b in batch where time >= lengths[b] {
                                let local = b - batch.lowerBound
                                for j in 0..<h { dhc[local * h + j] += dhp[local * h + j] }
                            }
                        }
                    }
                }}}}
            }
        }}}}}}
        accumulateWeightGradients(inputSide: gateGradient, hiddenSide: nil, input: cache.input, hidden: cache.hidden,
                                  into: &inputGradient, needsInputGradient: needsInputGradient)
    }
}

/// A buffer of `count` values, zero-filled only when some entries will not be written before they are read.
func stateBuffer(count: Int, zeroed: Bool) -> [Float] {
    zeroed ? [Float](repeating: 0, count: count) : [Float](unsafeUninitializedCapacity: count) { $1 = count }
}

/// For each of `members` contiguous unit ranges of a recurrent weight `W_hh [gates·H, H]`, the `[H, gates·w]` block of
/// `W_hhᵀ` holding the columns of its `w` units for every gate side by side (gate-major), so one product per step
/// gives a member all the gate pre-activations of its units.
func unitBlocks(of weights: [Float], gates: Int, units h: Int, members: Int) -> [[Float]] {
    (0..<members).map { member in
        let units = Parallel.slice(member, of: members, total: h), w = units.count
        var block = [Float](repeating: 0, count: h * gates * w)
        for k in 0..<h {
            for gate in 0..<gates {
                for j in 0..<w { block[k * gates * w + gate * w + j] = weights[(gate * h + units.lowerBound + j) * h + k] }
            }
        }
        return block
    }
}

/// The transpose of a row-major `[rows, columns]` matrix.
func transposed(_ matrix: [Float], rows: Int, columns: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: rows * columns) { buffer, count in
        for r in 0..<rows {
            for c in 0..<columns { buffer[c * rows + r] = matrix[r * columns + c] }
        }
        count = rows * columns
    }
}

/// The previous step's state for every `(n, t)` row (`h_{t−1}`, or `h_{t+1}` in reverse; zero at the first step).
func shiftedStates(_ states: [Float], batch n: Int, frames t: Int, width h: Int, reverse: Bool) -> [Float] {
    var shifted = [Float](repeating: 0, count: n * t * h)
    guard t > 1 else { return shifted }
    states.withUnsafeBufferPointer { source in
        shifted.withUnsafeMutableBufferPointer { target in
            for b in 0..<n {
                // Forward: rows 1..<T take states 0..<T−1; reverse: rows 0..<T−1 take states 1..<T.
                let to = target.baseAddress! + (b * t + (reverse ? 0 : 1)) * h
                to.update(from: source.baseAddress! + (b * t + (reverse ? 1 : 0)) * h, count: (t - 1) * h)
            }
        }
    }
    return shifted
}
