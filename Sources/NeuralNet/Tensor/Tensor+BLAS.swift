import CBLAS
import Foundation

/// Single-precision BLAS (OpenBLAS) behind arrays and tensors; the only file in NeuralNet that imports CBLAS.
///
/// Every matrix is row-major. An operand is described by its array, the element offset of its first value and its
/// leading dimension (the distance between consecutive rows), so a layer can multiply a strided slice, e.g. the
/// time step `t` of an `[N, T, C]` sequence (`offset = t * C`, `ld = T * C`), without copying.
enum BLAS {
    /// Work (`m·n·k`) below which a product runs on the calling thread: splitting costs more than it saves.
    static let parallelThreshold = 1 << 19

    /// `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`, row-major.
    static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: [Float], aOffset: Int = 0, lda: Int, b: [Float], bOffset: Int = 0, ldb: Int,
        beta: Float = 0, c: inout [Float], cOffset: Int = 0, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        precondition(ldc >= n && cOffset + (m - 1) * ldc + n <= c.count,
                     "gemm C [\(m)×\(n)] ldc \(ldc) offset \(cOffset) exceeds \(c.count) values")
        let (aRows, aCols) = transposeA ? (k, m) : (m, k)
        let (bRows, bCols) = transposeB ? (n, k) : (k, n)
        precondition(k == 0 || (lda >= aCols && aOffset + (aRows - 1) * lda + aCols <= a.count),
                     "gemm A [\(aRows)×\(aCols)] lda \(lda) offset \(aOffset) exceeds \(a.count) values")
        precondition(k == 0 || (ldb >= bCols && bOffset + (bRows - 1) * ldb + bCols <= b.count),
                     "gemm B [\(bRows)×\(bCols)] ldb \(ldb) offset \(bOffset) exceeds \(b.count) values")
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                         a: pa.baseAddress! + aOffset, lda: lda, b: pb.baseAddress! + bOffset, ldb: ldb,
                         beta: beta, c: pc.baseAddress! + cOffset, ldc: ldc)
                }
            }
        }
    }

    /// The pointer form, for kernels that already hold their buffers (never exposed publicly). Large products are
    /// split into row (or column) blocks of C computed concurrently, one single-threaded OpenBLAS call per block;
    /// pass `parallel: false` from inside a parallel region.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, parallel: Bool = true
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            // BLAS semantics: with beta = 0, C is not read (it may be uninitialised).
            for row in 0..<m { for col in 0..<n { c[row * ldc + col] = beta == 0 ? 0 : c[row * ldc + col] * beta } }
            return
        }
        _ = singleThreadedOpenBLAS
        if m == 1 && !transposeA {
            // A single row (batch-1 recurrent steps) is a matrix–vector product: y = op(B)ᵀ·x. Some OpenBLAS
            // versions scale y by beta = 0 as a multiplication, so an uninitialised y is cleared first.
            if beta == 0 { c.update(repeating: 0, count: n) }
            cblas_sgemv(CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans, blasint(transposeB ? n : k),
                        blasint(transposeB ? k : n), alpha, b, blasint(ldb), a, 1, beta, c, 1)
            return
        }
        let splitRows = m >= n
        let blocks = parallel && m * n * k >= parallelThreshold ? min(Parallel.workers, (splitRows ? m : n) / 16) : 1
        if blocks <= 1 {
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
            return
        }
        nonisolated(unsafe) let (pa, pb, pc) = (a, b, c)
        Parallel.forEach(blocks) { block in
            let total = splitRows ? m : n
            let start = total * block / blocks, end = total * (block + 1) / blocks
            if splitRows {
                // Rows of C come from rows of op(A): row r starts at r·lda, or at column r when A is transposed.
                let aStart = pa + (transposeA ? start : start * lda)
                cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            blasint(end - start), blasint(n), blasint(k), alpha, aStart, blasint(lda), pb, blasint(ldb),
                            beta, pc + start * ldc, blasint(ldc))
            } else {
                let bStart = pb + (transposeB ? start * ldb : start)
                cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            blasint(m), blasint(end - start), blasint(k), alpha, pa, blasint(lda), bStart, blasint(ldb),
                            beta, pc + start, blasint(ldc))
            }
        }
    }

    /// `C[m×n] = A[m×k] · B[k×n] + beta · C` for the small per-step products of recurrent layers, computed in
    /// column blocks small enough (`m·n·k ≤ 2¹⁹`) for OpenBLAS's unpacked small-matrix kernels, which measure about
    /// 1.5× faster here than the packed path that would copy the whole recurrent weight matrix at every step.
    static func smallGemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                          beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let blockWidth = max(16, min(n, (524_288 / max(1, m * k)) / 16 * 16))
        var start = 0
        while start < n {
            let width = min(blockWidth, n - start)
            gemm(transposeA: false, transposeB: false, m: m, n: width, k: k, a: a, lda: lda, b: b + start, ldb: ldb,
                 beta: beta, c: c + start, ldc: ldc, parallel: false)
            start += width
        }
    }

    /// OpenBLAS runs single-threaded; NeuralNet splits work itself, so no OpenBLAS worker spins between calls.
    static let singleThreadedOpenBLAS: Void = openblas_set_num_threads(1)

    /// `y[m] = alpha · op(A) · x + beta · y` where `A` is `[rows × cols]`, row-major.
    static func gemv(
        transpose: Bool = false, rows: Int, cols: Int, alpha: Float = 1, a: [Float], aOffset: Int = 0, lda: Int,
        x: [Float], xOffset: Int = 0, beta: Float = 0, y: inout [Float], yOffset: Int = 0
    ) {
        guard rows > 0, cols > 0 else { return }
        let (xCount, yCount) = transpose ? (rows, cols) : (cols, rows)
        precondition(lda >= cols && aOffset + (rows - 1) * lda + cols <= a.count,
                     "gemv A [\(rows)×\(cols)] lda \(lda) offset \(aOffset) exceeds \(a.count) values")
        precondition(xOffset + xCount <= x.count && yOffset + yCount <= y.count,
                     "gemv x needs \(xCount), y needs \(yCount) values")
        a.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, blasint(rows), blasint(cols),
                                alpha, pa.baseAddress! + aOffset, blasint(lda), px.baseAddress! + xOffset, 1,
                                beta, py.baseAddress! + yOffset, 1)
                }
            }
        }
    }

    /// `C = alpha · op(A) · op(B) + beta · C` for rank-2 tensors.
    static func gemm(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                     alpha: Float = 1, beta: Float = 0, into c: inout Tensor) {
        precondition(a.rank == 2 && b.rank == 2 && c.rank == 2, "gemm needs matrices, got \(a.shape) \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == kb && c.shape == [m, n],
                     "gemm shapes \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "") → \(c.shape)")
        gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
             a: a.storage, lda: a.shape[1], b: b.storage, ldb: b.shape[1], beta: beta, c: &c.storage, ldc: n)
    }
}

extension Tensor {
    /// The matrix product `op(self) · op(other)` of two rank-2 tensors, computed by BLAS `sgemm`.
    ///
    /// `[M, K] · [K, N] → [M, N]`; `transposeSelf`/`transposeOther` read an operand as its transpose.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank == 2 && other.rank == 2, "matmul needs matrices, got \(shape) and \(other.shape)")
        let m = transposeSelf ? shape[1] : shape[0]
        let n = transposeOther ? other.shape[0] : other.shape[1]
        var result = Tensor(shape: [m, n])
        BLAS.gemm(self, other, transposeA: transposeSelf, transposeB: transposeOther, into: &result)
        return result
    }
}

extension BLAS {
    /// Whether this CPU and operating system run the AVX-512 kernels of the C shim (`vector_math.h`).
    static let avx512Kernels = BLASHostProbe.instructionSets().contains(.avx512f)

    /// `exp_lstm_cell_avx512`: one LSTM step of one example over `units` units (see `lstmCellForward`); call only
    /// when `avx512Kernels`.
    static func lstmCellAVX512(gate: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>?, cell: UnsafeMutablePointer<Float>,
                               cellTanh: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, units: Int) {
        exp_lstm_cell_avx512(gate, cPrev, cell, cellTanh, hidden, units)
    }
}

/// Process-wide settings of the compute engine and the BLAS library (OpenBLAS) that benchmarks report and control.
public enum BLASRuntime {
    /// Threads NeuralNet uses for large matrix products and recurrent batches (default: active processors).
    ///
    /// OpenBLAS itself always runs single-threaded. A batch of at least `2 · Sequential.shardSize` examples is split
    /// into shards shared out among the threads, each run through the model by its own replica of the layers (data
    /// parallelism, gradients summed in shard order); smaller batches split large products into blocks and LSTM/GRU
    /// time loops into batch slices or hidden units instead. Training on up to `⌊N / shardSize⌋` threads gives the
    /// same bits as on one; other splits change only the rounding of some sums.
    public static var threadCount: Int {
        get { Parallel.workers }
        set {
            precondition(newValue > 0, "thread count must be > 0, got \(newValue)")
            Parallel.workers = newValue
        }
    }

    /// Runs `body` with NeuralNet using `count` threads for the work the calling thread starts (the process-wide
    /// `threadCount` is left alone, so concurrent callers can each pick their own).
    public static func withThreadCount<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        precondition(count > 0, "thread count must be > 0, got \(count)")
        return try Parallel.withWorkers(count, body)
    }

    /// The compute kernel OpenBLAS runs on (`openblas_get_corename`), e.g. `Haswell` or `SkylakeX`.
    public static var kernelName: String { BLASHostProbe.loadedKernel() }

    /// Who chose `kernelName`: OpenBLAS's detection, exp (`BLASKernelStartup`) or the user's `OPENBLAS_CORETYPE`.
    public static var kernelChooser: KernelChooser { BLASKernelStartup.current.chooser }

    /// The vector-width class of an OpenBLAS kernel name (1 SSE … 4 AVX-512), nil for names exp does not rank.
    public static func kernelRank(_ name: String) -> Int? { BLASKernelRule.rank(ofKernel: name) }

    /// Threads OpenBLAS itself may start (1: NeuralNet splits work across `threadCount` threads itself).
    public static var libraryThreadCount: Int { BLASHostProbe.libraryThreads() }
}

/// What CPUID and the loaded OpenBLAS say about this host; read once, without any BLAS work.
struct BLASHostProbe {
    /// Instruction sets the CPU has and the operating system enables.
    static func instructionSets() -> InstructionSets {
        let leaf1 = exp_cpuid(1, 0), leaf7 = exp_cpuid(7, 0), leaf7s1 = exp_cpuid(7, 1)
        guard leaf1.valid != 0 else { return [] }
        let xcr0 = exp_xcr0()
        let osAVX = xcr0 & 0b110 == 0b110, osAVX512 = osAVX && xcr0 & 0b1110_0000 == 0b1110_0000
        func bit(_ register: UInt32, _ index: UInt32) -> Bool { register & (1 << index) != 0 }
        var sets: InstructionSets = []
        if bit(leaf1.ecx, 0) { sets.insert(.sse3) }
        if bit(leaf1.ecx, 9) { sets.insert(.ssse3) }
        if bit(leaf1.ecx, 19) { sets.insert(.sse41) }
        if bit(leaf1.ecx, 20) { sets.insert(.sse42) }
        if osAVX && bit(leaf1.ecx, 28) { sets.insert(.avx) }
        if osAVX && bit(leaf1.ecx, 12) { sets.insert(.fma) }
        if leaf7.valid != 0 {
            if osAVX && bit(leaf7.ebx, 5) { sets.insert(.avx2) }
            let avx512: [(UInt32, InstructionSets)] = [(16, .avx512f), (17, .avx512dq), (28, .avx512cd),
                                                       (30, .avx512bw), (31, .avx512vl)]
            for (index, set) in avx512 where osAVX512 && bit(leaf7.ebx, index) { sets.insert(set) }
            if osAVX512 && leaf7.eax >= 1 && leaf7s1.valid != 0 && bit(leaf7s1.eax, 5) { sets.insert(.avx512bf16) }
        }
        return sets
    }

    /// The CPU's brand string with family, model and stepping, e.g. `Intel(R) Xeon(R) Processor (family 6 model
    /// 207 stepping 2)`; the numbers tell apart CPUs that share a generic brand string.
    static func cpuModel() -> String {
        var brand = ""
        if exp_cpuid(0x8000_0000, 0).eax >= 0x8000_0004 {
            var bytes: [UInt8] = []
            for leaf in UInt32(0x8000_0002)...0x8000_0004 {
                let r = exp_cpuid(leaf, 0)
                for word in [r.eax, r.ebx, r.ecx, r.edx] {
                    for shift: UInt32 in [0, 8, 16, 24] { bytes.append(UInt8((word >> shift) & 0xff)) }
                }
            }
            brand = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        let leaf1 = exp_cpuid(1, 0)
        guard leaf1.valid != 0 else { return brand.isEmpty ? "unknown CPU" : brand }
        let baseFamily = (leaf1.eax >> 8) & 0xf, baseModel = (leaf1.eax >> 4) & 0xf
        let family = baseFamily == 0xf ? baseFamily + ((leaf1.eax >> 20) & 0xff) : baseFamily
        let model = baseFamily == 0x6 || baseFamily == 0xf ? baseModel + ((leaf1.eax >> 12) & 0xf0) : baseModel
        return "\(brand.isEmpty ? "x86 CPU" : brand) (family \(family) model \(model) stepping \(leaf1.eax & 0xf))"
    }

    /// The kernel OpenBLAS runs on (`openblas_get_corename`), e.g. `Haswell` or `SkylakeX`.
    static func loadedKernel() -> String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The build line of the loaded OpenBLAS (`openblas_get_config`), e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH ...`.
    static func libraryConfig() -> String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text).trimmingCharacters(in: .whitespaces)
    }

    /// The OpenBLAS file this process mapped (from `/proc/self/maps`), symlinks resolved; "unknown" elsewhere.
    static func libraryPath() -> String {
        // /proc files report size 0, so read to the end rather than by size.
        guard let file = FileHandle(forReadingAtPath: "/proc/self/maps"),
              let data = try? file.readToEnd() else { return "unknown" }
        let maps = String(decoding: data, as: UTF8.self)
        for line in maps.split(separator: "\n") {
            // Only the path column of a line contains slashes.
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            if path.split(separator: "/").last?.hasPrefix("libopenblas") == true {
                return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            }
        }
        return "unknown"
    }

    /// Kernels the loaded OpenBLAS carries (a `DYNAMIC_ARCH` build exports one `gotoblas_<NAME>` table for each).
    static func availableKernels(among names: [String]) -> Set<String> {
        let handle = dlopen(nil, RTLD_NOW)
        return Set(names.filter { dlsym(handle, "gotoblas_" + $0.uppercased()) != nil })
    }

    /// Threads OpenBLAS itself may use (NeuralNet keeps it at 1 and splits work itself).
    static func libraryThreads() -> Int {
        _ = BLAS.singleThreadedOpenBLAS
        return Int(openblas_get_num_threads())
    }
}
