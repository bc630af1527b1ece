/// Why a corpus could not be read, split or fetched; every case names the file, key or speaker at fault.
public enum CorpusError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file name that is not a valid RAVDESS name.
    case badRavdessName(path: String, reason: String)
    /// A file name that does not follow the naming rule of `corpus` (e.g. `crema_d`, `emodb`); `reason` names the
    /// field and its value, `expected` shows the rule and an example.
    case badFileName(corpus: String, path: String, reason: String, expected: String)
    /// A label mapping (`labels: {map, keep}`) that names labels the corpus does not have.
    case labels(reason: String)
    /// Corpora that cannot be combined into one (repeated names, an empty list).
    case combination(reason: String)
    /// A file that exists but could not be decoded as audio (or hashed).
    case unreadableFile(path: String, reason: String)
    /// The corpus root (directory or manifest) does not exist or is not what the corpus kind expects.
    case badRoot(path: String, reason: String)
    /// The corpus holds no usable clip.
    case emptyCorpus(path: String, reason: String)
    /// A manifest line is malformed; `line` is 1-based, `column` is the header name when known.
    case manifest(path: String, line: Int, column: String?, reason: String)
    /// A split configuration that does not fit the corpus (unknown speaker, too few speakers, bad fraction).
    case invalidSplit(split: String, reason: String)
    /// A split result that breaks one of its invariants (speaker on two sides, a duplicate straddling sides).
    case splitInvariant(split: String, reason: String)
    /// A download, verification or unpacking failure of `exp data fetch`.
    case fetch(reason: String)

    public var description: String {
        switch self {
        case .badRavdessName(let path, let reason):
            return "\(path): not a RAVDESS file name (\(reason)); expected MM-VV-EE-II-SS-RR-AA.wav, e.g. 03-01-06-01-02-01-12.wav"
        case .badFileName(let corpus, let path, let reason, let expected):
            return "\(path): not a \(corpus) file name (\(reason)); expected \(expected)"
        case .labels(let reason):
            return "labels: \(reason)"
        case .combination(let reason):
            return "data: \(reason)"
        case .unreadableFile(let path, let reason):
            return "\(path): unreadable audio file (\(reason))"
        case .badRoot(let path, let reason):
            return "\(path): \(reason)"
        case .emptyCorpus(let path, let reason):
            return "\(path): no usable clips (\(reason))"
        case .manifest(let path, let line, let column, let reason):
            let columnText = column.map { ", column '\($0)'" } ?? ""
            return "\(path):\(line)\(columnText): \(reason)"
        case .invalidSplit(let split, let reason):
            return "split '\(split)': \(reason)"
        case .splitInvariant(let split, let reason):
            return "split '\(split)' violates an invariant: \(reason)"
        case .fetch(let reason):
            return "fetch: \(reason)"
        }
    }
}
