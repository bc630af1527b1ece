/// A CSV file parsed per RFC 4180: comma-separated fields, optional double quotes, `""` inside quotes for a quote,
/// line breaks allowed inside quoted fields, CRLF or LF record ends, an optional UTF-8 byte-order mark.
///
/// Every record keeps the 1-based line on which it starts, so errors can point at `file:line`.
struct CSVTable {
    struct Record {
        let line: Int
        let fields: [String]
    }

    /// The first record.
    let header: Record
    /// The records after the header, blank lines dropped.
    let rows: [Record]

    /// Parses `text` read from `path` (used in error messages).
    /// - Throws: `CorpusError.manifest` for an unterminated quote, text after a closing quote, a missing header
    ///   or a row whose field count differs from the header's.
    init(text: String, path: String) throws {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var inQuotes = false, afterQuote = false, quotedFieldLine = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        func endRecord() {
            fields.append(field)
            // A record that is one empty field is a blank line.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
            afterQuote = false
        }
        while index < scalars.count {
            let c = scalars[index]
            index += 1
            if inQuotes {
                if c == "\"" {
                    if index < scalars.count && scalars[index] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
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
            case "\r" where index < scalars.count && scalars[index] == "\n":
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
}
