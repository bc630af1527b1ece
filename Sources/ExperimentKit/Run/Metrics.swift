import Foundation

/// Precision, recall, F1 and support of one class.
public struct ClassMetrics: Codable, Sendable, Equatable {
    /// Class name (e.g. `angry`).
    public var name: String
    /// `tp / (tp + fp)`; 0 when the class was never predicted (sklearn `zero_division=0`).
    public var precision: Double
    /// `tp / (tp + fn)`; 0 when the class never occurs in the truth.
    public var recall: Double
    /// `2·tp / (2·tp + fp + fn)`; 0 when the denominator is 0.
    public var f1: Double
    /// Number of examples of this class in the truth.
    public var support: Int
}

/// Classification metrics of one evaluation, with the semantics of scikit-learn.
///
/// With `K` classes, `C[i][j]` counts examples of true class `i` predicted as `j` (rows = truth, as
/// `sklearn.metrics.confusion_matrix`).
/// ```
/// accuracy = Σ_i C[i][i] / Σ C
/// uar      = mean over classes i with support > 0 of C[i][i] / Σ_j C[i][j]          (balanced_accuracy_score)
/// macro_f1 = mean over classes in truth ∪ predictions of F1_i, zero_division=0     (f1_score(average="macro"))
/// ```
/// UAR (unweighted average recall) is the standard headline metric in speech emotion recognition because the
/// corpora are unbalanced; classes absent from the truth have no recall and are left out, as sklearn does.
public struct ClassificationMetrics: Codable, Sendable, Equatable {
    /// Fraction of examples predicted correctly.
    public var accuracy: Double
    /// Unweighted average recall (balanced accuracy).
    public var uar: Double
    /// Macro-averaged F1.
    public var macroF1: Double
    /// Mean loss per example, when the evaluation computed one.
    public var loss: Double?
    /// Number of examples evaluated.
    public var count: Int
    /// One entry per class, in class-index order.
    public var perClass: [ClassMetrics]
    /// `K × K` counts, rows = truth, columns = prediction.
    public var confusionMatrix: [[Int]]

    enum CodingKeys: String, CodingKey {
        case accuracy, uar, loss, count
        case macroF1 = "macro_f1"
        case perClass = "per_class"
        case confusionMatrix = "confusion_matrix"
    }

    /// Metrics of class probabilities against `truth`: each row's most probable class is its prediction, and the
    /// loss is the mean negative log-likelihood of the true class (a run's test loss without label smoothing).
    public init(truth: [Int], probabilities: [[Double]], classNames: [String]) {
        let predicted = probabilities.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
        let loss = zip(truth, probabilities).map { -log(max($1[$0], Double(Float.leastNormalMagnitude))) }
            .reduce(0, +) / Double(max(truth.count, 1))
        self.init(truth: truth, predicted: predicted, classNames: classNames, loss: loss)
    }

    /// Computes the metrics of `predicted` against `truth` (class indices into `classNames`).
    ///
    /// - Parameters:
    ///   - truth: True class index per example, each in `0..<classNames.count`.
    ///   - predicted: Predicted class index per example, same count as `truth`.
    ///   - classNames: Names of the `K` classes, `K > 0`.
    ///   - loss: Mean loss per example, if known.
    public init(truth: [Int], predicted: [Int], classNames: [String], loss: Double? = nil) {
        let classCount = classNames.count
        precondition(classCount > 0, "ClassificationMetrics needs at least one class")
        precondition(truth.count == predicted.count,
                     "truth has \(truth.count) labels but predicted has \(predicted.count)")
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (t, p) in zip(truth, predicted) {
            precondition((0 ..< classCount).contains(t) && (0 ..< classCount).contains(p),
                         "label out of range: truth \(t), predicted \(p), classes \(classCount)")
            matrix[t][p] += 1
        }
        self.init(confusionMatrix: matrix, classNames: classNames, loss: loss)
    }

    /// Computes the metrics from a confusion matrix (rows = truth).
    public init(confusionMatrix matrix: [[Int]], classNames: [String], loss: Double? = nil) {
        let classCount = classNames.count
        precondition(matrix.count == classCount && matrix.allSatisfy { $0.count == classCount },
                     "confusion matrix must be \(classCount)×\(classCount)")
        var perClass: [ClassMetrics] = []
        var recalls: [Double] = []
        var f1s: [Double] = []
        var correct = 0
        var total = 0
        for i in 0 ..< classCount {
            let tp = matrix[i][i]
            let support = matrix[i].reduce(0, +)
            let predictedCount = matrix.reduce(0) { $0 + $1[i] }
            let fp = predictedCount - tp
            let fn = support - tp
            let precision = predictedCount > 0 ? Double(tp) / Double(predictedCount) : 0
            let recall = support > 0 ? Double(tp) / Double(support) : 0
            let f1Denominator = 2 * tp + fp + fn
            let f1 = f1Denominator > 0 ? Double(2 * tp) / Double(f1Denominator) : 0
            perClass.append(ClassMetrics(name: classNames[i], precision: precision, recall: recall, f1: f1,
                                         support: support))
            if support > 0 { recalls.append(recall) }
            if support > 0 || predictedCount > 0 { f1s.append(f1) }
            correct += tp
            total += support
        }
        self.accuracy = total > 0 ? Double(correct) / Double(total) : 0
        self.uar = recalls.isEmpty ? 0 : recalls.reduce(0, +) / Double(recalls.count)
        self.macroF1 = f1s.isEmpty ? 0 : f1s.reduce(0, +) / Double(f1s.count)
        self.loss = loss
        self.count = total
        self.perClass = perClass
        self.confusionMatrix = matrix
    }

    /// The value of a named metric (`accuracy`, `uar`, `macro_f1`, `loss`), as used by early stopping and reports.
    public func value(named name: String) -> Double? {
        switch name {
        case "accuracy", "acc": return accuracy
        case "uar", "balanced_accuracy": return uar
        case "macro_f1", "f1": return macroF1
        case "loss": return loss
        default: return nil
        }
    }

    /// The metric names `value(named:)` accepts, in display order.
    public static let names = ["loss", "accuracy", "uar", "macro_f1"]
}

/// Accumulates predictions and batch losses over an epoch without keeping per-example arrays.
public struct MetricsAccumulator: Sendable {
    /// Class names, fixing `K`.
    public let classNames: [String]
    private var matrix: [[Int]]
    private var lossSum = 0.0
    private var lossCount = 0

    /// An empty accumulator for `classNames`.
    public init(classNames: [String]) {
        precondition(!classNames.isEmpty, "MetricsAccumulator needs at least one class")
        self.classNames = classNames
        self.matrix = [[Int]](repeating: [Int](repeating: 0, count: classNames.count), count: classNames.count)
    }

    /// Adds one batch: true and predicted class indices and, if known, the batch's mean loss over its examples.
    public mutating func add(truth: [Int], predicted: [Int], meanLoss: Double? = nil) {
        precondition(truth.count == predicted.count,
                     "truth has \(truth.count) labels but predicted has \(predicted.count)")
        for (t, p) in zip(truth, predicted) {
            precondition(matrix.indices.contains(t) && matrix.indices.contains(p),
                         "label out of range: truth \(t), predicted \(p), classes \(classNames.count)")
            matrix[t][p] += 1
        }
        if let meanLoss {
            // Weight each batch by its size so a short last batch does not skew the epoch mean.
            lossSum += meanLoss * Double(truth.count)
            lossCount += truth.count
        }
    }

    /// Number of examples added so far.
    public var count: Int { matrix.reduce(0) { $0 + $1.reduce(0, +) } }

    /// The metrics of everything added; `loss` is the example-weighted mean of the batch losses, if any were given.
    public func result() -> ClassificationMetrics {
        ClassificationMetrics(confusionMatrix: matrix, classNames: classNames,
                              loss: lossCount > 0 ? lossSum / Double(lossCount) : nil)
    }
}
