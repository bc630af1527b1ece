import Foundation
import Testing
@testable import ExperimentKit

/// The handlers through which `exp run -j N` passes an interruption on to its workers.
@Suite struct InterruptFlagTests {
    final class Calls: @unchecked Sendable {  // `names` is guarded by `lock`.
        private let lock = NSLock()
        private var names: [String] = []
        func add(_ name: String) { lock.withLock { names.append(name) } }
        var all: [String] { lock.withLock { names.sorted() } }
    }

    @Test func handlersRunOnceOnTheFirstRaiseAndRemovedOnesNever() {
        let flag = InterruptFlag(), calls = Calls()
        flag.whenRaised { calls.add("a") }
        let removed = flag.whenRaised { calls.add("removed") }
        flag.whenRaised { calls.add("b") }
        flag.removeHandler(removed)
        #expect(calls.all.isEmpty)
        flag.raise()
        flag.raise()
        #expect(calls.all == ["a", "b"])
        // Registered after the raise: called at once, as a worker started just then must stop too.
        flag.whenRaised { calls.add("late") }
        #expect(calls.all == ["a", "b", "late"])
    }
}
