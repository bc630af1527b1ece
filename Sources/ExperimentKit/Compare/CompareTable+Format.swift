import Foundation

/// Output formats of `exp compare`.
public enum CompareFormat: String, Sendable, CaseIterable {
    /// Aligned columns for a terminal.
    case table
    /// RFC 4180 CSV with full-precision numbers.
    case csv
    /// A GitHub Markdown table.
    case md
    /// A JSON array of objects (aggregates as `{mean, std, n}`).
    case json
}

extension CompareTable {
    /// The table rendered in `format`, ending with a newline.
    public func render(_ format: CompareFormat) -> String {
        switch format {
        case .table: return aligned()
        case .csv: return csv()
        case .md: return markdown()
        case .json: return json()
        }
    }

    /// The text of a cell for humans: numbers at `precision`, aggregates as `mean ± std`, missing as `-`.
    public func text(_ cell: CompareCell, column: String) -> String {
        switch cell {
        case .value(nil): return "-"
        case .value(let value?):
            return roundedColumns.contains(column) ? value.formatted(precision: precision) : value.description
        case let .aggregate(mean, std, _):
            return CompareValue.number(mean).formatted(precision: precision) + " ± "
                + String(format: "%.\(precision)f", std)
        }
    }

    private func isNumeric(_ cell: CompareCell) -> Bool {
        switch cell {
        case .value(.number?), .aggregate: return true
        default: return false
        }
    }

    private func aligned() -> String {
        let texts = rows.map { zip($0, columns).map { text($0, column: $1) } }
        let widths = columns.indices.map { column in
            max(columns[column].count, texts.map { $0[column].count }.max() ?? 0)
        }
        let numeric = columns.indices.map { column in !rows.isEmpty && rows.allSatisfy {
            isNumeric($0[column]) || $0[column] == .value(nil)
        } }
        func line(_ cells: [String]) -> String {
            cells.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - cells[column].count)
                return numeric[column] ? padding + cells[column] : cells[column] + padding
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [line(columns), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += texts.map(line)
        return lines.joined(separator: "\n") + "\n"
    }

    private func csv() -> String {
        func field(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        func raw(_ cell: CompareCell) -> String {
            switch cell {
            case .value(nil): return ""
            case .value(let value?): return value.description
            case let .aggregate(mean, std, _): return "\(CompareValue.number(mean)) ± \(CompareValue.number(std))"
            }
        }
        var lines = [columns.map(field).joined(separator: ",")]
        lines += rows.map { $0.map { field(raw($0)) }.joined(separator: ",") }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private func markdown() -> String {
        func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        let numeric = columns.indices.map { column in !rows.isEmpty && rows.allSatisfy {
            isNumeric($0[column]) || $0[column] == .value(nil)
        } }
        var lines = ["| " + columns.map(escape).joined(separator: " | ") + " |",
                     "|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined()]
        lines += rows.map { "| " + zip($0, columns).map { escape(text($0, column: $1)) }.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n"
    }

    private func json() -> String {
        let objects: [JSONValue] = rows.map { cells in
            var object: [String: JSONValue] = [:]
            for (key, cell) in zip(columns, cells) {
                switch cell {
                case .value(nil): object[key] = .null
                case .value(let value?): object[key] = value.json
                case let .aggregate(mean, std, count):
                    object[key] = .object(["mean": CompareValue.number(mean).json,
                                           "std": CompareValue.number(std).json, "n": .int(count)])
                }
            }
            return .object(object)
        }
        guard let data = try? JSONCoding.encoder().encode(JSONValue.array(objects)) else {
            preconditionFailure("compare rows encode as JSON")
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
