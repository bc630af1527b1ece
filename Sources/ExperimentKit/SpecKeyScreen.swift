/// A lexical check of spec text, run before YAML composition, that refuses aliases inside mapping keys.
///
/// Yams checks duplicate keys by hashing each key node, and hashing an alias walks the anchored subtree as if it were
/// expanded: an alias of a "billion laughs" anchor used as a key would hash 10⁹ nodes before the node budget of
/// `SpecLoader` ever sees the tree. Spec keys are plain names, so when a text uses aliases at all, anything that
/// could put one into a key is refused:
/// - an alias followed by `:` on its line (`*a : 1`, `{*a: 1}`), since a YAML simple key is one line long;
/// - a flow list or mapping followed by `:` (`[*a]: 1`), the only other form of a one-line key;
/// - an explicit key indicator `?` (`? *a`) not directly after a word, which can introduce a key of any size.
///
/// The scan does not track quoting, so it may refuse an unusual string in a spec that also uses aliases; it never
/// lets an aliased key through. Full-line comments are skipped.
enum SpecKeyScreen {
    /// Throws for the first construct above, if `text` contains an alias (`*` followed by an anchor character).
    ///
    /// - Throws: `SpecErrors` with one `.syntax` error located at the construct.
    static func check(_ text: String, file: String) throws {
        let bytes = Array(text.utf8)
        guard bytes.indices.contains(where: { bytes[$0] == star && $0 + 1 < bytes.count && isAnchorCharacter(bytes[$0 + 1]) })
        else { return }
        var index = 0, line = 1, column = 1
        var lineHasContent = false
        var previous: UInt8 = newline  // the last non-blank byte on this line, `newline` if none
        func fail(_ message: String) -> SpecErrors {
            SpecErrors([.syntax(SourceLocation(file: file, line: line, column: column), message: message)])
        }
        /// Whether a `:` follows position `from` on the same line after blanks.
        func colonFollows(_ from: Int) -> Bool {
            var next = from
            while next < bytes.count, bytes[next] == space || bytes[next] == tab { next += 1 }
            return next < bytes.count && bytes[next] == colon
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == newline {
                index += 1
                line += 1
                column = 1
                lineHasContent = false
                previous = newline
                continue
            }
            if !lineHasContent, byte == space || byte == tab {
                index += 1
                column += 1
                continue
            }
            if !lineHasContent, byte == hash {
                while index < bytes.count, bytes[index] != newline { index += 1 }
                continue
            }
            lineHasContent = true
            switch byte {
            case star where index + 1 < bytes.count && isAnchorCharacter(bytes[index + 1]):
                var end = index + 1
                while end < bytes.count, isAnchorCharacter(bytes[end]) { end += 1 }
                let name = String(decoding: bytes[index ..< end], as: UTF8.self)
                if colonFollows(end) {
                    throw fail("alias '\(name)' used as a mapping key; mapping keys must be plain names")
                }
            case closeBracket, closeBrace:
                guard colonFollows(index + 1) else { break }
                throw fail("a flow \(byte == closeBracket ? "list" : "mapping") used as a mapping key; mapping keys "
                    + "must be plain names")
            case question:
                // After a word character `?` is text (`why?`, `a ?b`) or a syntax error; anywhere else (line start,
                // after `[ { , - : ?`, after a BOM or a lone CR, which libyaml also takes as a line start) it may
                // start a key.
                if !isWordCharacter(previous) {
                    throw fail("explicit key indicator '?' in a spec that uses aliases; mapping keys must be plain names "
                        + "written as 'key: value'")
                }
            default:
                break
            }
            if byte != space, byte != tab { previous = byte }
            index += 1
            // Columns count Unicode scalars, as Yams marks do: UTF-8 continuation bytes do not start one.
            if byte & 0xC0 != 0x80 { column += 1 }
        }
    }

    /// ASCII letters, digits and the punctuation that ends words in prose, after which `?` never starts a key.
    private static func isWordCharacter(_ byte: UInt8) -> Bool {
        isAnchorCharacter(byte) && byte != dash || [".", "/", "=", "%", "+", "~", "'", "\"", ")"].contains(Character(Unicode.Scalar(byte)))
    }

    /// libyaml's anchor and alias name characters: ASCII letters, digits, `_` and `-`.
    private static func isAnchorCharacter(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F || byte == 0x2D
    }

    private static let star = UInt8(ascii: "*"), colon = UInt8(ascii: ":"), question = UInt8(ascii: "?")
    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
    private static let dash = UInt8(ascii: "-"), hash = UInt8(ascii: "#")
    private static let closeBracket = UInt8(ascii: "]"), closeBrace = UInt8(ascii: "}")
}
