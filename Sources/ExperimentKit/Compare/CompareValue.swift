import Foundation

/// One cell of the comparison: a parameter, metric or attribute value of a run.
public enum CompareValue: Sendable, Hashable, CustomStringConvertible {
    /// A number (ints and floats alike, so `1e-3 == 0.001`).
    case number(Double)
    /// Text, including status names and dates.
    case string(String)
    /// `true`/`false`.
    case bool(Bool)
    /// An explicit `null` in the spec.
    case null

    /// The number, when this is one.
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The text shown in tables: numbers in their shortest round-trip form.
    public var description: String {
        switch self {
        case .number(let value): return Self.shortest(value)
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        }
    }

    /// The text with fractional numbers at `precision` decimals (used for metrics; parameters print exactly).
    public func formatted(precision: Int) -> String {
        guard case .number(let value) = self, value.isFinite, value != value.rounded() else { return description }
        return String(format: "%.\(precision)f", value)
    }

    /// Integers without `.0`, everything else as Swift prints a `Double`.
    static func shortest(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// The JSON form for `--format json`.
    var json: JSONValue {
        switch self {
        case .number(let value):
            if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return .int(Int(value)) }
            return value.isFinite ? .double(value) : .string(description)
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        }
    }

    /// Orders numbers numerically, strings lexically, and numbers before strings before the rest.
    static func precedes(_ a: CompareValue, _ b: CompareValue) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return x < y
        case let (.string(x), .string(y)): return x < y
        case let (.bool(x), .bool(y)): return !x && y
        default: return a.rank < b.rank
        }
    }

    private var rank: Int {
        switch self {
        case .number: return 0
        case .string: return 1
        case .bool: return 2
        case .null: return 3
        }
    }
}
