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
