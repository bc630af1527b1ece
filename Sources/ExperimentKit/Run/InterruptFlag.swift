import Foundation

/// Set by SIGINT/SIGTERM: the loop stops at the next safe point (after the current step, or once the checkpoint
/// being written is complete), marks the run `interrupted`, and a later `exp run` resumes it.
public final class InterruptFlag: @unchecked Sendable {  // `raised` and `handlers` are guarded by `lock`.
    private let lock = NSLock()
    private var raised = false
    private var handlers: [Int: @Sendable () -> Void] = [:]
    private var nextHandler = 0
    private var sources: [DispatchSourceSignal] = []

    /// A flag that is raised only by `raise()`.
    public init() {}

    /// Whether an interruption was requested.
    public var isRaised: Bool {
        lock.lock()
        defer { lock.unlock() }
        return raised
    }

    /// Requests an interruption; the first request calls the handlers.
    public func raise() {
        lock.lock()
        let first = !raised
        raised = true
        let pending = first ? Array(handlers.values) : []
        lock.unlock()
        for handler in pending { handler() }
    }

    /// Calls `handler` once when the flag is raised (at once if it already is), e.g. to pass the request on to a
    /// child process; returns a token for `removeHandler`.
    @discardableResult
    public func whenRaised(_ handler: @escaping @Sendable () -> Void) -> Int {
        lock.lock()
        let token = nextHandler
        nextHandler += 1
        if !raised { handlers[token] = handler }
        let already = raised
        lock.unlock()
        if already { handler() }
        return token
    }

    /// Forgets the handler registered under `token`.
    public func removeHandler(_ token: Int) {
        lock.lock()
        handlers[token] = nil
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
