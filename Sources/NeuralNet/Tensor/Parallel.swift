import Foundation

/// Fork–join over a fixed number of workers (`WorkerPool`, else Dispatch `concurrentPerform`), for loops BLAS does not
/// cover.
///
/// The worker count is process-wide, but a thread may override it for what it runs (`withWorkers`), and code running
/// inside a `forEach` body sees one worker: nested loops stay on their thread instead of oversubscribing the cores.
enum Parallel {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var storedWorkers = ProcessInfo.processInfo.activeProcessorCount
    /// Per-thread override of the worker count, stored as `count` in the pointer bits (absent: none).
    private static let overrideKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Number of concurrent workers (≥ 1) for work started on the calling thread.
    static var workers: Int {
        get {
            if let override = pthread_getspecific(overrideKey) { return Int(bitPattern: override) }
            return lock.withLock { storedWorkers }
        }
        set { lock.withLock { storedWorkers = max(1, newValue) } }
    }

    /// Runs `body` with `workers` reading `count` on the calling thread, then restores the previous value.
    static func withWorkers<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        precondition(count > 0, "worker count must be > 0, got \(count)")
        let previous = pthread_getspecific(overrideKey)
        pthread_setspecific(overrideKey, UnsafeRawPointer(bitPattern: count))
        defer { pthread_setspecific(overrideKey, previous) }
        return try body()
    }

    /// Runs `body(0..<count)` on up to `workers` threads and returns when all have finished; inline when one thread
    /// is all there is. Inside `body`, `workers` is `innerWorkers` (1 unless a caller with spare threads says so).
    static func forEach(_ count: Int, innerWorkers: Int = 1, _ body: (Int) -> Void) {
        let threads = min(count, workers)
        if threads <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            nonisolated(unsafe) let task: (Int) -> Void = { index in withWorkers(innerWorkers) { work(index) } }
            if count < 1 << 16 && WorkerPool.shared.run(count, threads: threads, task) { return }
            // The pool is busy with another thread's fork–join: Dispatch's threads take this one.
            DispatchQueue.concurrentPerform(iterations: count) { task($0) }
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

extension Parallel {
    /// Runs `body(member, barrier)` for `member` in `0..<count` on `count` threads at once (the caller and pool
    /// workers), for loops whose members wait for each other at `barrier`; returns `false` without running anything
    /// when the pool is busy, since a loop of waiting members must never share a thread.
    static func team(_ count: Int, _ body: (Int, SpinBarrier) -> Void) -> Bool {
        precondition(count > 1, "a team needs at least 2 members, got \(count)")
        let barrier = SpinBarrier(members: count)
        return withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            return WorkerPool.shared.run(count) { member in withWorkers(1) { work(member, barrier) } }
        }
    }
}
