import Synchronization

/// The time loop of a recurrent layer at inference on fewer examples than threads (one clip at a time), split by hidden
/// units instead of examples: member `m` of a `Parallel.team` owns units `Parallel.slice(m, of: members, total: H)`,
/// multiplies `h_{t−1}` by its block of `W_hhᵀ` (`unitBlocks`) each step, updates its units of `h_t`, and the members
/// meet once per step. LSTM and GRU supply only the gate arithmetic of one example and step.
enum UnitSplitLoop {
    /// How many time loops have run split by hidden units, process-wide (tests read it to see the path taken).
    static let runs = Atomic<Int>(0)

    /// The number of members for an inference pass over `batch` examples of a layer with `units` hidden units, or
    /// `nil` when splitting units does not pay: in training (backward wants the batch path's caches), when there are
    /// enough examples for every thread, or when a member would get fewer than 16 units.
    static func members(training: Bool, batch: Int, units: Int) -> Int? {
        let threads = Parallel.workers
        guard !training, batch < threads, units >= 32 else { return nil }
        return min(threads, units / 16)
    }

    /// Runs the loop over `batch × frames` steps and writes every state row into `hidden [N, T, H]`.
    ///
    /// `step(units, b, row, previousRow, recurrent, scratch)` handles one valid step of example `b`: `recurrent` holds
    /// the member's `gates · w` recurrent pre-activations `h_{t−1} · W_hhᵀ` (gate-major, zero at the first step,
    /// which has `previousRow == nil`), `scratch` the member's own `scratch` floats (zeroed once, kept across steps),
    /// and it must write units `units` of row `row` of `hidden`. Padded steps carry the previous state (zero before
    /// the first valid one). Returns `false`, running nothing, when the worker pool is busy.
    static func run(batch n: Int, frames t: Int, units h: Int, gates: Int, reverse: Bool, lengths: [Int]?,
                    blocks: [[Float]], scratch: Int, hidden: UnsafeMutablePointer<Float>,
                    step: (Range<Int>, Int, Int, Int?, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Bool {
        let members = blocks.count
        nonisolated(unsafe) let hp = hidden
        let ran = withoutActuallyEscaping(step) { step in
            nonisolated(unsafe) let body = step
            return Parallel.team(members) { member, barrier in
                let units = Parallel.slice(member, of: members, total: h)
                let width = gates * units.count
                var recurrent = [Float](repeating: 0, count: n * width), own = [Float](repeating: 0, count: max(1, scratch))
                blocks[member].withUnsafeBufferPointer { block in
                recurrent.withUnsafeMutableBufferPointer { recurrentBuffer in
                own.withUnsafeMutableBufferPointer { ownBuffer in
                    let (kp, rp, sp) = (block.baseAddress!, recurrentBuffer.baseAddress!, ownBuffer.baseAddress!)
                    for index in 0..<t {
                        let time = reverse ? t - 1 - index : index
                        let previous = reverse ? time + 1 : time - 1
                        if index > 0 {
                            BLAS.gemm(transposeA: false, transposeB: false, m: n, n: width, k: h,
                                      a: hp + previous * h, lda: t * h, b: kp, ldb: width,
                                      beta: 0, c: rp, ldc: width, parallel: false)
                        }
                        for b in 0..<n {
                            let row = b * t + time, previousRow = index > 0 ? b * t + previous : nil
                            if let lengths, time >= lengths[b] {
                                if let previousRow {
                                    (hp + row * h + units.lowerBound).update(from: hp + previousRow * h + units.lowerBound,
                                                                             count: units.count)
                                }
                                continue
                            }
                            body(units, b, row, previousRow, rp + b * width, sp)
                        }
                        // h_t must be whole before any member reads it as h_{t−1}.
                        barrier.wait()
                    }
                }}}
            }
        }
        if ran { runs.add(1, ordering: .relaxed) }
        return ran
    }
}
