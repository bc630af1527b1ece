import Foundation
import Testing
@testable import ExperimentKit

/// Malformed and hostile `--where` expressions: one `CompareError.expression` with the column, never a stack overflow.
@Suite struct HostileFilterTests {
    func rows() throws -> (root: URL, runs: [RunRow]) {
        let root = try makeTemporaryDirectory("exp-filter")
        try CompareFixtures.grid(under: root)
        return (root, try Comparison.load([root]).runs)
    }

    /// The error thrown for `filter`: its column and message.
    func failure(_ filter: String, runs: [RunRow]) -> (column: Int, message: String)? {
        do {
            var options = CompareOptions()
            options.filter = filter
            _ = try CompareTable(runs: runs, options: options)
            return nil
        } catch CompareError.expression(_, let column, let message) {
            return (column, message)
        } catch {
            return (-1, "\(error)")
        }
    }

    @Test(arguments: [
        ("(status == completed", 21, "expected ')' to close the '(' at column 1, found 'end of expression'"),
        ("status == completed)", 20, "expected 'and', 'or' or the end after 'completed', found ')'"),
        ("status ==", 10, "expected a value after '=='"),
        ("or status == completed", 1, "expected a condition, found 'or'"),
        ("not", 4, "expected a condition after 'not', found 'end of expression'"),
        ("status == \"completed", 11, "unterminated string"),
        ("test.uar > 0.5 and optimizer.learning_rat < 1", 20,
         "no run has a parameter, metric or attribute 'optimizer.learning_rat'. Did you mean 'optimizer.learning_rate'?"),
        ("test.uar > high", 12, "'high' is not a number, but test.uar holds numbers; '>' needs a number here"),
        ("'abc' <= test.accuracy", 1, "'abc' is not a number, but test.accuracy holds numbers; '<=' needs a number here"),
        ("test.uar >= true", 13, "'true' is not a number, but test.uar holds numbers; '>=' needs a number here"),
    ])
    func malformedExpressionsNameTheColumn(filter: String, column: Int, message: String) throws {
        let (root, runs) = try rows()
        defer { try? FileManager.default.removeItem(at: root) }
        let found = failure(filter, runs: runs)
        #expect(found?.column == column, "\(String(describing: found))")
        #expect(found?.message == message, "\(String(describing: found))")
    }

    @Test func numericTextAndStringOrderingStillWork() throws {
        let (root, runs) = try rows()
        defer { try? FileManager.default.removeItem(at: root) }
        for filter in ["test.uar > '0.5'", "status >= completed", "name < zzz", "test.uar > -1e3"] {
            #expect(failure(filter, runs: runs) == nil, "\(filter)")
        }
    }

    @Test func nestingIsCappedBeforeTheStackIs() {
        for (filter, column) in [
            (String(repeating: "(", count: 10_000) + "a == 1" + String(repeating: ")", count: 10_000), 4097),
            (String(repeating: "(", count: 65) + "a == 1" + String(repeating: ")", count: 65), 65),
            (String(repeating: "not ", count: 65) + "a == 1", 257),
        ] {
            #expect(throws: CompareError.self) { try WhereExpression.parse(filter) }
            do {
                _ = try WhereExpression.parse(filter)
            } catch CompareError.expression(_, let found, let message) {
                #expect(found == column, "\(message)")
                #expect(message.contains("limited to"), "\(message)")
            } catch {
                Issue.record("\(error)")
            }
        }
        let deepest = String(repeating: "(", count: 64) + "a == 1" + String(repeating: ")", count: 64)
        #expect(throws: Never.self) { try WhereExpression.parse(deepest) }
    }

    @Test func longFlatExpressionsEvaluateWithoutOverflow() throws {
        // 370 left-nested `or`s, close to the 4096-character cap: binding and matching recurse that deep.
        let filter = Array(repeating: "seed==9", count: 370).joined(separator: " or ")
        #expect(filter.count <= WhereExpression.maxLength)
        let (root, runs) = try rows()
        defer { try? FileManager.default.removeItem(at: root) }
        var options = CompareOptions()
        options.filter = filter
        #expect(try CompareTable(runs: runs, options: options).rows.isEmpty)
    }

    @Test func messagesStayThreeLinesForControlCharactersAndLongText() {
        let error = CompareError.expression("a ==\n\u{7}b" + String(repeating: "x", count: 200), column: 150, message: "m")
        let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[1].count <= 84)
        #expect(lines[2].hasSuffix("^"))
        // The caret sits under the character at column 150.
        let caret = lines[2].count - 1
        let text = Array(lines[1])
        let expected = Array("a ==\n\u{7}b" + String(repeating: "x", count: 200))[149]
        #expect(text[caret] == expected)
    }

    @Test func tamperedRunFilesAreNotedNotFollowed() throws {
        let root = try makeTemporaryDirectory("exp-filter")
        defer { try? FileManager.default.removeItem(at: root) }
        let directories = try CompareFixtures.grid(under: root)
        var laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (level, previous) in zip("bcdefghij", "abcdefghi") {
            laughs += "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        // An alias bomb as a value, one as a key, and a FIFO where metrics.json should be: none may hang or trap.
        try (laughs + "k: *j\n").write(to: directories[0].appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        try (laughs + "*j : 1\n").write(to: directories[1].appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let metrics = directories[2].appendingPathComponent("metrics.json")
        try FileManager.default.removeItem(at: metrics)
        #expect(mkfifo(metrics.path, 0o600) == 0)
        let runs = try Comparison.load([root]).runs
        #expect(runs.count == 4)
        let notes = runs.compactMap(\.note).sorted()
        #expect(notes == ["metrics.json is not a regular file of at most 16777216 bytes",
                          "spec.yaml does not parse", "spec.yaml expands to more than 10000 values"], "\(notes)")
    }

    @Test(arguments: [["--sort", "-"], ["--sort", "---test.uar"], ["--group-by", "test.uarr"]])
    func badSortAndGroupKeysAreNamed(arguments: [String]) throws {
        let (root, runs) = try rows()
        defer { try? FileManager.default.removeItem(at: root) }
        var options = CompareOptions()
        if arguments[0] == "--sort" { options.sort = [arguments[1]] } else { options.groupBy = [arguments[1]] }
        let error = #expect(throws: CompareError.self) { try CompareTable(runs: runs, options: options) }
        #expect(error?.description.hasPrefix("\(arguments[0]): no run has a parameter, metric or attribute") == true)
    }
}
