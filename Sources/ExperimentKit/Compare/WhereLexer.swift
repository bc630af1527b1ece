import Foundation

/// A token of a `--where` expression, with its 1-based column.
struct WhereToken: Equatable {
    enum Kind: Equatable {
        case word(String)
        case number(Double)
        case string(String)
        case comparison(WhereExpression.Comparison)
        case and, or, not, `in`
        case openParen, closeParen, openBracket, closeBracket, comma
        case end
    }

    let kind: Kind
    let column: Int
    /// The source text of the token, for messages.
    let text: String
}

/// Splits a `--where` expression into tokens; a hand-written scanner so errors can point at a column.
struct WhereLexer {
    let source: String

    func tokens() throws -> [WhereToken] {
        let characters = Array(source)
        var tokens: [WhereToken] = []
        var index = 0
        func fail(_ message: String, at position: Int) -> CompareError {
            .expression(source, column: position + 1, message: message)
        }
        while index < characters.count {
            let character = characters[index]
            let start = index
            if character.isWhitespace {
                index += 1
                continue
            }
            func add(_ kind: WhereToken.Kind, length: Int) {
                tokens.append(WhereToken(kind: kind, column: start + 1,
                                         text: String(characters[start ..< start + length])))
                index = start + length
            }
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "(": add(.openParen, length: 1)
            case ")": add(.closeParen, length: 1)
            case "[": add(.openBracket, length: 1)
            case "]": add(.closeBracket, length: 1)
            case ",": add(.comma, length: 1)
            case "<": next == "=" ? add(.comparison(.lessOrEqual), length: 2) : add(.comparison(.less), length: 1)
            case ">": next == "=" ? add(.comparison(.greaterOrEqual), length: 2) : add(.comparison(.greater), length: 1)
            case "=":
                guard next == "=" else { throw fail("unexpected '='; did you mean '=='?", at: start) }
                add(.comparison(.equal), length: 2)
            case "!":
                guard next == "=" else { throw fail("unexpected '!'; did you mean '!=' or 'not'?", at: start) }
                add(.comparison(.notEqual), length: 2)
            case "\"", "'":
                var end = index + 1
                while end < characters.count, characters[end] != character { end += 1 }
                guard end < characters.count else { throw fail("unterminated string", at: start) }
                tokens.append(WhereToken(kind: .string(String(characters[index + 1 ..< end])), column: start + 1,
                                         text: String(characters[start ... end])))
                index = end + 1
            default:
                if character.isNumber || ((character == "-" || character == "+" || character == ".")
                    && next.map { $0.isNumber || $0 == "." } == true) {
                    var end = index + 1
                    while end < characters.count {
                        let c = characters[end]
                        if c.isNumber || c == "." || c == "e" || c == "E" { end += 1; continue }
                        if (c == "-" || c == "+"), characters[end - 1] == "e" || characters[end - 1] == "E" {
                            end += 1
                            continue
                        }
                        break
                    }
                    let text = String(characters[start ..< end])
                    guard let value = Double(text) else { throw fail("'\(text)' is not a number", at: start) }
                    add(.number(value), length: end - start)
                } else if character.isLetter || character == "_" {
                    var end = index + 1
                    while end < characters.count {
                        let c = characters[end]
                        if c.isLetter || c.isNumber || c == "_" || c == "." || c == "-" { end += 1; continue }
                        // `layers[4]` belongs to the key; a list after `in` starts with `[` after a space.
                        if c == "[", let close = characters[end...].firstIndex(of: "]"),
                           close > end + 1, characters[end + 1 ..< close].allSatisfy(\.isNumber) {
                            end = close + 1
                            continue
                        }
                        break
                    }
                    let word = String(characters[start ..< end])
                    switch word {
                    case "and": add(.and, length: end - start)
                    case "or": add(.or, length: end - start)
                    case "not": add(.not, length: end - start)
                    case "in": add(.in, length: end - start)
                    default: add(.word(word), length: end - start)
                    }
                } else {
                    throw fail("unexpected character '\(character)'", at: start)
                }
            }
        }
        tokens.append(WhereToken(kind: .end, column: characters.count + 1, text: "end of expression"))
        return tokens
    }
}
