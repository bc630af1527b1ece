import Foundation

/// A testing hook for the fault-injection tests (`make test-faults`), off unless `EXP_FAULT_POINT` is set.
///
/// `EXP_FAULT_POINT=<point>:<n>` makes the n-th arrival of this process at `<point>` fail there, so a test can kill a
/// run inside a checkpoint write as reliably as inside an epoch. The kill points end the process with `SIGKILL`, exactly
/// what `kill -9` from outside does; nothing is cleaned up and no handler runs. Unset, each point costs one comparison.
public enum FaultInjection {
    /// The named places a fault can be injected.
    public enum Point: String, Sendable, CaseIterable {
        /// After a training step's optimiser update (kill).
        case step
        /// Halfway through writing the temporary file of any atomic write (kill).
        case write
        /// As `write`, counting only checkpoint files (`*.safetensors`) (kill).
        case writeCheckpoint = "write-checkpoint"
        /// As `write`, counting every other artifact (kill).
        case writeArtifact = "write-artifact"
        /// Before a training step's optimiser update: the first gradient value becomes NaN, so the weights and the
        /// following losses become NaN the way a real numerical blow-up makes them (no kill).
        case nanGradient = "nan-gradient"
    }

    /// The environment variable read once per process.
    public static let variable = "EXP_FAULT_POINT"

    private static let configured: (point: Point, arrival: Int)? = {
        guard let text = ProcessInfo.processInfo.environment[variable], let colon = text.lastIndex(of: ":"),
              let point = Point(rawValue: String(text[..<colon])), let arrival = Int(text[text.index(after: colon)...]),
              arrival > 0
        else { return nil }
        return (point, arrival)
    }()

    private static let arrivals = ArrivalCounter()

    /// Counts an arrival at `point`; true exactly at the configured arrival.
    public static func arrive(_ point: Point) -> Bool {
        guard let configured, configured.point == point else { return false }
        return arrivals.next() == configured.arrival
    }

    /// Ends the process with `SIGKILL` if this is the configured arrival at `point`.
    public static func killIfArrived(_ point: Point) {
        if arrive(point) { kill(getpid(), SIGKILL) }
    }
}

/// The number of arrivals at the configured point, shared by every thread.
private final class ArrivalCounter: @unchecked Sendable {  // `count` is guarded by `lock`.
    private let lock = NSLock()
    private var count = 0

    func next() -> Int {
        lock.withLock {
            count += 1
            return count
        }
    }
}
