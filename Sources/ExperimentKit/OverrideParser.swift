/// Parses one override's text (grammar in `Override`); columns count characters from 1.
struct OverrideParser {
    let text: String
    private let chars: [Character]

    init(text: String) {
        self.text = text
        self.chars = Array(text)
    }

    func parse() throws -> Override {
        var position = 0
        let operation: Override.Operation
        if chars.starts(with: ["~"]) {
            operation = .delete
            position = 1
        } else if chars.starts(with: ["+", "+"]) {
            operation = .upsert
            position = 2
        } else if chars.starts(with: ["+"]) {
            operation = .add
            position = 1
        } else {
            operation = .set
        }
        let (path, columns, end) = try parsePath(from: position)
        if operation == .delete {
            guard end == chars.count else {
                throw error(at: end + 1, "a deletion takes no value: write '~\(String(chars[1..<end]))'")
            }
            return Override(text: text, operation: operation, path: path, values: [], pathColumns: columns)
        }
        guard end < chars.count, chars[end] == "=" else {
            throw error(at: end + 1, "expected '=' after the key path (key=value, +key=value, ++key=value or ~key)")
        }
        let values = try parseValues(from: end + 1)
        return Override(text: text, operation: operation, path: path, values: values, pathColumns: columns)
    }

    private func parsePath(from start: Int) throws -> ([Override.PathComponent], [Int], Int) {
        var path: [Override.PathComponent] = [], columns: [Int] = []
        var position = start
        func isKeyCharacter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-") }
        while true {
            let keyStart = position
            while position < chars.count, isKeyCharacter(chars[position]) { position += 1 }
            guard position > keyStart else {
                throw error(at: position + 1, position < chars.count
                    ? "expected a key name, found '\(chars[position])'" : "expected a key name")
            }
            path.append(.key(String(chars[keyStart..<position])))
            columns.append(keyStart + 1)
            while position < chars.count, chars[position] == "[" {
                let indexStart = position + 1
                var close = indexStart
                while close < chars.count, chars[close].isNumber { close += 1 }
                guard close > indexStart, close < chars.count, chars[close] == "]",
                      let index = Int(String(chars[indexStart..<close])) else {
                    throw error(at: indexStart + 1, "expected a list index such as [4]")
                }
                path.append(.index(index))
                columns.append(indexStart + 1)
                position = close + 1
            }
            guard position < chars.count, chars[position] == "." else { return (path, columns, position) }
            position += 1
        }
    }

    /// Splits at top-level commas (outside quotes and brackets) and parses each value.
    private func parseValues(from start: Int) throws -> [SpecNode] {
        var pieces: [(Int, Int)] = []
        var depth = 0, quote: Character? = nil, pieceStart = start, position = start
        while position < chars.count {
            let c = chars[position]
            if let open = quote {
                if c == "\\", open == "\"" { position += 1 } else if c == open { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "[" || c == "{" {
                depth += 1
            } else if c == "]" || c == "}" {
                depth -= 1
                if depth < 0 { throw error(at: position + 1, "unbalanced '\(c)'") }
            } else if c == ",", depth == 0 {
                pieces.append((pieceStart, position))
                pieceStart = position + 1
            }
            position += 1
        }
        if quote != nil { throw error(at: chars.count + 1, "unterminated quoted string") }
        if depth != 0 { throw error(at: chars.count + 1, "unclosed '[' or '{'") }
        pieces.append((pieceStart, chars.count))
        return try pieces.map { try parseValue($0.0, $0.1) }
    }

    private func parseValue(_ start: Int, _ end: Int) throws -> SpecNode {
        var start = start, end = end
        while start < end, chars[start] == " " { start += 1 }
        while end > start, chars[end - 1] == " " { end -= 1 }
        let location = SourceLocation(file: "override '\(text)'", line: 1, column: start + 1)
        let raw = String(chars[start..<end])
        guard let first = raw.first else { return SpecNode(.scalar("", isString: true), at: location) }
        if first == "[" || first == "{" {
            do {
                return shifted(try SpecLoader().parse(raw, file: location.file), by: start)
            } catch let errors as SpecErrors {
                let column = (errors.errors.first?.location?.column ?? 1) + start
                let problem = errors.errors.first.map { "\($0)" } ?? ""
                throw error(at: column, "invalid \(first == "[" ? "list" : "mapping") value: "
                    + (problem.split(separator: ": ", maxSplits: 1).last.map(String.init) ?? problem))
            }
        }
        if first == "'" || first == "\"" {
            guard raw.count >= 2, raw.last == first else {
                throw error(at: start + 1, "a quoted value must end with \(first) and stand alone")
            }
            var body = String(raw.dropFirst().dropLast())
            if first == "\"" { body = body.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\") }
            return SpecNode(.scalar(body, isString: true), at: location)
        }
        return .plain(raw, at: location)
    }

    /// Moves columns of a value parsed on its own to its place in the override text.
    private func shifted(_ node: SpecNode, by offset: Int) -> SpecNode {
        var node = node
        node.location.column += offset
        switch node.content {
        case .scalar: break
        case .sequence(let items): node.content = .sequence(items.map { shifted($0, by: offset) })
        case .mapping(let entries):
            node.content = .mapping(entries.map { entry in
                var entry = entry
                entry.keyLocation.column += offset
                entry.value = shifted(entry.value, by: offset)
                return entry
            })
        }
        return node
    }

    private func error(at column: Int, _ message: String) -> SpecError {
        .invalidOverride(text: text, column: column, message: message)
    }
}
