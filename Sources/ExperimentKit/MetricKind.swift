/// The metrics a spec can ask for (`metrics:`); the runner computes each from the confusion matrix, per epoch on
/// train and validation and at the end on test. An enum, so an evaluator must handle every case.
public enum MetricKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Fraction of clips classified correctly.
    case accuracy
    /// Unweighted average recall (balanced accuracy): the mean over classes of per-class recall.
    case uar
    /// Mean over classes of per-class F1.
    case macroF1 = "macro_f1"
    /// Mean cross-entropy loss.
    case loss

    /// One line on the metric, for `exp components`.
    public var summary: String {
        switch self {
        case .accuracy: "Fraction of clips classified correctly"
        case .uar: "Unweighted average recall (balanced accuracy), the usual SER headline"
        case .macroF1: "Mean of per-class F1"
        case .loss: "Mean cross-entropy loss"
        }
    }
}

/// The metrics a run reports, from the spec's `metrics:` list (Keras `metrics=[...]`): `loss` always comes first,
/// then the listed metrics in their order, each once.
///
/// Reports that show metrics to people (`exp show`'s history and test lines) show exactly these. Early stopping
/// and `reduce_on_plateau` may only monitor `val_<name>` of a reported metric, checked when the spec is validated.
/// `history.jsonl` and `metrics.json` keep every built-in metric, the per-class table and the confusion matrix,
/// so that `exp compare` ranks runs with different selections by the same columns.
public struct MetricSelection: Sendable, Equatable {
    /// `loss`, then the selected metrics in spec order.
    public let kinds: [MetricKind]

    /// `loss` followed by `selected` without repeats.
    public init(_ selected: [MetricKind]) {
        var kinds: [MetricKind] = [.loss]
        for kind in selected where !kinds.contains(kind) { kinds.append(kind) }
        self.kinds = kinds
    }

    /// The selection of a resolved spec's `metrics` (every type there passed validation against the metric registry).
    public init(resolved metrics: [ResolvedComponent]) {
        self.init(metrics.compactMap { MetricKind(rawValue: $0.type) })
    }

    /// Every metric.
    public static let all = MetricSelection(MetricKind.allCases)

    /// The monitor names this selection makes available, `val_loss` first.
    public var monitors: [String] { kinds.map { "val_" + $0.rawValue } }

    /// `loss 0.1234 uar 0.5000 …` for the selected metrics of `summary`.
    public func describe(_ summary: MetricSummary) -> String {
        kinds.map { "\(Self.label($0)) \(Self.format(Self.value($0, of: summary)))" }.joined(separator: " ")
    }

    /// `epoch 3/60 loss 1.2345 acc 0.4500 | val loss 1.3000 acc 0.4000 lr 0.001 (12.3s)`, selected metrics only.
    public func epochLine(_ metrics: EpochMetrics, epochs: Int?) -> String {
        var text = "epoch \(metrics.epoch)" + (epochs.map { "/\($0)" } ?? "") + " " + describe(metrics.train)
        if let validation = metrics.validation { text += " | val " + describe(validation) }
        return text + " lr \(String(format: "%.3g", metrics.learningRate)) (\(ProgressObserver.duration(metrics.seconds)))"
    }

    /// The selected metrics of a full evaluation, `loss` only when it was computed.
    public func describe(_ metrics: ClassificationMetrics) -> String {
        kinds.compactMap { kind in
            metrics.value(named: kind.rawValue).map { "\(Self.label(kind)) \(Self.format($0))" }
        }.joined(separator: "  ")
    }

    /// Why `monitor` (the value at `path`, written at `location`) cannot be watched under this selection, or `nil`.
    ///
    /// Only names the value-level checks accepted reach here, so `monitor` is `val_` plus a metric name.
    public func monitorError(_ monitor: String, path: String, location: SourceLocation) -> SpecError? {
        guard !monitors.contains(monitor) else { return nil }
        let metric = monitor.hasPrefix("val_") ? String(monitor.dropFirst(4)) : monitor
        guard MetricKind(rawValue: metric) != nil else { return nil }
        let selected = kinds.dropFirst().map(\.rawValue)
        return .invalidValue(location, path: path, message: "\(monitor) is not reported: '\(metric)' is not in metrics "
            + "(\(selected.isEmpty ? "none selected" : selected.joined(separator: ", "))). Add it to metrics or "
            + "monitor one of: \(monitors.joined(separator: ", ")). Received: monitor=\(monitor)")
    }

    private static func value(_ kind: MetricKind, of summary: MetricSummary) -> Double {
        switch kind {
        case .loss: summary.loss
        case .accuracy: summary.accuracy
        case .uar: summary.uar
        case .macroF1: summary.macroF1
        }
    }

    /// The short column label (`acc`, `uar`, `f1`, `loss`), as the progress line prints them.
    private static func label(_ kind: MetricKind) -> String {
        switch kind {
        case .loss: "loss"
        case .accuracy: "acc"
        case .uar: "uar"
        case .macroF1: "f1"
        }
    }

    private static func format(_ value: Double) -> String { String(format: "%.4f", value) }
}
