import Foundation
import Testing
@testable import ExperimentKit

@Suite struct SweepValidationTests {
    struct ErrorCase: Sendable, CustomStringConvertible {
        let id: String
        let body: String
        let split: String
        let message: String
        var description: String { id }

        init(_ id: String, _ body: String, split: String = "{type: speaker_kfold, k: 3}", _ message: String) {
            self.id = id
            self.body = body
            self.split = split
            self.message = message
        }
    }

    static let cases: [ErrorCase] = [
        ErrorCase("unequal zip", "sweep:\n  zip: {features.n_mfcc: [13, 20], features.n_mels: [40]}\n",
                  "tiny.yaml:7:8: sweep.zip: zip lists must have equal lengths, since their items are paired. "
                  + "Received: features.n_mfcc: 2, features.n_mels: 1"),
        ErrorCase("unknown distribution", "sweep:\n  random: {trials: 2, params: {optimizer.learning_rate: {logunif: [1, 2]}}}\n",
                  "tiny.yaml:7:58: sweep.random.params.optimizer.learning_rate.logunif: unknown key 'logunif' for a "
                  + "random sweep parameter. Valid keys: choice, int, loguniform, uniform. Did you mean 'loguniform'?"),
        ErrorCase("loguniform from zero", "sweep:\n  random: {trials: 2, params: {optimizer.learning_rate: {loguniform: [0, 1]}}}\n",
                  "tiny.yaml:7:70: sweep.random.params.optimizer.learning_rate.loguniform: loguniform needs 0 < lo < hi. "
                  + "Received: [0.0, 1.0]"),
        ErrorCase("inverted int range", "sweep:\n  random: {trials: 2, params: {training.batch_size: {int: [9, 3]}}}\n",
                  "tiny.yaml:7:59: sweep.random.params.training.batch_size.int: lo must be <= hi. Received: [9, 3]"),
        ErrorCase("missing trials", "sweep:\n  random: {params: {training.batch_size: {int: [3, 9]}}}\n",
                  "tiny.yaml:7:11: sweep.random: missing required key 'trials'"),
        ErrorCase("misspelt section key", "sweep:\n  seed: [1, 2]\n",
                  "tiny.yaml:7:3: sweep.seed: unknown key 'seed' for sweep. Valid keys: folds, grid, random, seeds, zip. "
                  + "Did you mean 'seeds'?"),
        ErrorCase("path not in the spec", "sweep:\n  grid: {optimizer.learning_rat: [0.1, 0.2]}\n",
                  "tiny.yaml:7:35: optimizer.learning_rat: unknown key 'learning_rat' for optimizer type 'adam'. "
                  + "Valid keys: beta1, beta2, epsilon, learning_rate, type, weight_decay. Did you mean 'learning_rate'?"),
        ErrorCase("index out of range", "sweep:\n  grid:\n    model.layers[40].units: [8]\n",
                  "override 'model.layers[40].units=', column 14: index [40] is out of range: 'model.layers' has 9 item(s)"),
        ErrorCase("grid value not a list", "sweep:\n  grid: {optimizer.learning_rate: 0.1}\n",
                  "tiny.yaml:7:35: sweep.grid.optimizer.learning_rate: expected a non-empty list of values, got '0.1'"),
        ErrorCase("sweeping the name", "sweep:\n  grid: {name: [a, b]}\n",
                  "tiny.yaml:7:10: sweep.grid.name: 'name' cannot be swept: every trial of a sweep shares the "
                  + "experiment name and the sweep section"),
        ErrorCase("folds without k-fold", "sweep:\n  folds: all\n", split: "{type: speaker_holdout}",
                  "tiny.yaml:7:3: sweep.folds: folds need split type 'speaker_kfold'. Received: split.type=speaker_holdout"),
        ErrorCase("bad seeds", "sweep:\n  seeds: [1, x]\n",
                  "tiny.yaml:7:14: sweep.seeds: expected an integer, got 'x'"),
    ]

    @Test(arguments: cases) func errorText(_ errorCase: ErrorCase) throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try writeSweepSpec(errorCase.body, split: errorCase.split, directory: directory)
        do {
            _ = try makePlan(file)
            Issue.record("expected an error for \(errorCase.id)")
        } catch let error as SpecErrors {
            #expect(error.description.replacingOccurrences(of: directory.path + "/", with: "") == errorCase.message)
        }
    }

    @Test func everyTrialErrorIsReportedOnceBeforeAnyRun() throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        // One value is invalid in two of four trials; the other key is misspelt in all four.
        let file = try writeSweepSpec("sweep:\n  grid: {training.epochs: [1, 0], training.epoch: [1, 2]}\n", directory: directory)
        let error = try #require(throws: SpecErrors.self) { try makePlan(file) }
        #expect(error.errors.count == 2)
        #expect(error.description.contains("training.epochs"))
        #expect(error.description.contains("unknown key 'epoch'"))
    }

    @Test func repeatedValuesAreOneRun() throws {
        let directory = try makeTemporaryDirectory("exp-sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try writeSweepSpec("sweep:\n  seeds: [1, 2, 1]\n", directory: directory)
        let error = try #require(throws: SweepError.self) { try makePlan(file) }
        guard case .duplicateTrials(_, let indices) = error else { Issue.record("\(error)"); return }
        #expect(indices == [0, 2])
    }
}
