/// One direction of a GRU layer: its four PyTorch parameters, the time loop and backpropagation through time.
///
/// Same buffer layout as `LSTMDirection`; the recurrent projection `h_{t−1}·W_hhᵀ + b_hh` of every step is kept,
/// because PyTorch's n-gate multiplies its hidden part by r.
final class GRUDirection: RecurrentDirection {
    struct Cache {
        let input: Tensor            // [N, T, C]
        let lengths: [Int]?
        let gates: [Float]           // [N, T, 3H] activated r, z, n
        let recurrent: [Float]       // [N, T, 3H] h_{t−1}·W_hhᵀ + b_hh
        let hidden: [Float]          // [N, T, H]
    }

    var cache: Cache?

    convenience init(inputSize: Int, hiddenSize: Int, reverse: Bool) {
        self.init(gates: 3, inputSize: inputSize, hiddenSize: hiddenSize, reverse: reverse)
    }

    /// Runs the direction over `input [N, T, C]`; returns the hidden states `[N, T, H]` (frozen on padded steps).
    override func forward(_ input: Tensor, lengths: [Int]?, training: Bool) -> [Float] {
        let (n, t, c, h) = (input.shape[0], input.shape[1], inputSize, hiddenSize)
        let g3 = 3 * h
        let (inputBiasValues, hiddenBiasValues) = (inputBias.value.storage, hiddenBias.value.storage)
        var gates = [Float](unsafeUninitializedCapacity: n * t * g3) { buffer, count in
            for row in 0..<(n * t) { (buffer.baseAddress! + row * g3).initialize(from: inputBiasValues, count: g3) }
            count = n * t * g3
        }
        var recurrent = [Float](unsafeUninitializedCapacity: n * t * g3) { buffer, count in
            for row in 0..<(n * t) { (buffer.baseAddress! + row * g3).initialize(from: hiddenBiasValues, count: g3) }
            count = n * t * g3
        }
        BLAS.gemm(transposeB: true, m: n * t, n: g3, k: c, a: input.storage, lda: c, b: inputWeight.value.storage,
                  ldb: c, beta: 1, c: &gates, ldc: g3)
        if let members = UnitSplitLoop.members(training: training, batch: n, units: h),
           let hidden = forwardSplittingUnits(gates: gates, batch: n, frames: t, lengths: lengths, members: members) {
            cache = nil
            return hidden
        }
        var hidden = [Float](repeating: 0, count: n * t * h)
        let weights = hiddenWeight.value.storage
        let kernel = recurrentKernel.value(of: weights) { transposed(weights, rows: g3, columns: h) }   // W_hhᵀ [H, 3H]
        let chunks = min(Parallel.workers, n)
        gates.withUnsafeMutableBufferPointer { gBuffer in
        recurrent.withUnsafeMutableBufferPointer { rBuffer in
        hidden.withUnsafeMutableBufferPointer { hBuffer in
        kernel.withUnsafeBufferPointer { wBuffer in
            nonisolated(unsafe) let (gp, rp, hp, wp) = (gBuffer.baseAddress!, rBuffer.baseAddress!, hBuffer.baseAddress!,
                                                        wBuffer.baseAddress!)
            Parallel.forEach(chunks) { chunk in
                let batch = Parallel.slice(chunk, of: chunks, total: n)
                for step in 0..<t {
                    let time = reverse ? t - 1 - step : step
                    let previous = reverse ? time + 1 : time - 1
                    if step > 0 {
                        BLAS.smallGemm(m: batch.count, n: g3, k: h, a: hp + (batch.lowerBound * t + previous) * h,
                                       lda: t * h, b: wp, ldb: g3, beta: 1,
                                       c: rp + (batch.lowerBound * t + time) * g3, ldc: t * g3)
                    }
                    for b in batch {
                        let row = b * t + time
                        let hOut = hp + row * h
                        let hPrev: UnsafePointer<Float>? = step == 0 ? nil : UnsafePointer(hp + (b * t + previous) * h)
                        if let lengths, time >= lengths[b] {
                            if let hPrev { hOut.update(from: hPrev, count: h) }
                            continue
                        }
                        let gate = gp + row * g3, rec = rp + row * g3
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
        }}}}
        cache = training ? Cache(input: input, lengths: lengths, gates: gates, recurrent: recurrent, hidden: hidden) : nil
        return hidden
    }

    /// Inference on a batch smaller than the thread count (one clip at a time), split by hidden units
    /// (`UnitSplitLoop`): each member completes its units' r, z and n gates from their recurrent products and updates
    /// its units of `h_t`. `nil` when the worker pool is busy.
    private func forwardSplittingUnits(gates: [Float], batch n: Int, frames t: Int, lengths: [Int]?,
                                       members: Int) -> [Float]? {
        let h = hiddenSize, g3 = 3 * h, weights = hiddenWeight.value.storage
        let blocks = unitSplitBlocks.value(of: weights, key: members) { unitBlocks(of: weights, gates: 3, units: h, members: members) }
        let hiddenBiasValues = hiddenBias.value.storage
        var hidden = [Float](repeating: 0, count: n * t * h)
        let ran = gates.withUnsafeBufferPointer { gBuffer in
            hidden.withUnsafeMutableBufferPointer { hBuffer in
                nonisolated(unsafe) let (gp, hp) = (gBuffer.baseAddress!, hBuffer.baseAddress!)
                // Scratch: r and z of the member's units, then the candidate n.
                return UnitSplitLoop.run(batch: n, frames: t, units: h, gates: 3, reverse: reverse, lengths: lengths,
                                         blocks: blocks, scratch: 3 * h, hidden: hp) { units, _, row, previousRow, rec, scratch in
                    let (u0, w) = (units.lowerBound, units.count)
                    let gate = gp + row * g3 + u0, rz = scratch, candidate = scratch + 2 * w
                    for part in 0..<3 { for j in 0..<w { rec[part * w + j] += hiddenBiasValues[part * h + u0 + j] } }
                    for j in 0..<w {
                        rz[j] = gate[j] + rec[j]
                        rz[w + j] = gate[h + j] + rec[w + j]
                    }
                    sigmoidInPlace(rz, count: 2 * w)
                    for j in 0..<w { candidate[j] = gate[2 * h + j] + rz[j] * rec[2 * w + j] }
                    tanhInPlace(candidate, count: w)
                    let hOut = hp + row * h + u0
                    if let previousRow {
                        let hPrevious = hp + previousRow * h + u0
                        for j in 0..<w { hOut[j] = (1 - rz[w + j]) * candidate[j] + rz[w + j] * hPrevious[j] }
                    } else {
                        for j in 0..<w { hOut[j] = (1 - rz[w + j]) * candidate[j] }
                    }
                }
            }
        }
        return ran ? hidden : nil
    }

    /// Backpropagates `hiddenGradient [N, T, H]` through time; accumulates the parameter gradients and adds
    /// ∂L/∂input into `inputGradient [N, T, C]`.
    override func backward(_ hiddenGradient: [Float], into inputGradient: inout [Float], needsInputGradient: Bool) {
        guard let cache else { preconditionFailure("GRU.backward called without a training forward") }
        let (n, t, h) = (cache.input.shape[0], cache.input.shape[1], hiddenSize)
        let g3 = 3 * h
        var inputSide = [Float](repeating: 0, count: n * t * g3), hiddenSide = [Float](repeating: 0, count: n * t * g3)
        let chunks = min(Parallel.workers, n)
        inputSide.withUnsafeMutableBufferPointer { iBuffer in
        hiddenSide.withUnsafeMutableBufferPointer { hsBuffer in
        cache.gates.withUnsafeBufferPointer { gBuffer in
        cache.recurrent.withUnsafeBufferPointer { rBuffer in
        cache.hidden.withUnsafeBufferPointer { hBuffer in
        hiddenGradient.withUnsafeBufferPointer { hgBuffer in
        hiddenWeight.value.storage.withUnsafeBufferPointer { wBuffer in
            nonisolated(unsafe) let (dip, dhp, gp, rp, hp, hgp, wp) = (iBuffer.baseAddress!, hsBuffer.baseAddress!,
                gBuffer.baseAddress!, rBuffer.baseAddress!, hBuffer.baseAddress!, hgBuffer.baseAddress!, wBuffer.baseAddress!)
            Parallel.forEach(chunks) { chunk in
                let batch = Parallel.slice(chunk, of: chunks, total: n)
                var carry = [Float](repeating: 0, count: batch.count * h)
                var direct = [Float](repeating: 0, count: batch.count * h)
                carry.withUnsafeMutableBufferPointer { carryBuffer in
                direct.withUnsafeMutableBufferPointer { directBuffer in
                    let (carryp, directp) = (carryBuffer.baseAddress!, directBuffer.baseAddress!)
                    for step in stride(from: t - 1, through: 0, by: -1) {
                        let time = reverse ? t - 1 - step : step
                        let previous = reverse ? time + 1 : time - 1
                        for b in batch {
                            let local = (b - batch.lowerBound) * h, row = b * t + time
                            let masked = cache.lengths.map { time >= $0[b] } ?? false
                            for j in 0..<h {
                                let dh = hgp[row * h + j] + carryp[local + j]
                                if masked { directp[local + j] = dh; continue }
                                let (r, z, nGate) = (gp[row * g3 + j], gp[row * g3 + h + j], gp[row * g3 + 2 * h + j])
                                let hPrev = step == 0 ? 0 : hp[(b * t + previous) * h + j]
                                // h = (1 − z)·n + z·h₋₁ ; n = tanh(a_n + r·(W_hn h₋₁ + b_hn))
                                let dnPre = dh * (1 - z) * (1 - nGate * nGate)
                                let dzPre = dh * (hPrev - nGate) * z * (1 - z)
                                let drPre = dnPre * rp[row * g3 + 2 * h + j] * r * (1 - r)
                                dip[row * g3 + j] = drPre
                                dip[row * g3 + h + j] = dzPre
                                dip[row * g3 + 2 * h + j] = dnPre
                                dhp[row * g3 + j] = drPre
                                dhp[row * g3 + h + j] = dzPre
                                dhp[row * g3 + 2 * h + j] = dnPre * r
                                directp[local + j] = dh * z
                            }
                        }
                        guard step > 0 else { continue }
                        // ∂L/∂h₋₁ = z·dh + dGates_h · W_hh (padded steps pass dh unchanged).
                        BLAS.smallGemm(m: batch.count, n: h, k: g3, a: dhp + (batch.lowerBound * t + time) * g3,
                                       lda: t * g3, b: wp, ldb: h, beta: 0, c: carryp, ldc: h)
                        for i in 0..<(batch.count * h) { carryp[i] += directp[i] }
                    }
                }}
            }
        }}}}}}}
        accumulateWeightGradients(inputSide: inputSide, hiddenSide: hiddenSide, input: cache.input, hidden: cache.hidden,
                                  into: &inputGradient, needsInputGradient: needsInputGradient)
    }
}
