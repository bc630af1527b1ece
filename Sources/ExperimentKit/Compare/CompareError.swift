import Foundation

/// Why `exp compare`, `exp diff` or `exp report` could not do what was asked.
public enum CompareError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `--where` expression that does not parse; `column` is 1-based.
    case expression(String, column: Int, message: String)
    /// A key named in `--where`, `--sort`, `--columns` or `--group-by` that no run has.
    case unknownKey(String, option: String, suggestion: String?)
    /// A path that holds no run.
    case noRuns(String)
    /// A run directory that cannot be read when it must be (e.g. for `exp diff`).
    case unreadableRun(path: String, reason: String)

    public var description: String {
        switch self {
        case let .expression(text, column, message):
            let caret = String(repeating: " ", count: max(0, column - 1)) + "^"
            return "invalid --where expression: \(message) at column \(column)\n  \(text)\n  \(caret)"
        case let .unknownKey(key, option, suggestion):
            return "\(option): no run has a parameter, metric or attribute '\(key)'."
                + (suggestion.map { " Did you mean '\($0)'?" } ?? "")
        case let .noRuns(path):
            return "\(path): no run directories found (a run directory holds run.json)"
        case let .unreadableRun(path, reason):
            return "\(path): \(reason)"
        }
    }
}

/// The closest known key to `key` by edit distance, when it is close enough to be a likely typo.
func suggestion(for key: String, among keys: some Sequence<String>) -> String? {
    var best: (String, Int)?
    for candidate in keys {
        let distance = editDistance(key, candidate)
        if distance < 4, distance < (best?.1 ?? .max) { best = (candidate, distance) }
    }
    return best?.0
}
