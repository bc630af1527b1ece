import Foundation
import NeuralNet
import Testing
import TestSupport

/// One full training step of the default stack against PyTorch 2.15 (`Tests/Reference/make_train_reference.py`,
/// `Data/train/full_step.json`): identical formula weights, N=2, T=24, C=6, dropout 0; the logits and loss, every
/// gradient, and the weights after one SGD (momentum 0.9) and one Adam step. Large tensors are compared through their
/// sum, L2 norm and 256 evenly spaced entries. Tolerance: 1e-4 relative on outputs, 1e-3 on gradients.
@Suite struct TrainingParityTests {
    struct Fixture: Decodable {
        let input: FixtureTensor
        let labels: [Int]
        let classWeights: [Float]
        let labelSmoothing: Float
        let parameterOrder: [String]
        let logits: FixtureTensor
        let loss: Float
        let gradients: [String: FixtureSummary]
        let afterSGD: [String: FixtureSummary]
        let afterAdam: [String: FixtureSummary]
        enum CodingKeys: String, CodingKey {
            case input, labels, logits, loss, gradients
            case classWeights = "class_weights", labelSmoothing = "label_smoothing"
            case parameterOrder = "parameter_order", afterSGD = "after_sgd", afterAdam = "after_adam"
        }
    }

    static func model(_ fixture: Fixture) throws -> Sequential {
        let model = try Sequential.defaultStack(frames: 24, features: 6, classes: 8, dropout: 0)
        let byName = Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0) })
        for (index, name) in fixture.parameterOrder.enumerated() {
            guard let parameter = byName[name] else { continue }
            parameter.value = formulaWeights(shape: parameter.value.shape, tensorIndex: index)
        }
        return model
    }

    static func expect(_ tensor: Tensor, matches summary: FixtureSummary, tolerance: Double, _ label: String) {
        #expect(tensor.shape == summary.shape, "\(label): shape \(tensor.shape) vs \(summary.shape)")
        let values = summary.indices.map { tensor.storage[$0] }
        let comparison = ApproximateComparison(values, summary.values)
        #expect(comparison.isWithin(tolerance), "\(label) entries: \(comparison)")
        let sum = tensor.storage.reduce(0.0) { $0 + Double($1) }
        let norm = tensor.storage.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(norm - summary.norm) <= tolerance * summary.norm, "\(label) norm \(norm) vs \(summary.norm)")
        #expect(abs(sum - summary.sum) <= tolerance * (abs(summary.sum) + summary.norm), "\(label) sum \(sum) vs \(summary.sum)")
    }

    @Test func oneStepMatchesPyTorch() throws {
        let fixture = try ReferenceData.load(Fixture.self, "train/full_step.json")
        let loss = CrossEntropyLoss(classWeights: fixture.classWeights, labelSmoothing: fixture.labelSmoothing)

        let model = try Self.model(fixture)
        #expect(model.parameters.map(\.name).sorted() == fixture.parameterOrder.sorted())
        model.zeroGradients()
        let logits = model.forward(fixture.input.tensor, mode: .training)
        let comparison = logits.compared(with: fixture.logits.tensor)
        #expect(comparison.isWithin(1e-4), "logits: \(comparison)")
        let (value, gradient) = loss(logits, labels: fixture.labels)
        #expect(ApproximateComparison([value], [fixture.loss]).isWithin(1e-4), "loss \(value) vs \(fixture.loss)")
        _ = model.backward(gradient)
        for parameter in model.parameters {
            let summary = try #require(fixture.gradients[parameter.name])
            Self.expect(parameter.gradient, matches: summary, tolerance: 1e-3, "∂L/∂\(parameter.name)")
        }

        let steps: [(String, [String: FixtureSummary], any Optimizer)] = [
            ("SGD", fixture.afterSGD, SGD(learningRate: 0.05, momentum: 0.9)),
            ("Adam", fixture.afterAdam, Adam(learningRate: 1e-3)),
        ]
        for (name, expected, optimizer) in steps {
            let fresh = try Self.model(fixture)
            trainStep(model: fresh, loss: loss, optimizer: optimizer, input: fixture.input.tensor, labels: fixture.labels)
            for parameter in fresh.parameters {
                let summary = try #require(expected[parameter.name])
                Self.expect(parameter.value, matches: summary, tolerance: 1e-4, "\(name) \(parameter.name)")
            }
        }
    }
}
