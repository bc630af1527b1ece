import Foundation

/// Where a `random:` sweep parameter draws its values from (the W&B sweep / Optuna vocabulary).
///
/// ```
/// {uniform: [lo, hi]}      x ~ U(lo, hi)
/// {loguniform: [lo, hi]}   x = exp(u), u ~ U(ln lo, ln hi)    (0 < lo < hi)
/// {int: [lo, hi]}          x ∈ {lo, …, hi}, each equally likely (both ends included)
/// {choice: [a, b, …]}      one item, each equally likely
/// ```
public enum SweepDistribution: Sendable, Equatable {
    /// `{uniform: [lo, hi]}`.
    case uniform(Double, Double)
    /// `{loguniform: [lo, hi]}`.
    case logUniform(Double, Double)
    /// `{int: [lo, hi]}`, both ends included.
    case integer(Int, Int)
    /// `{choice: [...]}`.
    case choice([SpecNode])

    /// The distribution names accepted.
    public static let names = ["choice", "int", "loguniform", "uniform"]

    /// Reads `{name: arguments}`.
    ///
    /// - Throws: `SpecErrors` for an unknown name, a wrong argument count or type, or an empty/inverted range.
    public init(node: SpecNode, path: String) throws {
        guard let entries = node.entries, entries.count == 1, let entry = entries.first else {
            throw SpecErrors([.typeMismatch(node.location, path: path, expected: "a mapping with one distribution ("
                + Self.names.joined(separator: ", ") + "), e.g. {loguniform: [1e-4, 1e-2]}", got: node.described)])
        }
        let here = "\(path).\(entry.key)"
        let value = entry.value
        func bounds<T>(_ parse: (SpecNode) -> T?, _ kind: String) throws -> (T, T) {
            guard let items = value.items, items.count == 2, let lo = parse(items[0]), let hi = parse(items[1]) else {
                throw SpecErrors([.typeMismatch(value.location, path: here, expected: "a list [lo, hi] of two \(kind)",
                                                got: value.items.map { "a list of \($0.count) item(s)" } ?? value.described)])
            }
            return (lo, hi)
        }
        switch entry.key {
        case "uniform", "loguniform":
            let (lo, hi) = try bounds(Self.number, "numbers")
            guard lo < hi, lo.isFinite, hi.isFinite else {
                throw SpecErrors([.invalidValue(value.location, path: here, message: "lo must be < hi. Received: [\(lo), \(hi)]")])
            }
            if entry.key == "loguniform" {
                guard lo > 0 else {
                    throw SpecErrors([.invalidValue(value.location, path: here,
                                                    message: "loguniform needs 0 < lo < hi. Received: [\(lo), \(hi)]")])
                }
                self = .logUniform(lo, hi)
            } else {
                self = .uniform(lo, hi)
            }
        case "int":
            let (lo, hi) = try bounds({ $0.scalarKind == .int ? $0.scalarText.flatMap { Int($0) } : nil }, "integers")
            guard lo <= hi else {
                throw SpecErrors([.invalidValue(value.location, path: here, message: "lo must be <= hi. Received: [\(lo), \(hi)]")])
            }
            self = .integer(lo, hi)
        case "choice":
            guard let items = value.items, !items.isEmpty else {
                throw SpecErrors([.typeMismatch(value.location, path: here, expected: "a non-empty list of values",
                                                got: value.items == nil ? value.described : "an empty list")])
            }
            self = .choice(items)
        default:
            throw SpecErrors([.unknownKey(entry.keyLocation, path: here, key: entry.key, validKeys: Self.names,
                                          owner: "a random sweep parameter")])
        }
    }

    /// One draw, as a spec value located where the distribution was written.
    public func sample(_ generator: inout SweepRandom, at location: SourceLocation) -> SpecNode {
        switch self {
        case .uniform(let lo, let hi):
            return .plain(Self.format(lo + (hi - lo) * generator.nextUnit()), at: location)
        case .logUniform(let lo, let hi):
            return .plain(Self.format(Foundation.exp(log(lo) + (log(hi) - log(lo)) * generator.nextUnit())), at: location)
        case .integer(let lo, let hi):
            return .plain(String(lo + Int(generator.next(below: UInt64(hi - lo) + 1))), at: location)
        case .choice(let items):
            return items[Int(generator.next(below: UInt64(items.count)))]
        }
    }

    /// Shortest round-tripping decimal text that YAML reads back as a float (`0.001`, `1e-05`, `3.0`).
    static func format(_ value: Double) -> String {
        let text = "\(value)"
        return ScalarKind(resolving: text) == .float ? text : text + ".0"
    }

    private static func number(_ node: SpecNode) -> Double? {
        guard let kind = node.scalarKind, kind == .int || kind == .float, let text = node.scalarText else { return nil }
        return Double(text)
    }
}

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): the seeded stream random sweeps draw from.
public struct SweepRandom: Sendable {
    private var state: UInt64

    /// Starts the stream whose state is `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in `0..<bound` without modulo bias (Lemire's rejection on the multiply-high).
    public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "bound must be > 0, got \(bound)")
        let threshold = (0 &- bound) % bound
        while true {
            let product = next().multipliedFullWidth(by: bound)
            if product.low >= threshold { return product.high }
        }
    }
}
