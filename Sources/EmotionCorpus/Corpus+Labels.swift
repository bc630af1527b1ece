extension Corpus {
    /// A copy with classes renamed by `map`, then only the classes in `keep` (clips of the others are dropped and
    /// counted in `dropped`, per label after renaming).
    ///
    /// Several labels may map to one (`{calm: neutral}` merges calm into neutral); a label not in `map` keeps
    /// its name. Classes come out in `keep` order when `keep` is given, else in `EmotionVocabulary.ordered`
    /// order. This is what the spec key `labels: {map: {…}, keep: […]}` does.
    ///
    /// - Parameters:
    ///   - map: Old label → new label; every key must be one of `classes`.
    ///   - keep: The labels (after renaming) to keep, each once, each present after renaming; `nil` keeps all.
    /// - Throws: `CorpusError.labels` naming a map key the corpus lacks, a kept label no clip has after
    ///   renaming, a label kept twice, an empty new name, or a mapping that leaves no clip.
    public func relabelled(map: [String: String], keep: [String]? = nil) throws -> Corpus {
        let known = Set(classes)
        if let unknown = map.keys.sorted().first(where: { !known.contains($0) }) {
            throw CorpusError.labels(reason: "map renames '\(unknown)', which is not a class of corpus '\(name)'. " +
                                     "Known classes: \(classes.joined(separator: ", "))")
        }
        if let empty = map.keys.sorted().first(where: { map[$0]?.isEmpty ?? false }) {
            throw CorpusError.labels(reason: "map renames '\(empty)' to an empty label")
        }
        func renamed(_ label: String) -> String { map[label] ?? label }
        let renamedClasses = EmotionVocabulary.ordered(classes.map(renamed))
        var result = self
        for index in result.clips.indices { result.clips[index].label = renamed(result.clips[index].label) }
        result.classes = renamedClasses
        result.dropped = [:]
        for (label, count) in dropped { result.dropped[renamed(label), default: 0] += count }
        guard let keep else { return result }
        var seen = Set<String>()
        for label in keep {
            guard seen.insert(label).inserted else {
                throw CorpusError.labels(reason: "keep lists '\(label)' twice")
            }
            guard renamedClasses.contains(label) else {
                throw CorpusError.labels(reason: "keep lists '\(label)', which corpus '\(name)' does not have" +
                                         (map.isEmpty ? "" : " after renaming") + ". Classes: " +
                                         renamedClasses.joined(separator: ", "))
            }
        }
        let kept = result.restricted(to: keep)
        guard !kept.clips.isEmpty else {
            throw CorpusError.labels(reason: "keep [\(keep.joined(separator: ", "))] leaves no clip of corpus '\(name)'")
        }
        return kept
    }

    /// A copy whose classes are exactly `classes` (in that order, which may include labels no clip has, such as
    /// a trained model's classes); clips of other labels are dropped and counted in `dropped`.
    ///
    /// Cross-corpus evaluation uses it to score a corpus in a model's class order: the model's classes the corpus
    /// lacks are `classes.filter { !presentLabels.contains($0) }`, the clips the model cannot score are `dropped`.
    public func restricted(to classes: [String]) -> Corpus {
        let allowed = Set(classes)
        var dropped = self.dropped
        var clips: [Clip] = []
        for clip in self.clips {
            if allowed.contains(clip.label) { clips.append(clip) } else { dropped[clip.label, default: 0] += 1 }
        }
        return Corpus(name: name, root: root, clips: clips, classes: classes, skipped: skipped, dropped: dropped)
    }

    /// The distinct labels that at least one clip has, in `classes` order.
    public var presentLabels: [String] {
        let present = Set(clips.map(\.label))
        return classes.filter(present.contains)
    }
}
