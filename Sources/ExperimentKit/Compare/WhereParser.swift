import Foundation

/// Recursive-descent parser for `WhereExpression`; every error names the column of the offending token.
struct WhereParser {
    let source: String
    let tokens: [WhereToken]
    private var position = 0
    /// Open parentheses and `not`s around the current token; capped so the recursion cannot exhaust the stack.
    private var depth = 0

    init(source: String, tokens: [WhereToken]) {
        self.source = source
        self.tokens = tokens
    }

    private var current: WhereToken { tokens[position] }

    private func fail(_ message: String, at token: WhereToken) -> CompareError {
        .expression(source, column: token.column, message: message)
    }

    mutating func parseAll() throws -> WhereExpression {
        if current.kind == .end { throw fail("expected a condition", at: current) }
        let expression = try parseOr()
        guard current.kind == .end else {
            throw fail("expected 'and', 'or' or the end after '\(tokens[position - 1].text)', found '\(current.text)'",
                       at: current)
        }
        return expression
    }

    private mutating func parseOr() throws -> WhereExpression {
        var expression = try parseAnd()
        while current.kind == .or {
            position += 1
            expression = .or(expression, try parseAnd())
        }
        return expression
    }

    private mutating func parseAnd() throws -> WhereExpression {
        var expression = try parseNot()
        while current.kind == .and {
            position += 1
            expression = .and(expression, try parseNot())
        }
        return expression
    }

    private mutating func parseNot() throws -> WhereExpression {
        switch current.kind {
        case .not:
            try enter()
            position += 1
            let inner = try parseNot()
            depth -= 1
            return .not(inner)
        case .openParen:
            let open = current
            try enter()
            position += 1
            let inner = try parseOr()
            guard current.kind == .closeParen else {
                throw fail("expected ')' to close the '(' at column \(open.column), found '\(current.text)'",
                           at: current)
            }
            position += 1
            depth -= 1
            return inner
        default:
            return try parseComparison()
        }
    }

    private mutating func enter() throws {
        guard depth < WhereExpression.maxDepth else {
            throw fail("parentheses and 'not' nest deeper than \(WhereExpression.maxDepth) levels; expressions are "
                + "limited to \(WhereExpression.maxDepth)", at: current)
        }
        depth += 1
    }

    private mutating func parseComparison() throws -> WhereExpression {
        guard let left = operand(current) else {
            let after = position > 0 ? " after '\(tokens[position - 1].text)'" : ""
            throw fail("expected a condition\(after), found '\(current.text)'", at: current)
        }
        let leftToken = current
        position += 1
        switch current.kind {
        case .comparison(let comparison):
            let operatorToken = current
            position += 1
            guard let right = operand(current) else {
                throw fail("expected a value after '\(operatorToken.text)'", at: current)
            }
            position += 1
            return .compare(left, comparison, right)
        case .in:
            position += 1
            return .member(left, try parseList())
        default:
            throw fail("expected a comparison (<, <=, >, >=, ==, !=, in) after '\(leftToken.text)'", at: current)
        }
    }

    private mutating func parseList() throws -> [WhereExpression.Operand] {
        guard current.kind == .openBracket else { throw fail("expected '[' after 'in'", at: current) }
        position += 1
        var items: [WhereExpression.Operand] = []
        while true {
            guard let item = operand(current) else {
                throw fail("expected a value in the list, found '\(current.text)'", at: current)
            }
            items.append(item)
            position += 1
            if current.kind == .comma {
                position += 1
                continue
            }
            guard current.kind == .closeBracket else {
                throw fail("expected ',' or ']' in the list, found '\(current.text)'", at: current)
            }
            position += 1
            return items
        }
    }

    private func operand(_ token: WhereToken) -> WhereExpression.Operand? {
        switch token.kind {
        case .number(let value): return .literal(.number(value))
        case .string(let text): return .literal(.string(text))
        case .word("true"): return .literal(.bool(true))
        case .word("false"): return .literal(.bool(false))
        case .word(let word): return .word(word)
        default: return nil
        }
    }
}
