/// Where each window of a 2-D convolution reads its input: output extents, per-example padding, and the im2col
/// copy and its adjoint (col2im). Columns are ordered tap-major, `(i·kF + j)·C + c`, so each tap copies `C`
/// contiguous channels.
struct Geometry {
    let n: Int, t: Int, f: Int, c: Int
    let kernel: Size2D, stride: Size2D
    let outT: Int, outF: Int
    /// Padding before the first bin (frequency has no lengths, so it is the same for every example).
    let padF: Int
    /// Padding before each example's first frame, by its own length.
    let padT: [Int]
    /// Valid input frames of each example.
    let valid: [Int]
    let lengths: [Int]?
    let padding: Padding

    init(_ cfg: Conv2D.Configuration, inputShape: [Int], lengths: [Int]?) {
        self.init(inputShape: inputShape, kernel: cfg.kernelSize, stride: cfg.stride, padding: cfg.padding, lengths: lengths)
    }

    init(inputShape: [Int], kernel: Size2D, stride: Size2D, padding: Padding, lengths: [Int]?) {
        (n, t, f, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        (self.kernel, self.stride, self.padding, self.lengths) = (kernel, stride, padding, lengths)
        outT = padding.outputFrames(t, span: kernel.time, stride: stride.time)
        (outF, padF) = padding.window(f, span: kernel.frequency, stride: stride.frequency)
        valid = lengths ?? [Int](repeating: inputShape[1], count: inputShape[0])
        padT = valid.map { padding.leftPadding($0, span: kernel.time, stride: stride.time) }
    }

    /// Columns per im2col row.
    var width: Int { kernel.time * kernel.frequency * c }
    /// Output cells per example, `T'·F'`.
    var outputPlane: Int { outT * outF }

    /// Output frames of each example (frames past them are padding), or `nil` without lengths.
    var outputLengths: [Int]? {
        lengths.map { $0.map { min(outT, padding.outputFrames($0, span: kernel.time, stride: stride.time)) } }
    }

    /// Consecutive example ranges whose columns fit in about 16 MB, so one GEMM covers many small maps.
    var chunks: [Range<Int>] {
        let perExample = max(1, outputPlane * width)
        let size = max(1, min(n, (1 << 22) / perExample))
        return Swift.stride(from: 0, to: n, by: size).map { $0..<min(n, $0 + size) }
    }

    /// Calls `body(tap, source)` for every kernel tap of output cell `(ot, of)` of example `b` that reads a real
    /// input cell (not padding, not past the example's length); `source` is that cell's offset in the input.
    @inline(__always)
    func forEachTap(b: Int, ot: Int, of: Int, _ body: (_ tap: Int, _ source: Int) -> Void) {
        for i in 0..<kernel.time {
            let st = ot * stride.time + i - padT[b]
            guard st >= 0, st < valid[b] else { continue }
            for j in 0..<kernel.frequency {
                let sf = of * stride.frequency + j - padF
                guard sf >= 0, sf < f else { continue }
                body(i * kernel.frequency + j, ((b * t + st) * f + sf) * c)
            }
        }
    }

    /// The im2col matrix `[examples.count · T'·F', width]` of `examples`; padding reads as zeros.
    func columns(of input: [Float], examples: Range<Int>) -> [Float] {
        let (width, plane, c) = (self.width, outputPlane, self.c)
        var columns = [Float](repeating: 0, count: examples.count * plane * width)
        input.withUnsafeBufferPointer { xBuffer in
            columns.withUnsafeMutableBufferPointer { colsBuffer in
                nonisolated(unsafe) let (x, cols) = (xBuffer.baseAddress!, colsBuffer.baseAddress!)
                let jobs = examples.count * outT
                let parts = jobs * plane * width >= 1 << 16 ? min(Parallel.workers, jobs) : 1
                Parallel.forEach(parts) { part in
                    for job in Parallel.slice(part, of: parts, total: jobs) {
                        let (local, ot) = job.quotientAndRemainder(dividingBy: outT)
                        let b = examples.lowerBound + local
                        guard ot < min(outT, outputFramesOf(b)) else { continue }
                        for of in 0..<outF {
                            let row = cols + ((local * outT + ot) * outF + of) * width
                            forEachTap(b: b, ot: ot, of: of) { tap, source in (row + tap * c).update(from: x + source, count: c) }
                        }
                    }
                }
            }
        }
        return columns
    }

    /// col2im: adds each column block of `columns` (for `examples`) to the input cell it was copied from.
    func addColumns(_ columns: [Float], examples: Range<Int>, into gradient: inout [Float]) {
        let (width, c) = (self.width, self.c)
        columns.withUnsafeBufferPointer { colsBuffer in
            gradient.withUnsafeMutableBufferPointer { dxBuffer in
                nonisolated(unsafe) let (cols, dx) = (colsBuffer.baseAddress!, dxBuffer.baseAddress!)
                // Examples write disjoint input cells, so they can run on separate threads.
                let parts = columns.count >= 1 << 16 ? min(Parallel.workers, examples.count) : 1
                Parallel.forEach(parts) { part in
                    for local in Parallel.slice(part, of: parts, total: examples.count) {
                        let b = examples.lowerBound + local
                        for ot in 0..<min(outT, outputFramesOf(b)) {
                            for of in 0..<outF {
                                let row = cols + ((local * outT + ot) * outF + of) * width
                                forEachTap(b: b, ot: ot, of: of) { tap, source in
                                    let block = row + tap * c, target = dx + source
                                    for ic in 0..<c { target[ic] += block[ic] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Output frames of example `b` that see its valid input.
    func outputFramesOf(_ b: Int) -> Int {
        lengths == nil ? outT : padding.outputFrames(valid[b], span: kernel.time, stride: stride.time)
    }
}
