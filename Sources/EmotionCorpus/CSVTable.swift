/// A CSV file parsed per RFC 4180: comma-separated fields, optional double quotes, `""` inside quotes for a quote,
/// line breaks allowed inside quoted fields, CRLF or LF record ends, an optional UTF-8 byte-order mark.
///
/// Every record keeps the 1-based line on which it starts, so errors can point at `file:line`. Input that no
/// manifest holds is refused rather than guessed at: a NUL character (a binary file), or a record longer than
/// `maximumRecordLength` characters (a file with no line breaks, or a quote left open).
struct CSVTable {
    struct Record {
        let line: Int
        let fields: [String]
    }

    /// The longest record accepted, in Unicode scalars (1 Mi).
    static let maximumRecordLength = 1 << 20

    /// The first record.
    let header: Record
    /// The records after the header, blank lines dropped.
    let rows: [Record]

    /// Parses `text` read from `path` (used in error messages).
    /// - Throws: `CorpusError.manifest` for an unterminated quote, text after a closing quote, a NUL character, a
    ///   record over `maximumRecordLength`, a missing header or a row whose field count differs from the header's.
    init(text: String, path: String) throws {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1, recordLength = 0
        var inQuotes = false, afterQuote = false, quotedFieldLine = 1
        // One scalar of look-ahead (for `""` and CRLF) over the text, without copying it into an array.
        var scalars = text.unicodeScalars.makeIterator()
        var lookahead = scalars.next()
        if lookahead == "\u{FEFF}" { lookahead = scalars.next() }
        func next() -> Unicode.Scalar? {
            let current = lookahead
            lookahead = scalars.next()
            return current
        }
        func endRecord() {
            fields.append(field)
            // A record that is one empty field is a blank line.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
            afterQuote = false
            recordLength = 0
        }
        while let c = next() {
            recordLength += 1
            if recordLength > CSVTable.maximumRecordLength {
                throw CorpusError.manifest(path: path, line: recordLine, column: nil, reason:
                    "record is longer than \(CSVTable.maximumRecordLength) characters" +
                    (inQuotes ? " (a quoted field opened on line \(quotedFieldLine) is never closed)" : ""))
            }
            if c == "\0" {
                throw CorpusError.manifest(path: path, line: line, column: nil,
                                           reason: "NUL character: this is not a text CSV file")
            }
            if inQuotes {
                if c == "\"" {
                    if lookahead == "\"" {
                        field.unicodeScalars.append("\"")
                        _ = next()
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\r" where lookahead == "\n":
                continue
            case "\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            case "\"" where field.isEmpty && !afterQuote:
                inQuotes = true
                quotedFieldLine = line
            default:
                if afterQuote {
                    throw CorpusError.manifest(path: path, line: line, column: nil,
                                               reason: "unexpected character '\(c)' after a closing quote")
                }
                if c == "\"" {
                    throw CorpusError.manifest(path: path, line: line, column: nil, reason:
                        "a quote inside an unquoted field; quote the whole field and double the quote (\"\")")
                }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes {
            throw CorpusError.manifest(path: path, line: quotedFieldLine, column: nil,
                                       reason: "quoted field is never closed")
        }
        if !field.isEmpty || !fields.isEmpty || afterQuote { endRecord() }
        guard let header = records.first else {
            throw CorpusError.manifest(path: path, line: 1, column: nil,
                                       reason: "empty file; expected a header line such as 'path,label'")
        }
        for record in records.dropFirst() where record.fields.count != header.fields.count {
            throw CorpusError.manifest(path: path, line: record.line, column: nil, reason:
                "has \(record.fields.count) fields, the header has \(header.fields.count)")
        }
        self.header = header
        self.rows = Array(records.dropFirst())
    }

    /// Decodes `bytes` as UTF-8, or names the line and byte offset of the first invalid sequence.
    /// - Throws: `CorpusError.manifest` for bytes that are not UTF-8.
    static func decodeUTF8(_ bytes: [UInt8], path: String) throws -> String {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1, offset = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1 }
                offset += UTF8.width(scalar)
            case .emptyInput:
                break loop
            case .error:
                throw CorpusError.manifest(path: path, line: line, column: nil, reason:
                    "not UTF-8 text (invalid byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) at byte " +
                    "offset \(offset)); save the manifest as UTF-8")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
