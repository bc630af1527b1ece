import Foundation
import NeuralNet
import Testing
import TestSupport

/// Every learning-rate schedule over 30 steps against PyTorch 2.15 `torch.optim.lr_scheduler`
/// (`Tests/Reference/make_train_reference.py`, `Data/train/schedules.json`).
@Suite struct ScheduleTests {
    struct Case: Decodable, CustomTestStringConvertible {
        let name: String
        let base: Double
        let metrics: [Double]?
        let rates: [Double]
        var testDescription: String { name }
    }

    static let cases: [Case] = (try? ReferenceData.load([Case].self, "train/schedules.json")) ?? []

    static func schedule(_ name: String) -> LearningRateSchedule {
        switch name {
        case "step": .step(stepSize: 7, gamma: 0.5)
        case "exponential": .exponential(gamma: 0.9)
        case "cosine": .cosine(warmupSteps: 5, totalSteps: 25, minimumLearningRate: 0.01)
        case "plateau_min": .reduceOnPlateau(.init(mode: .min, factor: 0.5, patience: 2, cooldown: 1, minimumLearningRate: 0.01))
        case "plateau_max": .reduceOnPlateau(.init(mode: .max, factor: 0.3, patience: 3))
        default: .constant
        }
    }

    @Test func fixtureLoads() { #expect(Self.cases.map(\.name) == ["constant", "step", "exponential", "cosine", "plateau_min", "plateau_max"]) }

    @Test(arguments: cases)
    func matchesPyTorch(_ fixture: Case) {
        let scheduler = LearningRateScheduler(Self.schedule(fixture.name), baseLearningRate: fixture.base)
        var rates = [scheduler.currentLearningRate]
        for k in 0..<30 { scheduler.step(metric: fixture.metrics?[k]) ; rates.append(scheduler.currentLearningRate) }
        for (k, (observed, expected)) in zip(rates, fixture.rates).enumerated() {
            #expect(abs(observed - expected) <= 1e-12 * max(1, expected), "\(fixture.name) step \(k): \(observed) vs \(expected)")
        }
    }

    @Test(arguments: cases)
    func resumesFromSavedState(_ fixture: Case) throws {
        let schedule = Self.schedule(fixture.name)
        let first = LearningRateScheduler(schedule, baseLearningRate: fixture.base)
        for k in 0..<13 { first.step(metric: fixture.metrics?[k]) }
        let resumed = LearningRateScheduler(schedule, baseLearningRate: fixture.base)
        try resumed.restore(first.state)
        for k in 13..<30 {
            first.step(metric: fixture.metrics?[k])
            resumed.step(metric: fixture.metrics?[k])
            #expect(resumed.currentLearningRate == first.currentLearningRate, "\(fixture.name) step \(k + 1)")
        }
        #expect(resumed.state == first.state)
    }

    @Test func appliesToTheOptimizer() {
        let scheduler = LearningRateScheduler(.exponential(gamma: 0.5), baseLearningRate: 0.2)
        let optimizer = SGD(learningRate: 1)
        scheduler.step()
        scheduler.apply(to: optimizer)
        #expect(optimizer.learningRate == 0.1)
    }
}
