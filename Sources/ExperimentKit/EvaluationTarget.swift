import Foundation

/// One corpus a trained run is scored on: an entry of a spec's `evaluate:` list, a small corpus YAML file, or an
/// inline `corpus=emodb,root=data/emodb` argument of `exp evaluate`.
///
/// ```yaml
/// evaluate:
///   - {corpus: emodb, root: data/emodb}                       # results in eval/emodb/
///   - {corpus: manifest, path: data/tess.csv, name: tess-old}  # results in eval/tess-old/
/// ```
///
/// The keys are those of the corpus reader (as under `data`) plus `name`, the directory under `eval/` (default: the
/// name the reader gives the corpus), and `labels`, a relabelling used instead of the run's own `labels`.
public struct EvaluationTarget: Sendable, Equatable {
    /// The corpus reader and its options (`corpus` is the type key).
    public var corpus: ComponentSpec
    /// The results directory under `eval/`, or nil for the corpus's own name.
    public var name: String?
    /// `labels` given for this corpus, replacing the run's, or nil to use the run's.
    public var labels: LabelOptions?

    /// Keys an entry holds beside the corpus reader's options.
    public static let ownKeys = ["name", "labels"]

    /// Reads and validates one entry at `path` (e.g. `evaluate[1]`): the reader's options through `registries`,
    /// `name` as a run-directory component, `labels` strictly.
    /// - Throws: `SpecErrors` naming the key and its `line:column`.
    public init(node: SpecNode, path: String, registries: Registries) throws {
        guard node.entries != nil else {
            throw SpecErrors([.typeMismatch(node.location, path: path, expected: "a mapping with 'corpus' and the "
                + "corpus reader's options", got: node.described)])
        }
        var errors = SpecErrorCollector()
        let spec = try errors.capture {
            let spec = try ComponentSpec(node: node, path: path, kind: .corpus, typeKey: "corpus", sectionKeys: Self.ownKeys)
            _ = try registries.catalog(.corpus).resolve(spec)
            return spec
        }
        if let nameNode = node["name"] {
            if nameNode.scalarKind != .string, nameNode.scalarKind != .int {
                errors.record(.typeMismatch(nameNode.location, path: SpecPath.key(path, "name"), expected: "a string",
                                            got: nameNode.described))
            } else if let text = nameNode.scalarText, let problem = ExperimentSpec.nameProblem(text) {
                errors.record(.invalidValue(nameNode.location, path: SpecPath.key(path, "name"), message:
                    "\(problem); it names the directory eval/<name>. Received: name=\(text)"))
            }
        }
        let labels = try errors.capture { try node["labels"].map { try LabelOptions(node: $0, path: SpecPath.key(path, "labels")) } }
        try errors.finish()
        guard let spec, let labels else { preconditionFailure("an evaluation entry failed without recording an error") }
        self.corpus = spec
        self.name = node["name"]?.scalarText
        self.labels = labels
    }

    /// Reads a command-line corpus: a YAML file holding one entry (a mapping with `corpus`), or inline
    /// `key=value` pairs separated by commas, `corpus=emodb,root=data/emodb,name=emodb`, whose values are typed as
    /// YAML scalars (`labels` needs the file form).
    /// - Throws: `SpecErrors` for a bad entry or an unreadable file.
    public static func parse(argument: String, registries: Registries, loader: SpecLoader = SpecLoader()) throws
        -> EvaluationTarget {
        if !argument.contains("=") {
            guard FileManager.default.fileExists(atPath: argument) else {
                throw SpecErrors([.unreadable(file: argument, reason: "no such file; a corpus argument is a YAML file "
                    + "or corpus=<type>,<option>=<value>,… (e.g. corpus=emodb,root=data/emodb)")])
            }
            return try EvaluationTarget(node: loader.load(file: argument), path: "(corpus)", registries: registries)
        }
        let location = SourceLocation(file: "argument '\(argument)'", line: 1, column: 1)
        var entries: [SpecNode.Entry] = []
        var column = 1
        for pair in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let here = SourceLocation(file: location.file, line: 1, column: column)
            column += pair.unicodeScalars.count + 1
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw SpecErrors([.syntax(here, message: "expected key=value, got '\(pair)'; a corpus argument is "
                    + "a YAML file or corpus=<type>,<option>=<value>,… (e.g. corpus=emodb,root=data/emodb)")])
            }
            let key = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
            if entries.contains(where: { $0.key == key }) {
                throw SpecErrors([.syntax(here, message: "'\(key)' is given twice")])
            }
            let value = String(pair[pair.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            entries.append(SpecNode.Entry(key: key, keyLocation: here, value: .plain(value, at: here)))
        }
        return try EvaluationTarget(node: SpecNode(.mapping(entries), at: location), path: "(corpus)",
                                    registries: registries)
    }
}
