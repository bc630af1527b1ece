/// A problem in a spec or an override, reported as `file:line:column: path: message` (STYLE F).
///
/// Each message says what was found, what is accepted and, for a misspelt key or type, the nearest valid name
/// ("Did you mean 'lstm'?", edit distance < 4, as swift-argument-parser does).
public enum SpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A spec file could not be read.
    case unreadable(file: String, reason: String)
    /// The YAML text itself is unusable (syntax, tabs, duplicate keys, nesting, size) at `location`.
    case syntax(SourceLocation, message: String)
    /// A mapping key that this level does not accept; `owner` names what it belongs to, e.g. "layer type 'dense'".
    case unknownKey(SourceLocation, path: String, key: String, validKeys: [String], owner: String?)
    /// A component type name with no registration of its kind.
    case unknownType(SourceLocation, path: String, kind: ComponentKind, type: String, known: [String])
    /// A required key is absent from the mapping at `path`.
    case missingKey(SourceLocation, path: String, key: String)
    /// A value of the wrong type, e.g. expected "an integer", got "'abc'".
    case typeMismatch(SourceLocation, path: String, expected: String, got: String)
    /// A value of the right type that is not accepted (range checks, names, choices).
    case invalidValue(SourceLocation, path: String, message: String)
    /// `extends` leads back to a file already in the chain.
    case extendsCycle(SourceLocation, chain: [String])
    /// A command-line override that cannot be parsed or applied; `column` counts from 1 in `text`.
    case invalidOverride(text: String, column: Int, message: String)

    /// Where the problem is, when it is in a file.
    public var location: SourceLocation? {
        switch self {
        case .unreadable, .invalidOverride: nil
        case .syntax(let l, _), .unknownKey(let l, _, _, _, _), .unknownType(let l, _, _, _, _),
             .missingKey(let l, _, _), .typeMismatch(let l, _, _, _), .invalidValue(let l, _, _),
             .extendsCycle(let l, _):
            l
        }
    }

    /// The full one-line message.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read spec: \(reason)"
        case .syntax(let location, let message):
            return "\(location): \(message)"
        case .unknownKey(let location, let path, let key, let validKeys, let owner):
            let scope = owner.map { " for \($0)" } ?? ""
            let valid = validKeys.isEmpty ? "No keys are accepted here." : "Valid keys: \(validKeys.sorted().joined(separator: ", "))."
            return "\(location): \(path): unknown key '\(key)'\(scope). \(valid)" + didYouMean(key, among: validKeys)
        case .unknownType(let location, let path, let kind, let type, let known):
            let list = known.isEmpty
                ? "No \(kind.rawValue) types are registered."
                : "Known \(kind.rawValue) types: \(known.sorted().joined(separator: ", "))."
            return "\(location): \(path): unknown \(kind.rawValue) type '\(type)'. \(list)" + didYouMean(type, among: known)
        case .missingKey(let location, let path, let key):
            return "\(location): \(path.isEmpty ? key : path): missing required key '\(key)'"
        case .typeMismatch(let location, let path, let expected, let got):
            return "\(location): \(path): expected \(expected), got \(got)"
        case .invalidValue(let location, let path, let message):
            return "\(location): \(path): \(message)"
        case .extendsCycle(let location, let chain):
            return "\(location): extends: cycle in the extends chain: \(chain.joined(separator: " → "))"
        case .invalidOverride(let text, let column, let message):
            return "override '\(text)', column \(column): \(message)"
        }
    }
}

/// Every problem found in one spec, reported together so a user fixes them in one pass.
public struct SpecErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems: those without a position first, then spec files, override values and defaults, each by
    /// file, line and column.
    public let errors: [SpecError]

    /// Collects `errors`, ordering them by location.
    public init(_ errors: [SpecError]) {
        precondition(!errors.isEmpty, "SpecErrors needs at least one error")
        func key(_ error: SpecError) -> (Int, String, Int, Int) {
            guard let location = error.location else { return (0, "", 0, 0) }
            let group = location.file.hasPrefix("<") ? 3 : location.file.hasPrefix("override '") ? 2 : 1
            return (group, location.file, location.line, location.column)
        }
        self.errors = errors.enumerated().sorted { a, b in
            let ka = key(a.element), kb = key(b.element)
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
    }

    /// One error per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Gathers spec errors from independent checks so that all of them are reported at once.
public struct SpecErrorCollector: Sendable {
    /// The errors so far, in the order found.
    public private(set) var errors: [SpecError] = []

    /// Creates an empty collector.
    public init() {}

    /// Records one error.
    public mutating func record(_ error: SpecError) { errors.append(error) }

    /// Runs `body`, recording its `SpecError`/`SpecErrors` and returning `nil` if it threw one; other errors propagate.
    public mutating func capture<T>(_ body: () throws -> T) throws -> T? {
        do {
            return try body()
        } catch let error as SpecError {
            errors.append(error)
        } catch let error as SpecErrors {
            errors.append(contentsOf: error.errors)
        }
        return nil
    }

    /// Throws `SpecErrors` with everything recorded, if anything was.
    public func finish() throws {
        if !errors.isEmpty { throw SpecErrors(errors) }
    }
}

/// " Did you mean 'x'?" for the candidate nearest to `word` by edit distance, else "".
func didYouMean(_ word: String, among candidates: [String]) -> String {
    guard let best = nearest(to: word, among: candidates) else { return "" }
    return " Did you mean '\(best)'?"
}

/// The candidate nearest to `word` by Levenshtein distance, if it is close enough to be a plausible typo: distance
/// < 4 (argument-parser's bound) and at most half the word's length, so `bias` does not suggest `units`.
func nearest(to word: String, among candidates: [String]) -> String? {
    let scored = candidates.sorted().map { (name: $0, distance: editDistance(word, $0)) }
    guard let best = scored.min(by: { $0.distance < $1.distance }),
          best.distance < 4, best.distance <= max(1, word.count / 2) else { return nil }
    return best.name
}

/// Levenshtein distance over Unicode characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        previous = current
    }
    return previous[b.count]
}

/// Builds dotted spec paths: `model` + `layers` + 4 → `model.layers[4]`.
enum SpecPath {
    static func key(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }
    static func index(_ parent: String, _ index: Int) -> String { "\(parent)[\(index)]" }
}
