import Foundation

/// Keeps `log.txt`: the plain progress lines of every process that worked on the run, rewritten atomically.
public final class LogFileObserver: TrainingObserver {
    private let url: URL
    private var text: String
    private var pending = false
    private lazy var formatter = ProgressObserver(style: .plain, write: { [unowned self] line in
        self.text += line
        self.pending = true
    })

    /// Continues the log at `url` (keeping earlier content, e.g. before a resume).
    public init(url: URL) {
        self.url = url
        self.text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    /// Adds a free-form line (e.g. a warning or the resume notice).
    public func note(_ line: String) {
        text += line + "\n"
        pending = true
    }

    /// Writes pending lines now.
    /// - Throws: `RunError.writeFailed`.
    public func flush() throws {
        guard pending else { return }
        try AtomicFile.write(text, to: url)
        pending = false
    }

    public func handle(_ event: TrainingEvent) -> TrainingDecision {
        _ = formatter.handle(event)
        // Step lines never reach the plain log; flushing per epoch keeps the cost per epoch, not per step.
        if case .stepEnded = event { return .proceed }
        try? flush()
        return .proceed
    }
}
