import Foundation

/// Set by SIGINT/SIGTERM: the loop stops at the next safe point (after the current step, or once the checkpoint
/// being written is complete), marks the run `interrupted`, and a later `exp run` resumes it.
public final class InterruptFlag: @unchecked Sendable {  // `raised` is guarded by `lock`.
    private let lock = NSLock()
    private var raised = false
    private var sources: [DispatchSourceSignal] = []

    /// A flag that is raised only by `raise()`.
    public init() {}

    /// Whether an interruption was requested.
    public var isRaised: Bool {
        lock.lock()
        defer { lock.unlock() }
        return raised
    }

    /// Requests an interruption.
    public func raise() {
        lock.lock()
        raised = true
        lock.unlock()
    }

    /// Routes SIGINT and SIGTERM to this flag instead of terminating the process; a second SIGINT exits at once.
    public func installSignalHandlers() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if self.isRaised && signalNumber == SIGINT { _exit(130) }
                self.raise()
                ProgressObserver.standardError("\ninterrupt: stopping after the current step (Ctrl-C again to abort)\n")
            }
            source.resume()
            sources.append(source)
        }
    }
}
