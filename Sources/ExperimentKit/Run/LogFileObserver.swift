import Foundation

/// Keeps `log.txt`: the plain progress lines of every process that worked on the run, rewritten atomically.
public final class LogFileObserver: TrainingObserver {
    private let url: URL
    private var text: String
    private var pending = false
    private let selection: MetricSelection?
    private lazy var formatter = ProgressObserver(style: .plain, write: { [unowned self] line in
        self.text += line
        self.pending = true
    }, selection: selection)

    /// Continues the log at `url` (keeping earlier content, e.g. before a resume), lines showing `selection`'s metrics.
    public init(url: URL, selection: MetricSelection? = nil) {
        self.url = url
        self.selection = selection
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
        // One rewrite per epoch, once its `last` checkpoint is written: the log never runs ahead of what a resume
        // keeps, and the cost stays one small atomic write per epoch.
        switch event {
        case .stepEnded, .epochEnded, .checkpointSaved(.best, _), .checkpointSaved(.average, _): return .proceed
        case .runStarted, .checkpointSaved(.last, _), .runEnded: try? flush()
        }
        return .proceed
    }
}
