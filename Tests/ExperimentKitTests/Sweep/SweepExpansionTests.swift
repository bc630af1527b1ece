import Foundation
import Testing
@testable import ExperimentKit

@Suite struct SweepExpansionTests {
    @Test func gridZipSeedsAndFoldsCompose() throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try writeSweepSpec("""
            sweep:
              grid: {optimizer.learning_rate: [0.001, 0.0003], optimizer.type: [adam, sgd]}
              zip: {features.n_mfcc: [13, 20], features.n_mels: [40, 64]}
              seeds: [1, 2]
              folds: all
            """, directory: directory)
        let plan = try makePlan(file)
        // 2 × 2 grid × 2 zip rows × 2 seeds × 3 folds.
        #expect(plan.trials.count == 48)
        #expect(plan.paths == ["optimizer.learning_rate", "optimizer.type", "features.n_mfcc", "features.n_mels",
                               "seed", "split.fold"])
        #expect(plan.trials.map(\.index) == Array(0..<48))
        func values(_ index: Int) -> [String] { plan.trials[index].values.map(\.value) }
        #expect(values(0) == ["0.001", "adam", "13", "40", "1", "0"])
        #expect(values(1) == ["0.001", "adam", "13", "40", "1", "1"])
        #expect(values(3) == ["0.001", "adam", "13", "40", "2", "0"])
        #expect(values(6) == ["0.001", "adam", "20", "64", "1", "0"])
        #expect(values(47) == ["0.0003", "sgd", "20", "64", "2", "2"])
        let last = plan.trials[47].spec.resolved
        #expect(last.seed == 2)
        #expect(last.optimizer.type == "sgd")
        #expect(last.split.options["fold"] == .int(2))
        #expect(last.features.options["n_mels"] == .int(64))
        #expect(Set(plan.trials.map(\.runID)).count == 48)
        #expect(plan.trials.allSatisfy { $0.runID.hasPrefix("tiny-") && $0.configHash.hasPrefix(String($0.runID.suffix(10))) })
    }

    @Test func randomDrawsAreSeededByTheSpecSeedAndInRange() throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = """
            sweep:
              random:
                trials: 20
                params:
                  optimizer.learning_rate: {loguniform: [1.0e-4, 1.0e-2]}
                  optimizer.weight_decay: {uniform: [0, 0.1]}
                  training.batch_size: {int: [8, 12]}
                  model.layers[6].units: {choice: [64, 128, 256]}
            """
        let file = try writeSweepSpec(body, directory: directory)
        let first = try makePlan(file), second = try makePlan(file)
        #expect(first.trials.count == 20)
        #expect(first.trials.map(\.values) == second.trials.map(\.values))
        for trial in first.trials {
            let resolved = trial.spec.resolved
            let rate = try #require(resolved.optimizer.options["learning_rate"]?.doubleValue)
            #expect(rate >= 1e-4 && rate < 1e-2)
            let decay = try #require(resolved.optimizer.options["weight_decay"]?.doubleValue)
            #expect(decay >= 0 && decay < 0.1)
            #expect((8...12).contains(resolved.training.batchSize))
            #expect([64, 128, 256].contains(resolved.model.layers[6].options["units"]?.doubleValue.map { Int($0) } ?? 0))
        }
        // Every integer and choice is reachable in 20 draws of 5 and 3 values.
        #expect(Set(first.trials.map(\.spec.resolved.training.batchSize)).count >= 4)
        let reseeded = try makePlan(file, ["seed=8"])
        #expect(reseeded.trials.map(\.values) != first.trials.map(\.values))
    }

    @Test func commandLineMultirunAddsAxesAndReplacesSweptKeys() throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try writeSweepSpec("""
            sweep:
              grid: {optimizer.learning_rate: [0.001, 0.0003, 0.0001]}
              seeds: [1, 2]
            """, directory: directory)
        let plan = try makePlan(file, ["optimizer.learning_rate=0.01,0.02", "training.epochs=2", "features.type=mfcc,logmel"])
        #expect(plan.paths == ["optimizer.learning_rate", "features.type", "seed"])
        #expect(plan.trials.count == 2 * 2 * 2)
        #expect(plan.trials.allSatisfy { $0.spec.resolved.training.epochs == 2 })
        #expect(plan.trials.map { $0.values[0].value } == ["0.01", "0.01", "0.01", "0.01", "0.02", "0.02", "0.02", "0.02"])
        let single = try makePlan(try writeSweepSpec("", name: "plain", directory: directory))
        #expect(!single.isSweep)
        #expect(single.trials.count == 1)
    }

    @Test func largeSweepsNeedConfirmation() throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try writeSweepSpec("sweep: {random: {trials: 1001, params: {optimizer.learning_rate: {uniform: [0.001, 0.1]}}}}",
                                      directory: directory)
        #expect(throws: SweepError.tooManyTrials(count: 1001, limit: 1000)) { try makePlan(file, confirmLarge: false) }
        #expect(try makePlan(file, confirmLarge: true).trials.count == 1001)
    }
}

extension JSONValue {
    /// The number, for assertions on resolved options.
    var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }
}

@Suite struct SweepDistributionTests {
    static let here = SourceLocation(file: "t.yaml", line: 1, column: 1)

    func draws(_ distribution: SweepDistribution, _ count: Int = 4000) -> [String] {
        var generator = SweepRandom(seed: 11)
        return (0..<count).compactMap { _ in distribution.sample(&generator, at: Self.here).scalarText }
    }

    @Test func logUniformIsUniformInTheExponent() {
        let values = draws(.logUniform(1e-4, 1e-2)).compactMap(Double.init)
        #expect(values.count == 4000)
        #expect(values.allSatisfy { $0 >= 1e-4 && $0 < 1e-2 })
        // Half the mass lies below the geometric midpoint 1e-3, a quarter below 10^-3.5.
        let belowMiddle = Double(values.filter { $0 < 1e-3 }.count) / 4000
        let belowQuarter = Double(values.filter { $0 < pow(10, -3.5) }.count) / 4000
        #expect(abs(belowMiddle - 0.5) < 0.03)
        #expect(abs(belowQuarter - 0.25) < 0.03)
    }

    @Test func uniformIntegersAndChoicesCoverTheirRange() {
        let uniform = draws(.uniform(-1, 3)).compactMap(Double.init)
        let mean: Double = uniform.reduce(0, +) / 4000
        #expect(abs(mean - 1) < 0.06)
        let integers = draws(.integer(2, 4)).compactMap(Int.init)
        #expect(Set(integers) == [2, 3, 4])
        for value in 2...4 {
            let share: Double = Double(integers.filter { $0 == value }.count) / 4000
            #expect(abs(share - 1.0 / 3) < 0.03)
        }
        let choices = draws(.choice([.plain("a", at: Self.here), .plain("b", at: Self.here)]))
        let shareA: Double = Double(choices.filter { $0 == "a" }.count) / 4000
        #expect(abs(shareA - 0.5) < 0.03)
    }

    @Test func floatsPrintAsYAMLFloats() {
        #expect(SweepDistribution.format(3) == "3.0")
        #expect(SweepDistribution.format(1e-5) == "1e-05")
        #expect(ScalarKind(resolving: SweepDistribution.format(1e-5)) == .float)
        #expect(ScalarKind(resolving: SweepDistribution.format(0.25)) == .float)
    }
}
