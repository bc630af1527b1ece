import Foundation

/// An experiment with every default filled in: what a run records (`spec.yaml`/`run.json`) and what its id hashes.
///
/// The sweep definition is not part of it: each trial of a sweep is its own resolved spec.
public struct ResolvedSpec: Sendable, Equatable, Codable {
    /// The experiment name (`runs/<name>/`).
    public var name: String
    /// The seed of every random choice in the run.
    public var seed: Int
    /// The corpus and clip preparation.
    public var data: ResolvedData
    /// The feature extractor.
    public var features: ResolvedComponent
    /// The augmentations, in order.
    public var augment: [ResolvedComponent]
    /// The network.
    public var model: ResolvedModel
    /// The optimizer.
    public var optimizer: ResolvedComponent
    /// The learning-rate schedule, or `nil` for a constant rate.
    public var schedule: ResolvedComponent?
    /// Epochs, batches, early stopping.
    public var training: TrainingOptions
    /// The train/validation/test split.
    public var split: ResolvedComponent
    /// `labels`: the renaming and class selection applied to every corpus, or nil (left out of the JSON, so specs
    /// without it keep their run ids).
    public var labels: LabelOptions?
    /// The metrics reported.
    public var metrics: [ResolvedComponent]

    /// Compact JSON with sorted keys: the same for equal specs whatever their key order or file layout.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Self.text(encoder, self)
    }

    /// Indented JSON with sorted keys, as written into run artifacts.
    public var prettyJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Self.text(encoder, self)
    }

    /// The stable id of this resolved spec: the first 10 hex digits of SHA-256 of `canonicalJSON`, with a slug.
    public var runID: RunID { RunID(name: name, hash: String(SHA256.hex(canonicalJSON).prefix(10))) }

    private static func text(_ encoder: JSONEncoder, _ spec: ResolvedSpec) -> String {
        do {
            return String(decoding: try encoder.encode(spec), as: UTF8.self)
        } catch {
            // Only non-finite floats fail to encode, and every numeric option is range-checked before this.
            preconditionFailure("resolved spec '\(spec.name)' does not encode as JSON: \(error)")
        }
    }
}

/// A run's identity: a readable slug of the name and a hash of the resolved spec, e.g. `cnn-lstm-mfcc-3f9a0c21be`.
public struct RunID: Sendable, Hashable, CustomStringConvertible {
    /// The name lowercased, with runs of other characters than `a-z0-9` turned into `-` (at most 40 characters).
    public var slug: String
    /// 10 lowercase hex digits.
    public var hash: String

    /// Derives the slug from `name`.
    public init(name: String, hash: String) {
        var slug = ""
        for character in name.lowercased() {
            if character.isASCII, character.isLetter || character.isNumber {
                slug.append(character)
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.last == "-" { slug.removeLast() }
        self.slug = slug.isEmpty ? "run" : String(slug.prefix(40))
        self.hash = hash
    }

    /// `<slug>-<hash>`, the run directory name.
    public var description: String { "\(slug)-\(hash)" }
}

/// `data` resolved: the corpus (type in `corpus`) and the clip preparation options, encoded flat as in YAML; or,
/// for several corpora, `corpora: [{corpus: …}, …]` beside the shared options.
public struct ResolvedData: Sendable, Equatable, Codable {
    /// The corpus type and its options (the first of `corpora` when there are several).
    public var corpus: ResolvedComponent
    /// Every corpus of `data.corpora`, in order, or nil for the single-corpus form `data: {corpus: …}`.
    public var corpora: [ResolvedComponent]?
    /// Sample rate, duration, normalisation.
    public var options: DataOptions

    /// Creates resolved data options for one corpus.
    public init(corpus: ResolvedComponent, options: DataOptions) {
        self.corpus = corpus
        self.options = options
    }

    /// Creates resolved data options for the list form (`corpora`, at least one).
    public init(corpora: [ResolvedComponent], options: DataOptions) {
        precondition(!corpora.isEmpty, "ResolvedData needs at least one corpus")
        self.corpus = corpora[0]
        self.corpora = corpora
        self.options = options
    }

    /// Every corpus read, in order: `corpora`, or the one `corpus`.
    public var allCorpora: [ResolvedComponent] { corpora ?? [corpus] }

    public init(from decoder: any Decoder) throws {
        let options = try DataOptions(from: decoder)
        var object = try [String: JSONValue](from: decoder)
        if case .array(let items)? = object["corpora"] {
            let list = try items.map { item -> ResolvedComponent in
                guard case .object(var entry) = item, case .string(let type)? = entry.removeValue(forKey: "corpus") else {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                            debugDescription: "each of data.corpora needs a string 'corpus'"))
                }
                return ResolvedComponent(type: type, options: entry)
            }
            guard !list.isEmpty else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "data.corpora is empty"))
            }
            self.init(corpora: list, options: options)
            return
        }
        guard case .string(let type)? = object.removeValue(forKey: "corpus") else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "data needs a string 'corpus'"))
        }
        for key in DataOptions.acceptedKeys { object.removeValue(forKey: key) }
        self.init(corpus: ResolvedComponent(type: type, options: object), options: options)
    }

    public func encode(to encoder: any Encoder) throws {
        guard case .object(let own) = try JSONValue(encoding: options) else {
            preconditionFailure("DataOptions must encode as a keyed container")
        }
        var object: [String: JSONValue]
        if let corpora {
            object = own
            object["corpora"] = .array(corpora.map { entry in
                var fields = entry.options
                fields["corpus"] = .string(entry.type)
                return .object(fields)
            })
        } else {
            object = corpus.options.merging(own) { _, own in own }
            object["corpus"] = .string(corpus.type)
        }
        try object.encode(to: encoder)
    }
}

/// `model` resolved.
public struct ResolvedModel: Sendable, Equatable, Codable {
    /// The layers, in order.
    public var layers: [ResolvedComponent]
}

extension ExperimentSpec {
    /// Whether `name` can name a run directory: `[A-Za-z0-9._-]+`, not `.`, and no `..` (so it stays inside the
    /// runs root).
    public static func isValidName(_ name: String) -> Bool {
        name.wholeMatch(of: /[A-Za-z0-9._-]+/) != nil && !name.contains("..") && name != "."
    }
}
