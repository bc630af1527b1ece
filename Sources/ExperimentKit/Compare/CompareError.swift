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
            // Control characters would break the three-line layout; a long expression is shown around the column.
            var characters = Array(text).map { $0.isNewline || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true ? "?" : $0 }
            var caretColumn = column
            if characters.count > 80 {
                let start = max(0, min(column - 40, characters.count - 80))
                let end = min(characters.count, start + 80)
                characters = (start > 0 ? ["…"] : []) + Array(characters[start ..< end]) + (end < characters.count ? ["…"] : [])
                caretColumn = column - start + (start > 0 ? 1 : 0)
            }
            let caret = String(repeating: " ", count: max(0, caretColumn - 1)) + "^"
            return "invalid --where expression: \(message) at column \(column)\n  \(String(characters))\n  \(caret)"
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
