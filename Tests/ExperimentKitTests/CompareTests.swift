import Foundation
import Testing
@testable import ExperimentKit

@Suite struct CompareTests {
    /// The four-run grid (2 learning rates × 2 feature types), loaded.
    func gridRuns() throws -> (root: URL, runs: [RunRow]) {
        let root = try makeTemporaryDirectory("exp-compare")
        try CompareFixtures.grid(under: root)
        return (root, try Comparison.load([root]).runs)
    }

    func table(_ runs: [RunRow], _ change: (inout CompareOptions) -> Void = { _ in }) throws -> CompareTable {
        var options = CompareOptions()
        change(&options)
        return try CompareTable(runs: runs, options: options)
    }

    @Test func flattensSpecMetricsAndAttributes() throws {
        let (root, runs) = try gridRuns()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(runs.count == 4)
        let run = try #require(runs.first { $0.params["features.type"] == .string("mfcc")
            && $0.params["optimizer.learning_rate"] == .number(0.001) })
        #expect(run.params["model.layers[1].units"] == .number(64))
        #expect(run.params["model.layers[2].units"] == .string("classes"))
        #expect(run.params["data.sample_rate"] == .number(16000))
        #expect(run.params["name"] == nil)
        #expect(run.metrics["test.uar"] == 0.7)
        #expect(run.metrics["test.accuracy"] == 0.7)
        #expect(abs((run.metrics["test.f1.angry"] ?? 0) - 2 * 8.0 / (2 * 8 + 4 + 2)) < 1e-12)
        #expect(run.metrics["val.best_uar"] == 0.7)
        #expect(run.value("status") == .string("completed"))
        #expect(run.value("epochs") == .number(3))
        #expect(run.value("created") == .string("2026-11-18T11:06:40Z"))
        #expect(run.note == nil)
    }

    @Test func showsOnlyTheParametersThatDiffer() throws {
        let (root, runs) = try gridRuns()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try table(runs).columns == ["run", "status", "created", "test.uar", "test.accuracy", "test.macro_f1",
                                            "test.loss", "val.best_uar", "val.best_loss", "features.type",
                                            "optimizer.learning_rate"])
        let all = try table(runs) { $0.allParams = true }.columns
        #expect(all.contains("model.layers[1].units") && all.contains("training.batch_size") && all.count == 29)
        // Within the mfcc runs only the learning rate differs.
        let mfcc = try table(runs) { $0.filter = "features.type == mfcc" }
        #expect(mfcc.columns.last == "optimizer.learning_rate" && !mfcc.columns.contains("features.type"))
    }

    @Test func sortsDescendingAndKeepsTop() throws {
        let (root, runs) = try gridRuns()
        defer { try? FileManager.default.removeItem(at: root) }
        let sorted = try table(runs) {
            $0.sort = ["-test.uar", "optimizer.learning_rate"]
            $0.columns = ["test.uar", "optimizer.learning_rate"]
        }
        #expect(sorted.rows.map { $0.map { "\($0)" } }.count == 4)
        #expect(sorted.render(.csv) == "test.uar,optimizer.learning_rate\r\n0.8,0.0003\r\n0.7,0.001\r\n"
            + "0.6,0.0003\r\n0.6,0.001\r\n")
        let top = try table(runs) { $0.sort = ["test.uar"]; $0.top = 1; $0.columns = ["test.uar", "features.type"] }
        #expect(top.render(.csv) == "test.uar,features.type\r\n0.6,logmel\r\n")
    }

    struct FilterCase: CustomTestStringConvertible, Sendable {
        let expression: String
        let count: Int
        var testDescription: String { expression }
    }

    @Test(arguments: [
        FilterCase(expression: "optimizer.learning_rate < 1e-3 and status == completed", count: 2),
        FilterCase(expression: "test.uar >= 0.7", count: 2),
        FilterCase(expression: "features.type == 'logmel' or test.uar > 0.75", count: 3),
        FilterCase(expression: "not (features.type == mfcc)", count: 2),
        FilterCase(expression: "features.type in [mfcc, \"other\"] and not optimizer.learning_rate != 0.001", count: 1),
        FilterCase(expression: "model.layers[1].units == 64 and val.best_loss <= 0.55", count: 2),
        FilterCase(expression: "status != completed", count: 0),
        FilterCase(expression: "seed == '1' and (test.loss == 0.5)", count: 4),
    ])
    func whereFilters(_ filter: FilterCase) throws {
        let (root, runs) = try gridRuns()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try table(runs) { $0.filter = filter.expression }.rows.count == filter.count)
    }

    struct ErrorCase: CustomTestStringConvertible, Sendable {
        let expression: String
        let message: String
        var testDescription: String { expression }
    }

    @Test(arguments: [
        ErrorCase(expression: "optimizer.learning_rate < and status == completed", message: """
            invalid --where expression: expected a value after '<' at column 27
              optimizer.learning_rate < and status == completed
                                        ^
            """),
        ErrorCase(expression: "status = completed", message: """
            invalid --where expression: unexpected '='; did you mean '=='? at column 8
              status = completed
                     ^
            """),
        ErrorCase(expression: "features.type == 'mfcc", message: """
            invalid --where expression: unterminated string at column 18
              features.type == 'mfcc
                               ^
            """),
        ErrorCase(expression: "(test.uar > 0.5 and status == completed", message: """
            invalid --where expression: expected ')' to close the '(' at column 1, found 'end of expression' at column 40
              (test.uar > 0.5 and status == completed
                                                     ^
            """),
        ErrorCase(expression: "status completed", message: """
            invalid --where expression: expected a comparison (<, <=, >, >=, ==, !=, in) after 'status' at column 8
              status completed
                     ^
            """),
        ErrorCase(expression: "test.uar > 0.5 status == completed", message: """
            invalid --where expression: expected 'and', 'or' or the end after '0.5', found 'status' at column 16
              test.uar > 0.5 status == completed
                             ^
            """),
        ErrorCase(expression: "features.type in mfcc", message: """
            invalid --where expression: expected '[' after 'in' at column 18
              features.type in mfcc
                               ^
            """),
        ErrorCase(expression: "features.type in [mfcc logmel]", message: """
            invalid --where expression: expected ',' or ']' in the list, found 'logmel' at column 24
              features.type in [mfcc logmel]
                                     ^
            """),
        ErrorCase(expression: "test.uar > 0.5 && status == completed", message: """
            invalid --where expression: unexpected character '&' at column 16
              test.uar > 0.5 && status == completed
                             ^
            """),
        ErrorCase(expression: "  ", message: """
            invalid --where expression: expected a condition at column 3
                
                ^
            """),
        ErrorCase(expression: "test.uar > 0.5 and", message: """
            invalid --where expression: expected a condition after 'and', found 'end of expression' at column 19
              test.uar > 0.5 and
                                ^
            """),
        ErrorCase(expression: "optimizer.learning_rat < 1", message: """
            invalid --where expression: no run has a parameter, metric or attribute 'optimizer.learning_rat'. \
            Did you mean 'optimizer.learning_rate'? at column 1
              optimizer.learning_rat < 1
              ^
            """),
    ])
    func whereErrors(_ error: ErrorCase) throws {
        let (root, runs) = try gridRuns()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect {
            _ = try table(runs) { $0.filter = error.expression }
        } throws: { thrown in
            "\(thrown)" == error.message
        }
    }

    @Test func unknownSortKeySuggestsTheClosestKey() throws {
        let (root, runs) = try gridRuns()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: CompareError.unknownKey("test.uarr", option: "--sort", suggestion: "test.uar")) {
            _ = try table(runs) { $0.sort = ["-test.uarr"] }
        }
    }

    @Test func groupsAggregateMeanAndSampleStd() throws {
        let root = try makeTemporaryDirectory("exp-compare-group")
        defer { try? FileManager.default.removeItem(at: root) }
        let mfcc = [(8, 6), (9, 9), (7, 7)], logmel = [(5, 5), (6, 8)]
        for (seed, correct) in mfcc.enumerated() {
            try CompareFixtures.write(.init(features: "mfcc", seed: seed + 1, correct: correct), under: root)
        }
        for (seed, correct) in logmel.enumerated() {
            try CompareFixtures.write(.init(features: "logmel", seed: seed + 1, correct: correct), under: root)
        }
        let runs = try Comparison.load([root]).runs
        let grouped = try table(runs) {
            $0.groupBy = ["features.type"]
            $0.columns = ["test.uar"]
            $0.sort = ["-test.uar"]
        }
        // mfcc UARs 0.7, 0.9, 0.7: mean 0.7667, sample std sqrt(((−1/15)²·2 + (2/15)²)/2) = 0.11547.
        #expect(grouped.columns == ["features.type", "n", "test.uar"])
        guard case let .aggregate(mean, std, count) = grouped.rows[0][2] else {
            Issue.record("expected an aggregate, got \(grouped.rows[0][2])")
            return
        }
        #expect(abs(mean - 2.3 / 3) < 1e-12 && abs(std - 0.1154700538) < 1e-9 && count == 3)
        #expect(grouped.render(.table) == """
            features.type  n         test.uar
            -------------  -  ---------------
            mfcc           3  0.7667 ± 0.1155
            logmel         2  0.6000 ± 0.1414

            """)
        #expect(grouped.render(.json).contains("\"n\" : 3"))
    }

    @Test func rendersEveryFormat() throws {
        let (root, runs) = try gridRuns()
        defer { try? FileManager.default.removeItem(at: root) }
        let compared = try table(runs) {
            $0.columns = ["features.type", "optimizer.learning_rate", "status", "test.uar", "val.best_loss"]
            $0.sort = ["features.type", "-optimizer.learning_rate"]
            $0.precision = 3
        }
        #expect(compared.render(.table) == """
            features.type  optimizer.learning_rate  status     test.uar  val.best_loss
            -------------  -----------------------  ---------  --------  -------------
            logmel                           0.001  completed     0.600          0.650
            logmel                          0.0003  completed     0.600          0.650
            mfcc                             0.001  completed     0.700          0.550
            mfcc                            0.0003  completed     0.800          0.450

            """)
        #expect(compared.render(.md) == """
            | features.type | optimizer.learning_rate | status | test.uar | val.best_loss |
            | --- | ---: | --- | ---: | ---: |
            | logmel | 0.001 | completed | 0.600 | 0.650 |
            | logmel | 0.0003 | completed | 0.600 | 0.650 |
            | mfcc | 0.001 | completed | 0.700 | 0.550 |
            | mfcc | 0.0003 | completed | 0.800 | 0.450 |

            """)
        #expect(compared.render(.csv).hasPrefix(
            "features.type,optimizer.learning_rate,status,test.uar,val.best_loss\r\nlogmel,0.001,completed,0.6,0.65\r\n"))
        let json = try JSONSerialization.jsonObject(with: Data(compared.render(.json).utf8)) as? [[String: Any]]
        #expect(json?.count == 4)
        #expect(json?.last?["test.uar"] as? Double == 0.8)
        #expect(json?.last?["optimizer.learning_rate"] as? Double == 0.0003)
    }

    @Test func toleratesHalfWrittenRuns() throws {
        let (root, _) = try gridRuns()
        defer { try? FileManager.default.removeItem(at: root) }
        let started = root.appendingPathComponent("ser/started")
        try FileManager.default.createDirectory(at: started, withIntermediateDirectories: true)
        try AtomicFile.write("name: ser\nseed: 9\n", to: started.appendingPathComponent("spec.yaml"))
        let corrupt = root.appendingPathComponent("ser/corrupt")
        try FileManager.default.createDirectory(at: corrupt, withIntermediateDirectories: true)
        try AtomicFile.write("{\"id\": \"corr", to: corrupt.appendingPathComponent("run.json"))
        let running = try CompareFixtures.write(.init(seed: 4, status: .running), under: root)
        try AtomicFile.write("{\"epoch\": 1}\n{broken", to: running.appendingPathComponent("history.jsonl"))
        let (runs, notes) = try Comparison.load([root])
        #expect(runs.count == 7)
        #expect(notes.count == 3)
        #expect(notes.contains { $0.hasSuffix("ser/started: no run.json") })
        #expect(notes.contains { $0.hasSuffix("ser/corrupt: run.json is not a valid run record") })
        #expect(notes.contains { $0.hasSuffix(": history.jsonl has a broken line") })
        let compared = try table(runs) { $0.columns = ["run", "status"]; $0.filter = "status in [unreadable, running]" }
        // A comparison with a value the run lacks is false: the unreadable runs have no metrics.
        #expect(try table(runs) { $0.filter = "test.uar < 2" }.rows.count == 4)
        #expect(try table(runs) { $0.filter = "not test.uar < 2" }.rows.count == 3)
        #expect(compared.render(.csv).contains("ser/corrupt,unreadable\r\n"))
        #expect(compared.render(.csv).contains("ser/started,unreadable\r\n"))
        #expect(compared.rows.count == 3)
    }

    @Test func findsRunsUnderEachKindOfPath() throws {
        let (root, _) = try gridRuns()
        defer { try? FileManager.default.removeItem(at: root) }
        let experiment = root.appendingPathComponent("ser")
        let one = try #require(try RunDiscovery.find([experiment]).first)
        #expect(try RunDiscovery.find([root]).count == 4)
        #expect(try RunDiscovery.find([experiment]).count == 4)
        #expect(try RunDiscovery.find([one, one]) == [one])
        #expect(throws: CompareError.noRuns(root.appendingPathComponent("missing").path)) {
            try RunDiscovery.find([root.appendingPathComponent("missing")])
        }
    }

    @Test func diffShowsDifferingParamsAndMetricDeltas() throws {
        let root = try makeTemporaryDirectory("exp-diff")
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try CompareFixtures.write(.init(learningRate: 0.001, correct: (8, 6)), under: root)
        let b = try CompareFixtures.write(.init(learningRate: 0.0003, units: 128, correct: (9, 7)), under: root)
        let diff = try RunDiff.load(a, b)
        #expect(diff.params.map(\.key) == ["model.layers[1].units", "optimizer.learning_rate"])
        #expect(diff.attributes.isEmpty)
        let text = diff.render(precision: 2)
        #expect(text.contains("optimizer.learning_rate  0.001"))
        #expect(text.contains("test.uar"))
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("test.uar") && $0.hasSuffix("+0.10") })
        #expect(text.contains("attributes: identical"))
        #expect(throws: CompareError.self) { try RunDiff.load(a, root) }
    }

    /// The hand scanner agrees with the spec layer's regex-based typing on every shape of plain scalar.
    @Test func scalarTypingMatchesSpecTyping() {
        let samples = ["", "~", "null", "true", "False", "0", "-12", "+7", "0o17", "0o8", "0x1F", "0xg", "1.", ".5",
                       "1e-3", "3E+4", "-2.5e", "1.2.3", ".", "-", "+.inf", ".NaN", "mfcc", "1e", "e3", "12a",
                       "0x", "07", "-.5e-2", "classes", "3.0", "1_000"]
        for sample in samples {
            #expect(ScalarTyping.kind(sample) == ScalarKind(resolving: sample), "\(sample)")
        }
    }
}
