/// `labels`: how a spec renames, merges and drops classes of its corpora before training (and of the corpora it is
/// evaluated on).
///
/// ```yaml
/// labels:
///   map: {calm: neutral, boredom: neutral}   # old label -> new label; several may merge into one
///   keep: [neutral, happy, sad, angry]        # after mapping: these classes, in this output order
/// ```
///
/// `map` applies first; then, with `keep`, clips of any other class are left out and the model's outputs follow
/// the order of `keep` (without it, the corpus's own class order after mapping).
public struct LabelOptions: Codable, Sendable, Equatable, StrictDecodable, Validatable {
    /// Old label to new label (`map`, default empty).
    public var map: [String: String] = [:]
    /// The classes kept after mapping, in output order (`keep`), or nil to keep every class.
    public var keep: [String]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case map, keep
    }

    /// No renaming, every class kept.
    public init(map: [String: String] = [:], keep: [String]? = nil) {
        self.map = map
        self.keep = keep
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        map = try c.decodeIfPresent([String: String].self, forKey: .map) ?? [:]
        keep = try c.decodeIfPresent([String].self, forKey: .keep)
    }

    /// An empty `map` is left out, so `labels: {keep: [...]}` resolves to just that.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !map.isEmpty { try c.encode(map, forKey: .map) }
        try c.encodeIfPresent(keep, forKey: .keep)
    }

    /// Decodes `node` strictly at `path` (`labels`, `evaluate[0].labels`).
    /// - Throws: `SpecErrors` naming the key and `line:column`.
    public init(node: SpecNode, path: String) throws {
        self = try StrictDecoder.decode(LabelOptions.self, from: node, path: path, owner: "labels")
    }

    /// Labels are non-empty; `keep` lists at least one class, each once.
    public func validate() -> [ValueIssue] {
        var issues: [ValueIssue] = []
        if let empty = map.first(where: { $0.key.isEmpty || $0.value.isEmpty }) {
            issues.append(ValueIssue(key: CodingKeys.map.stringValue,
                                     message: "map needs non-empty labels. Received: '\(empty.key)' -> '\(empty.value)'"))
        }
        if let keep {
            if keep.isEmpty { issues.append(ValueIssue(key: "keep", message: "keep must list at least one class")) }
            var seen = Set<String>()
            if let twice = keep.first(where: { !seen.insert($0).inserted }) {
                issues.append(ValueIssue(key: "keep", message: "keep lists '\(twice)' more than once"))
            }
            if keep.contains("") { issues.append(ValueIssue(key: "keep", message: "keep needs non-empty labels")) }
        }
        return issues
    }
}
