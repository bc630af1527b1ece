import Foundation

/// Fork–join over a fixed number of workers (Dispatch `concurrentPerform`), for loops BLAS does not cover.
enum Parallel {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var storedWorkers = ProcessInfo.processInfo.activeProcessorCount

    /// Number of concurrent workers (≥ 1).
    static var workers: Int {
        get { lock.withLock { storedWorkers } }
        set { lock.withLock { storedWorkers = max(1, newValue) } }
    }

    /// Runs `body(0..<count)` concurrently and returns when all have finished; inline when `count ≤ 1`.
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: count) { work($0) }
        }
    }

    /// Runs `body` on contiguous pieces of `0..<total`, one per worker, when `total ≥ minimum`; else on the whole
    /// range inline. For element-wise passes: each element is handled once, so results do not depend on the split.
    static func forEachChunk(_ total: Int, minimum: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
        let parts = total >= minimum ? min(workers, total) : 1
        forEach(parts) { body(slice($0, of: parts, total: total)) }
    }

    /// The half-open slice `part` of `0..<total` split into `parts` near-equal contiguous pieces.
    static func slice(_ part: Int, of parts: Int, total: Int) -> Range<Int> {
        (total * part / parts)..<(total * (part + 1) / parts)
    }
}
