import Foundation
import NeuralNet
import Testing
import TestSupport

/// Softmax cross-entropy against PyTorch 2.15 `nn.CrossEntropyLoss` (`Tests/Reference/make_train_reference.py`,
/// `Data/train/loss.json`) and against central differences.
@Suite struct LossTests {
    struct Case: Decodable, CustomTestStringConvertible {
        let name: String
        let logits: FixtureTensor
        let labels: [Int]
        let classWeights: [Float]?
        let labelSmoothing: Float
        let reduction: Reduction
        let value: Float
        let gradient: FixtureTensor
        var testDescription: String { name }

        enum CodingKeys: String, CodingKey {
            case name, logits, labels, value, gradient, reduction
            case classWeights = "class_weights", labelSmoothing = "label_smoothing"
        }

        var loss: CrossEntropyLoss {
            CrossEntropyLoss(classWeights: classWeights, labelSmoothing: labelSmoothing, reduction: reduction)
        }
    }

    static let cases: [Case] = (try? ReferenceData.load([Case].self, "train/loss.json")) ?? []

    @Test func fixtureLoads() { #expect(Self.cases.count == 4) }

    @Test(arguments: cases)
    func matchesPyTorch(_ fixture: Case) {
        let (value, gradient) = fixture.loss(fixture.logits.tensor, labels: fixture.labels)
        let valueComparison = ApproximateComparison([value], [fixture.value])
        #expect(valueComparison.isWithin(1e-5), "\(fixture.name) value: \(valueComparison)")
        let gradientComparison = gradient.compared(with: fixture.gradient.tensor)
        #expect(gradientComparison.isWithin(1e-4), "\(fixture.name) gradient: \(gradientComparison)")
    }

    @Test(arguments: cases)
    func gradientMatchesCentralDifferences(_ fixture: Case) {
        let loss = fixture.loss
        var logits = fixture.logits.tensor
        let analytic = loss(logits, labels: fixture.labels).gradient
        let h: Float = 1e-2
        var numeric = [Float](repeating: 0, count: logits.count)
        for i in 0..<logits.count {
            let original = logits.storage[i]
            logits.storage[i] = original + h
            let plus = Double(loss(logits, labels: fixture.labels).value)
            logits.storage[i] = original - h
            let minus = Double(loss(logits, labels: fixture.labels).value)
            logits.storage[i] = original
            numeric[i] = Float((plus - minus) / (2 * Double(h)))
        }
        let comparison = ApproximateComparison(analytic.storage, numeric)
        #expect(comparison.isWithin(2e-2), "\(fixture.name): \(comparison)")
    }

    /// The loss as a `Layer` from logits `[N, K]` to `[1]`, so TestSupport's checker can drive it.
    final class LossLayer: Layer {
        let loss: CrossEntropyLoss, labels: [Int]
        private var gradient: Tensor?
        init(_ loss: CrossEntropyLoss, labels: [Int]) { (self.loss, self.labels) = (loss, labels) }
        var parameters: [Parameter] { [] }
        func outputShape(for inputShape: [Int]) throws -> [Int] { [1] }
        func forward(_ input: Tensor, mode: Mode) -> Tensor {
            let (value, gradient) = loss(input, labels: labels)
            self.gradient = gradient
            return Tensor(shape: [1], storage: [value])
        }
        func backward(_ outputGradient: Tensor) -> Tensor {
            guard var gradient else { preconditionFailure("LossLayer.backward without forward") }
            for i in gradient.storage.indices { gradient.storage[i] *= outputGradient.storage[0] }
            return gradient
        }
    }

    @Test(arguments: cases)
    func passesTheSharedGradientCheck(_ fixture: Case) {
        let report = checkGradients(of: LossLayer(fixture.loss, labels: fixture.labels), input: fixture.logits.tensor,
                                    step: 1e-2, tolerance: 2e-2)
        #expect(report.passed, "\(fixture.name):\n\(report)")
    }

    @Test func isStableForHugeLogits() {
        let logits = Tensor(shape: [2, 3], storage: [1000, -1000, 0, -5000, 5000, 4990])
        let (value, gradient) = CrossEntropyLoss()(logits, labels: [0, 2])
        // Row 0 is certain and right (loss 0); row 1 puts e^-10 on its label: loss ≈ 10.
        #expect(abs(value - 10.000_045 / 2) < 1e-3, "value \(value)")
        #expect(gradient.storage.allSatisfy { $0.isFinite })
        #expect(abs(gradient.storage[5] + 0.5) < 1e-3, "d/dz of the missed label, got \(gradient.storage[5])")
    }

    @Test func gradientRowsSumToZero() {
        let logits = Tensor(shape: [3, 4], storage: (0..<12).map { Float($0 % 5) * 0.7 - 1 })
        let loss = CrossEntropyLoss(classWeights: [1, 2, 0.5, 1], labelSmoothing: 0.2)
        let gradient = loss(logits, labels: [3, 1, 0]).gradient
        for row in 0..<3 {
            let sum = gradient.storage[(row * 4)..<(row * 4 + 4)].reduce(0, +)
            #expect(abs(sum) < 1e-6, "row \(row) sums to \(sum)")
        }
    }
}
