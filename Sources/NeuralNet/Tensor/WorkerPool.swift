import Foundation
import Synchronization

/// Persistent worker threads for `Parallel.forEach` that keep polling for a short while after each fork–join before
/// they sleep, as OpenMP runtimes do.
///
/// Waking a parked thread costs tens of microseconds, which is as long as a whole convolution of a single clip: a
/// forward pass of one example (four fork–joins) ran slower on two threads than on one with Dispatch alone. Workers
/// that are still polling start within a microsecond.
///
/// One fork–join runs at a time: a caller that finds the pool busy (another thread's job, or a nested call) gets
/// `false` and runs its loop another way.
final class WorkerPool: @unchecked Sendable {
    /// The pool behind `Parallel.forEach`.
    static let shared = WorkerPool()

    /// How long an idle worker polls before it sleeps.
    static let pollNanoseconds: UInt64 = 200_000

    /// Held by the caller for the whole fork–join; guards `threads`, `job` and `count`.
    private let callerLock = NSLock()
    /// `generation << 16 | participants`: a new generation publishes a job for the first `participants` workers.
    private let state = Atomic<Int>(0)
    /// The next loop index to hand out.
    private let nextIndex = Atomic<Int>(0)
    /// Participants that have finished with the current generation.
    private let departed = Atomic<Int>(0)
    /// Sleeping workers wait on this; `sleepers` is guarded by its lock.
    private let wakeup = NSCondition()
    private var sleepers = 0
    private var threads = 0
    private var job: ((Int) -> Void)?
    private var count = 0

    private init() {}

    /// Runs `body(0..<count)` on the calling thread and `count − 1` workers and returns when every index is done;
    /// returns `false` without running anything if another fork–join holds the pool.
    func run(_ count: Int, threads wanted: Int? = nil, _ body: @escaping (Int) -> Void) -> Bool {
        precondition(count > 1 && count < 1 << 16, "WorkerPool.run needs 2..<65536 iterations, got \(count)")
        guard callerLock.try() else { return false }
        defer { callerLock.unlock() }
        let participants = min(count, wanted ?? count) - 1
        while threads < participants { spawn(id: threads) }
        job = body
        self.count = count
        nextIndex.store(0, ordering: .relaxed)
        departed.store(0, ordering: .relaxed)
        let generation = (state.load(ordering: .relaxed) >> 16) + 1
        state.store(generation << 16 | participants, ordering: .releasing)
        wakeup.lock()
        if sleepers > 0 { wakeup.broadcast() }
        wakeup.unlock()
        work()
        // Every participant must leave before `job` and `count` may change for the next generation.
        while departed.load(ordering: .acquiring) < participants {}
        job = nil
        return true
    }

    /// Claims and runs indices of the published job until none are left.
    private func work() {
        guard let body = job else { return }
        let total = count
        while true {
            let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < total else { return }
            body(index)
        }
    }

    /// Starts worker `id`; it ignores the generation current at its start (called with `callerLock` held).
    private func spawn(id: Int) {
        let start = state.load(ordering: .relaxed) >> 16
        Thread { [self] in loop(id: id, seen: start) }.start()
        threads += 1
    }

    private func loop(id: Int, seen initial: Int) -> Never {
        var seen = initial
        while true {
            let current = waitForGeneration(after: seen)
            seen = current >> 16
            guard id < current & 0xFFFF else { continue }
            work()
            departed.add(1, ordering: .releasing)
        }
    }

    /// Polls `state` until its generation differs from `seen`, then sleeps on `wakeup` once `pollNanoseconds` pass.
    private func waitForGeneration(after seen: Int) -> Int {
        let deadline = DispatchTime.now().uptimeNanoseconds + Self.pollNanoseconds
        var polls = 0
        while true {
            let current = state.load(ordering: .acquiring)
            if current >> 16 != seen { return current }
            polls += 1
            if polls & 1023 == 0 && DispatchTime.now().uptimeNanoseconds > deadline { break }
        }
        wakeup.lock()
        defer { wakeup.unlock() }
        sleepers += 1
        defer { sleepers -= 1 }
        while true {
            let current = state.load(ordering: .acquiring)
            if current >> 16 != seen { return current }
            wakeup.wait()
        }
    }
}

/// A reusable barrier for the members of one `Parallel.team`, who poll rather than sleep: they meet every few
/// microseconds (once per recurrent time step).
final class SpinBarrier: Sendable {
    private let members: Int
    private let arrived = Atomic<Int>(0)
    private let phase = Atomic<Int>(0)

    init(members: Int) { self.members = members }

    /// Returns once every member has called `wait()` for the current phase; writes before it are visible after it.
    func wait() {
        let current = phase.load(ordering: .acquiring)
        if arrived.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == members {
            arrived.store(0, ordering: .relaxed)
            phase.store(current + 1, ordering: .releasing)
        } else {
            while phase.load(ordering: .acquiring) == current {}
        }
    }
}
