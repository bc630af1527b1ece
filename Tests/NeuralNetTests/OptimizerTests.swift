import Foundation
import NeuralNet
import Testing
import TestSupport

/// SGD, Adam, AdamW and RMSprop against PyTorch 2.15 `torch.optim` (`Tests/Reference/make_train_reference.py`,
/// `Data/train/optimizers.json`): two tensors fed six fixed gradients; the parameters after every step.
@Suite struct OptimizerTests {
    struct Options: Decodable {
        let lr: Float
        let momentum: Float?
        let nesterov: Bool?
        let weightDecay: Float?
        let betas: [Float]?
        let eps: Float?
        let centered: Bool?
        enum CodingKeys: String, CodingKey {
            case lr, momentum, nesterov, betas, eps, centered
            case weightDecay = "weight_decay"
        }
    }

    struct Case: Decodable, CustomTestStringConvertible {
        let name: String
        let kind: String
        let options: Options
        let steps: [[[Float]]]
        var testDescription: String { name }

        func makeOptimizer() -> any Optimizer {
            let o = options
            switch kind {
            case "sgd":
                return SGD(learningRate: o.lr, momentum: o.momentum ?? 0, nesterov: o.nesterov ?? false,
                           weightDecay: o.weightDecay ?? 0)
            case "adam":
                return Adam(learningRate: o.lr, beta1: o.betas?[0] ?? 0.9, beta2: o.betas?[1] ?? 0.999,
                            epsilon: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? 0)
            case "adamw":
                return Adam.adamW(learningRate: o.lr, weightDecay: o.weightDecay ?? 0.01)
            default:
                return RMSprop(learningRate: o.lr, weightDecay: o.weightDecay ?? 0, momentum: o.momentum ?? 0,
                               centered: o.centered ?? false)
            }
        }
    }

    struct Fixture: Decodable {
        let initial: [FixtureTensor]
        let gradients: [[[Float]]]
        let cases: [Case]
    }

    static let fixture = try? ReferenceData.load(Fixture.self, "train/optimizers.json")
    static let cases = fixture?.cases ?? []

    static func makeParameters() -> [Parameter] {
        (fixture?.initial ?? []).enumerated().map { Parameter(name: "p\($0.offset)", value: $0.element.tensor) }
    }

    static func feed(_ parameters: [Parameter], step: Int) {
        for (parameter, gradient) in zip(parameters, fixture?.gradients[step] ?? []) {
            parameter.gradient = Tensor(shape: parameter.value.shape, storage: gradient)
        }
    }

    @Test func fixtureLoads() { #expect(Self.cases.count == 8) }

    @Test(arguments: cases)
    func matchesPyTorchAfterEveryStep(_ fixture: Case) {
        let parameters = Self.makeParameters()
        let optimizer = fixture.makeOptimizer()
        #expect(optimizer.kind == fixture.kind)
        for (step, expected) in fixture.steps.enumerated() {
            Self.feed(parameters, step: step)
            optimizer.step(parameters)
            for (parameter, values) in zip(parameters, expected) {
                let comparison = ApproximateComparison(parameter.value.storage, values)
                #expect(comparison.isWithin(1e-5), "\(fixture.name) step \(step + 1) \(parameter.name): \(comparison)")
            }
        }
    }

    @Test(arguments: cases)
    func resumesExactlyFromSavedState(_ fixture: Case) throws {
        let reference = Self.makeParameters(), referenceOptimizer = fixture.makeOptimizer()
        for step in 0..<6 {
            Self.feed(reference, step: step)
            referenceOptimizer.step(reference)
        }
        let first = Self.makeParameters(), firstOptimizer = fixture.makeOptimizer()
        for step in 0..<3 {
            Self.feed(first, step: step)
            firstOptimizer.step(first)
        }
        let state = firstOptimizer.state(for: first)
        let resumed = Self.makeParameters(), resumedOptimizer = fixture.makeOptimizer()
        for (target, source) in zip(resumed, first) { target.value = source.value }
        try resumedOptimizer.restore(state, for: resumed)
        for step in 3..<6 {
            Self.feed(resumed, step: step)
            resumedOptimizer.step(resumed)
        }
        for (a, b) in zip(resumed, reference) { #expect(a.value == b.value, "\(fixture.name) \(a.name)") }
    }

    @Test func restoreRejectsAnotherKindAndMissingSlots() throws {
        let parameters = Self.makeParameters()
        let adam = Adam()
        Self.feed(parameters, step: 0)
        adam.step(parameters)
        var state = adam.state(for: parameters)
        #expect(throws: CheckpointError.metadataMismatch(file: "optimizer state", key: "optimizer", expected: "sgd", found: "adam")) {
            try SGD(learningRate: 0.1, momentum: 0.9).restore(state, for: parameters)
        }
        state.tensors["p1.exp_avg_sq"] = nil
        let error = #expect(throws: CheckpointError.self) { try Adam().restore(state, for: parameters) }
        #expect(error?.description == "optimizer state: missing tensor 'p1.exp_avg_sq'")
    }
}
