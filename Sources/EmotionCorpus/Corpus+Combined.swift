import Foundation

extension Clip {
    /// The attribute key naming the corpus a clip of a combined corpus came from (`Corpus.combined`).
    public static let corpusAttribute = "corpus"

    /// The corpus this clip came from in a combined corpus, or `nil` in a single one.
    public var corpus: String? { attributes[Clip.corpusAttribute] }
}

extension Corpus {
    /// Several corpora as one: every clip records its corpus (attribute `corpus`), speakers are namespaced
    /// `"<corpus>/<speaker>"` (`"emodb/03"`) so a speaker split can never confuse two corpora's speaker `01`,
    /// and the classes are the union in `EmotionVocabulary.ordered` order.
    ///
    /// Clips keep their corpus order (the order of `corpora`, then each corpus's own path order); skipped files
    /// are concatenated and label-mapping counts summed. The name is the corpus names joined by `+`; the root is
    /// the deepest directory holding every corpus root. A list of one corpus is also tagged and namespaced, so a
    /// run's clip records look the same whether it reads one corpus or several. A `corpus` attribute a clip
    /// already had (a manifest column of that name) is replaced by the name of the corpus it is read from.
    ///
    /// - Throws: `CorpusError.combination` for an empty list, or two corpora with one name (rename one with
    ///   its reader's `name` option).
    public static func combined(_ corpora: [Corpus]) throws -> Corpus {
        guard !corpora.isEmpty else { throw CorpusError.combination(reason: "the list of corpora is empty") }
        var names = Set<String>()
        for corpus in corpora where !names.insert(corpus.name).inserted {
            throw CorpusError.combination(reason: "corpus name '\(corpus.name)' appears twice; give one of them " +
                                          "another name")
        }
        var clips: [Clip] = []
        var dropped: [String: Int] = [:]
        for corpus in corpora {
            for var clip in corpus.clips {
                clip.speaker = clip.speaker.map { "\(corpus.name)/\($0)" }
                clip.attributes[Clip.corpusAttribute] = corpus.name
                clips.append(clip)
            }
            for (label, count) in corpus.dropped { dropped[label, default: 0] += count }
        }
        return Corpus(name: corpora.map(\.name).joined(separator: "+"), root: commonDirectory(corpora.map(\.root)),
                      clips: clips, classes: EmotionVocabulary.ordered(corpora.flatMap(\.classes)),
                      skipped: corpora.flatMap(\.skipped), dropped: dropped)
    }

    /// The corpora a combined corpus was made of, in clip order (empty for a single corpus).
    public var corpusNames: [String] {
        var seen = Set<String>()
        return clips.compactMap(\.corpus).filter { seen.insert($0).inserted }
    }

    /// The clips of one part of a combined corpus, named after the part, with this corpus's classes and the
    /// namespaced speakers (skipped files and drop counts stay with the whole).
    public func part(_ corpusName: String) -> Corpus {
        let clips = self.clips.filter { $0.corpus == corpusName }
        return Corpus(name: corpusName, root: Corpus.commonDirectory(clips.map(\.path)), clips: clips,
                      classes: classes)
    }

    /// The deepest directory that contains every path (`/` when absolute paths share nothing, `.` for relative).
    static func commonDirectory(_ paths: [String]) -> String {
        let split = paths.map { $0.split(separator: "/", omittingEmptySubsequences: true).map(String.init) }
        let absolute = paths.allSatisfy { $0.hasPrefix("/") }
        guard var prefix = split.first else { return "/" }
        for components in split.dropFirst() {
            var length = 0
            while length < min(prefix.count, components.count) && prefix[length] == components[length] { length += 1 }
            prefix = Array(prefix.prefix(length))
        }
        if paths.count == 1, let only = paths.first, !FileManager.default.fileExists(atPath: only + "/") {
            // A single file (a manifest, a clip): its directory.
            prefix = Array(prefix.dropLast())
        }
        let joined = prefix.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
