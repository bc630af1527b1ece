import Foundation

/// A parsed `--where` filter over parameters, metrics and attributes.
///
/// Grammar (`and` binds tighter than `or`; `not` tighter than both):
/// ```
/// expression := conjunction ("or" conjunction)*
/// conjunction := negation ("and" negation)*
/// negation   := "not" negation | "(" expression ")" | operand comparison operand | operand "in" "[" list "]"
/// comparison := "<" | "<=" | ">" | ">=" | "==" | "!="
/// operand    := number | 'string' | "string" | word
/// ```
/// A word is a key when some run has it (`optimizer.learning_rate`, `status`); otherwise it is text
/// (`completed`, `mfcc`). A dotted word no run has is an error, since it is almost always a typo.
/// A comparison with a missing value is false, so `--where "val.best_uar > 0.5"` drops runs without validation.
public indirect enum WhereExpression: Sendable, Equatable {
    /// `<`, `<=`, `>`, `>=`, `==`, `!=`.
    public enum Comparison: String, Sendable, Equatable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="
    }

    /// A side of a comparison.
    public enum Operand: Sendable, Equatable {
        /// A parameter, metric or attribute of the run.
        case key(String)
        /// A constant.
        case literal(CompareValue)
        /// A bare word, resolved to `key` or `literal` by `bind(keys:)`.
        case word(String)
    }

    case compare(Operand, Comparison, Operand)
    case member(Operand, [Operand])
    case and(WhereExpression, WhereExpression)
    case or(WhereExpression, WhereExpression)
    case not(WhereExpression)

    /// Longest expression accepted, in characters.
    public static let maxLength = 4096
    /// Deepest nesting of parentheses and `not` accepted (the parser recurses once per level).
    public static let maxDepth = 64

    /// Parses `text` (at most `maxLength` characters, nesting at most `maxDepth` deep).
    /// - Throws: `CompareError.expression` with the column of the first problem.
    public static func parse(_ text: String) throws -> WhereExpression {
        let length = text.count
        guard length <= maxLength else {
            throw CompareError.expression(text, column: maxLength + 1,
                                          message: "expression is \(length) characters long; --where is limited to \(maxLength)")
        }
        var parser = WhereParser(source: text, tokens: try WhereLexer(source: text).tokens())
        return try parser.parseAll()
    }

    /// Resolves bare words against the keys the runs have.
    /// - Throws: `CompareError.unknownKey` for a dotted word that no run has.
    public func bind(keys: Set<String>) throws -> WhereExpression {
        func operand(_ value: Operand) throws -> Operand {
            guard case .word(let word) = value else { return value }
            if keys.contains(word) { return .key(word) }
            if word.contains(".") || word.contains("[") {
                throw CompareError.unknownKey(word, option: "--where", suggestion: suggestion(for: word, among: keys))
            }
            return .literal(.string(word))
        }
        switch self {
        case let .compare(left, comparison, right): return .compare(try operand(left), comparison, try operand(right))
        case let .member(left, list): return .member(try operand(left), try list.map(operand))
        case let .and(left, right): return .and(try left.bind(keys: keys), try right.bind(keys: keys))
        case let .or(left, right): return .or(try left.bind(keys: keys), try right.bind(keys: keys))
        case let .not(inner): return .not(try inner.bind(keys: keys))
        }
    }

    /// Whether `row` satisfies the (bound) expression.
    public func matches(_ row: RunRow) -> Bool {
        func value(_ operand: Operand) -> CompareValue? {
            switch operand {
            case .key(let key): return row.value(key)
            case .literal(let literal): return literal
            case .word(let word): return row.value(word) ?? .string(word)
            }
        }
        switch self {
        case let .compare(left, comparison, right):
            guard let a = value(left), let b = value(right) else { return false }
            return Self.holds(a, comparison, b)
        case let .member(left, list):
            guard let a = value(left) else { return false }
            return list.contains { value($0).map { Self.holds(a, .equal, $0) } ?? false }
        case let .and(left, right): return left.matches(row) && right.matches(row)
        case let .or(left, right): return left.matches(row) || right.matches(row)
        case let .not(inner): return !inner.matches(row)
        }
    }

    static func holds(_ a: CompareValue, _ comparison: Comparison, _ b: CompareValue) -> Bool {
        let order: Int?
        switch (a, b) {
        case let (.number(x), .number(y)): order = x < y ? -1 : (x > y ? 1 : 0)
        case let (.string(x), .string(y)): order = x < y ? -1 : (x > y ? 1 : 0)
        case let (.number(x), .string(y)), let (.string(y), .number(x)):
            // Quoted numbers (`seed == '3'`) compare as numbers; other mixes are merely unequal.
            if let number = Double(y) { order = a.number != nil ? (x < number ? -1 : (x > number ? 1 : 0))
                                                                 : (number < x ? -1 : (number > x ? 1 : 0)) }
            else { order = nil }
        default: order = a == b ? 0 : nil
        }
        guard let order else { return comparison == .notEqual }
        switch comparison {
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        case .equal: return order == 0
        case .notEqual: return order != 0
        }
    }
}
