import Foundation

/// How training progress is shown (`exp run --quiet`, `--log-format json`).
public enum ProgressStyle: String, Sendable, CaseIterable {
    /// One line rewritten in place (`\r`), for an interactive terminal.
    case terminal
    /// One plain line per epoch and per run event, for logs and pipes.
    case plain
    /// One JSON object per line per event, for machines.
    case json
    /// Only the end of each run.
    case quiet

    /// `terminal` when `descriptor` is a TTY, `plain` otherwise.
    public static func automatic(for descriptor: Int32 = STDERR_FILENO) -> ProgressStyle {
        isatty(descriptor) != 0 ? .terminal : .plain
    }
}

/// Reports training progress as text: epoch, step, loss, accuracy, validation metrics and ETA.
public final class ProgressObserver: TrainingObserver {
    private let style: ProgressStyle
    private let write: (String) -> Void
    private let clock: () -> Double
    private let selection: MetricSelection?
    private var info: RunInfo?
    private var startTime = 0.0
    private var stepsDone = 0
    private var lastDraw = -Double.infinity
    private var lineOpen = false

    /// Creates an observer that sends text to `write` (default: standard error) using `clock` (seconds) for the ETA;
    /// with a `selection`, epoch and test lines show the spec's `metrics` instead of the fixed set.
    public init(style: ProgressStyle, write: @escaping (String) -> Void = ProgressObserver.standardError,
                clock: @escaping () -> Double = ProgressObserver.monotonicSeconds, selection: MetricSelection? = nil) {
        self.style = style
        self.selection = selection
        self.write = write
        self.clock = clock
    }

    public func handle(_ event: TrainingEvent) -> TrainingDecision {
        switch style {
        case .json: write(Self.jsonLine(event) + "\n")
        case .quiet: if case let .runEnded(summary) = event { write(endLine(summary) + "\n") }
        case .plain, .terminal: handleText(event)
        }
        return .proceed
    }

    private func handleText(_ event: TrainingEvent) {
        switch event {
        case let .runStarted(info):
            self.info = info
            startTime = clock()
            stepsDone = 0
            let resumed = info.firstEpoch > 1 ? ", resuming at epoch \(info.firstEpoch)" : ""
            emitLine("\(info.name)/\(info.id): \(info.epochs) epochs × \(info.stepsPerEpoch) steps\(resumed)")
        case let .stepEnded(step):
            stepsDone += 1
            // Redraw at most 10 times a second: the progress line must stay a negligible cost per step.
            guard style == .terminal, clock() - lastDraw >= 0.1 || step.step == step.stepsPerEpoch else { return }
            lastDraw = clock()
            write("\r\u{1B}[2K" + stepText(step))
            lineOpen = true
        case let .epochEnded(metrics):
            emitLine((selection?.epochLine(metrics, epochs: info?.epochs) ?? Self.epochLine(metrics, epochs: info?.epochs))
                     + etaText(epoch: metrics.epoch))
        case let .checkpointSaved(kind, epoch):
            if kind == .best { emitLine("  best checkpoint: epoch \(epoch)") }
        case let .runEnded(summary):
            emitLine(endLine(summary))
        }
    }

    private func emitLine(_ text: String) {
        write((lineOpen ? "\r\u{1B}[2K" : "") + text + "\n")
        lineOpen = false
    }

    private func stepText(_ step: StepProgress) -> String {
        let epochs = info.map { "/\($0.epochs)" } ?? ""
        return "epoch \(step.epoch)\(epochs) step \(step.step)/\(step.stepsPerEpoch) "
            + "loss \(Self.format(step.loss)) acc \(Self.format(step.accuracy))" + etaText(epoch: nil)
    }

    /// Remaining time from the average step time since this process started training.
    private func etaText(epoch: Int?) -> String {
        guard let info, stepsDone > 0 else { return "" }
        let elapsed = clock() - startTime
        let totalSteps = (info.epochs - info.firstEpoch + 1) * info.stepsPerEpoch
        let remaining = Double(max(0, totalSteps - stepsDone)) * elapsed / Double(stepsDone)
        return " ETA " + Self.duration(remaining)
    }

    /// `epoch 3/60 loss 1.2345 acc 0.4500 uar 0.4100 | val loss … uar … f1 … (12.3s)`.
    public static func epochLine(_ metrics: EpochMetrics, epochs: Int?) -> String {
        var text = "epoch \(metrics.epoch)" + (epochs.map { "/\($0)" } ?? "")
            + " loss \(format(metrics.train.loss)) acc \(format(metrics.train.accuracy))"
            + " uar \(format(metrics.train.uar))"
        if let validation = metrics.validation {
            text += " | val loss \(format(validation.loss)) acc \(format(validation.accuracy))"
                + " uar \(format(validation.uar)) f1 \(format(validation.macroF1))"
        }
        return text + " lr \(String(format: "%.3g", metrics.learningRate)) (\(duration(metrics.seconds)))"
    }

    private func endLine(_ summary: RunSummary) -> String {
        guard let selection else { return Self.endLine(summary, info: info) }
        return Self.endLine(summary, info: info, testText: { "test " + selection.describe($0) })
    }

    /// `name/id: completed after 12 epochs (best 9): test acc … uar … f1 …`.
    public static func endLine(
        _ summary: RunSummary, info: RunInfo?,
        testText: ((ClassificationMetrics) -> String)? = nil
    ) -> String {
        let who = info.map { "\($0.name)/\($0.id): " } ?? ""
        var text = "\(who)\(summary.status.rawValue) after \(summary.epochsCompleted) epochs"
        if let best = summary.bestEpoch { text += " (best \(best))" }
        if let test = summary.test {
            text += ": " + (testText?(test)
                ?? "test acc \(format(test.accuracy)) uar \(format(test.uar)) f1 \(format(test.macroF1))")
        }
        if let error = summary.error { text += ": \(error)" }
        return text
    }

    /// One event as a single-line JSON object with an `event` field.
    public static func jsonLine(_ event: TrainingEvent) -> String {
        var object: [String: JSONValue]
        switch event {
        case let .runStarted(info):
            object = ["event": .string("run_started"), "name": .string(info.name), "id": .string(info.id),
                      "epochs": .int(info.epochs), "steps_per_epoch": .int(info.stepsPerEpoch),
                      "first_epoch": .int(info.firstEpoch)]
        case let .stepEnded(step):
            object = ["event": .string("step_ended"), "epoch": .int(step.epoch), "step": .int(step.step),
                      "steps_per_epoch": .int(step.stepsPerEpoch), "loss": .double(step.loss),
                      "accuracy": .double(step.accuracy)]
        case let .epochEnded(metrics):
            object = ["event": .string("epoch_ended"), "metrics": encoded(metrics)]
        case let .checkpointSaved(kind, epoch):
            object = ["event": .string("checkpoint_saved"), "kind": .string(kind.rawValue), "epoch": .int(epoch)]
        case let .runEnded(summary):
            object = ["event": .string("run_ended"), "status": .string(summary.status.rawValue),
                      "epochs_completed": .int(summary.epochsCompleted)]
            if let best = summary.bestEpoch { object["best_epoch"] = .int(best) }
            if let test = summary.test { object["test"] = encoded(MetricSummary(test)) }
            if let error = summary.error { object["error"] = .string(error) }
        }
        let data = (try? JSONCoding.lineEncoder().encode(object)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func encoded(_ value: some Encodable) -> JSONValue {
        (try? JSONValue(encoding: value)) ?? .null
    }

    static func format(_ value: Double) -> String { String(format: "%.4f", value) }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        return whole < 3600 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s"
            : "\(whole / 3600)h\(String(format: "%02d", whole / 60 % 60))m"
    }

    /// Writes `text` to standard error unbuffered.
    public static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Seconds from a monotonic clock.
    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}
