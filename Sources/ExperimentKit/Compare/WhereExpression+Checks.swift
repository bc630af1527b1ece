import Foundation

extension WhereExpression {
    /// Parses `text` and binds it to the keys of `runs`, locating every problem by column: a dotted word no run has
    /// (a misspelt key), or an ordering comparison (`<`, `<=`, `>`, `>=`) between a key every run holds as a number
    /// and text that is not a number (`test.uar > high`), which would otherwise silently match nothing.
    ///
    /// - Throws: `CompareError.expression` naming the column and, for a misspelt key, the nearest key.
    static func compile(_ text: String, runs: [RunRow], keys: Set<String>) throws -> WhereExpression {
        let expression = try parse(text)
        // The parse succeeded, so every comparison token sits between its two single-token operands.
        let tokens = try WhereLexer(source: text).tokens()
        for token in tokens {
            guard case .word(let word) = token.kind, !keys.contains(word), word.contains(".") || word.contains("[") else {
                continue
            }
            let hint = suggestion(for: word, among: keys).map { " Did you mean '\($0)'?" } ?? ""
            throw CompareError.expression(text, column: token.column,
                                          message: "no run has a parameter, metric or attribute '\(word)'.\(hint)")
        }
        for (index, token) in tokens.enumerated() {
            guard case .comparison(let comparison) = token.kind, comparison != .equal, comparison != .notEqual,
                  index > 0, index + 1 < tokens.count else { continue }
            for (keyToken, other) in [(tokens[index - 1], tokens[index + 1]), (tokens[index + 1], tokens[index - 1])] {
                guard case .word(let key) = keyToken.kind, keys.contains(key), isNumeric(key, in: runs),
                      let literal = nonNumericText(other, keys: keys) else { continue }
                throw CompareError.expression(text, column: other.column, message: "'\(literal)' is not a number, but "
                    + "\(key) holds numbers; '\(comparison.rawValue)' needs a number here")
            }
        }
        return try expression.bind(keys: keys)
    }

    /// Whether every run that has `key` holds a number there (and at least one does).
    private static func isNumeric(_ key: String, in runs: [RunRow]) -> Bool {
        var seen = false
        for run in runs {
            guard let value = run.value(key) else { continue }
            guard value.number != nil else { return false }
            seen = true
        }
        return seen
    }

    /// The text of a literal operand that cannot be read as a number, or `nil` for numbers and keys.
    private static func nonNumericText(_ token: WhereToken, keys: Set<String>) -> String? {
        switch token.kind {
        case .string(let text): return Double(text) == nil ? text : nil
        case .word(let word): return keys.contains(word) || Double(word) != nil ? nil : word
        default: return nil
        }
    }
}
