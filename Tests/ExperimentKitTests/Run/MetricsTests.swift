import Foundation
import Testing
import TestSupport
@testable import ExperimentKit

/// Golden values from `Tests/Reference/make_metrics_reference.py` (scikit-learn, zero_division=0).
struct MetricsReferenceCase: Decodable, CustomTestStringConvertible, Sendable {
    let id: String
    let classes: Int
    let truth: [Int]
    let predicted: [Int]
    let accuracy: Double
    let balancedAccuracy: Double
    let macroF1: Double
    let precision: [Double]
    let recall: [Double]
    let f1: [Double]
    let support: [Int]
    let confusionMatrix: [[Int]]
    let probabilities: [[Double]]?
    let batches: [Int]?
    let logLoss: Double?

    enum CodingKeys: String, CodingKey {
        case id, classes, truth, predicted, accuracy, precision, recall, f1, support, probabilities, batches
        case balancedAccuracy = "balanced_accuracy", macroF1 = "macro_f1", confusionMatrix = "confusion_matrix"
        case logLoss = "log_loss"
    }

    var testDescription: String { id }

    static func all() throws -> [MetricsReferenceCase] {
        struct Document: Decodable { let cases: [MetricsReferenceCase] }
        return try ReferenceData.load(Document.self, "metrics/classification.json").cases
    }
}

@Suite struct MetricsTests {
    static let cases = (try? MetricsReferenceCase.all()) ?? []

    @Test func referenceDataIsPresent() {
        #expect(Self.cases.count == 6)
    }

    @Test(arguments: cases)
    func matchesScikitLearn(_ reference: MetricsReferenceCase) {
        let names = (0 ..< reference.classes).map { "c\($0)" }
        let metrics = ClassificationMetrics(truth: reference.truth, predicted: reference.predicted, classNames: names)
        #expect(abs(metrics.accuracy - reference.accuracy) < 1e-12, "accuracy \(metrics.accuracy)")
        #expect(abs(metrics.uar - reference.balancedAccuracy) < 1e-12,
                "uar \(metrics.uar) vs sklearn \(reference.balancedAccuracy)")
        #expect(abs(metrics.macroF1 - reference.macroF1) < 1e-12,
                "macro-F1 \(metrics.macroF1) vs sklearn \(reference.macroF1)")
        #expect(metrics.confusionMatrix == reference.confusionMatrix)
        #expect(metrics.perClass.map(\.support) == reference.support)
        #expect(metrics.count == reference.truth.count)
        for (index, entry) in metrics.perClass.enumerated() {
            #expect(entry.name == names[index])
            #expect(abs(entry.precision - reference.precision[index]) < 1e-12, "precision[\(index)]")
            #expect(abs(entry.recall - reference.recall[index]) < 1e-12, "recall[\(index)]")
            #expect(abs(entry.f1 - reference.f1[index]) < 1e-12, "f1[\(index)]")
        }
    }

    /// The accumulator gets the batch-mean cross-entropy of each batch; its epoch loss must equal sklearn's
    /// `log_loss` over all examples, which holds only if batches are weighted by their size (the last one has 1).
    @Test func batchWeightedLossMatchesLogLoss() throws {
        let reference = try #require(Self.cases.first { $0.probabilities != nil })
        let probabilities = try #require(reference.probabilities)
        let batches = try #require(reference.batches)
        var accumulator = MetricsAccumulator(classNames: (0 ..< reference.classes).map { "c\($0)" })
        var start = 0
        for size in batches {
            let range = start ..< start + size
            let loss = range.map { -log(probabilities[$0][reference.truth[$0]]) }.reduce(0, +) / Double(size)
            accumulator.add(truth: Array(reference.truth[range]), predicted: Array(reference.predicted[range]),
                            meanLoss: loss)
            start += size
        }
        let result = accumulator.result()
        let expected = try #require(reference.logLoss)
        #expect(abs((result.loss ?? .nan) - expected) < 1e-9, "loss \(result.loss ?? .nan) vs log_loss \(expected)")
        #expect(result.confusionMatrix == reference.confusionMatrix)
        #expect(accumulator.count == reference.truth.count)
    }

    @Test func namedValuesAndCodingKeys() throws {
        let metrics = ClassificationMetrics(truth: [0, 1, 1], predicted: [0, 1, 0], classNames: ["a", "b"], loss: 0.5)
        #expect(metrics.value(named: "uar") == 0.75)
        #expect(metrics.value(named: "loss") == 0.5)
        #expect(metrics.value(named: "nope") == nil)
        let json = String(decoding: try JSONCoding.encoder().encode(metrics), as: UTF8.self)
        #expect(json.contains("\"macro_f1\""))
        #expect(json.contains("\"confusion_matrix\""))
        #expect(json.contains("\"per_class\""))
        let decoded = try JSONCoding.decoder().decode(ClassificationMetrics.self, from: Data(json.utf8))
        #expect(decoded == metrics)
    }

    @Test func emptyEvaluationIsZeroNotNaN() {
        let metrics = MetricsAccumulator(classNames: ["a", "b"]).result()
        #expect(metrics.accuracy == 0 && metrics.uar == 0 && metrics.macroF1 == 0)
        #expect(metrics.loss == nil)
    }
}
