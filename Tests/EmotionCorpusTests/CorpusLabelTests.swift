import EmotionCorpus
import Testing

@Suite struct CorpusLabelTests {
    /// An in-memory corpus with `counts[label]` clips per label, two speakers.
    static func corpus(_ name: String, _ counts: [(String, Int)]) -> Corpus {
        var clips: [Clip] = []
        for (label, count) in counts {
            for index in 0..<count {
                let path = "/mem/\(name)/\(label)-\(index).wav"
                clips.append(Clip(path: path, label: label, speaker: index % 2 == 0 ? "01" : "02",
                                  gender: index % 2 == 0 ? .male : .female, contentHash: path))
            }
        }
        return Corpus(name: name, root: "/mem/\(name)", clips: clips.sorted { $0.path < $1.path },
                      classes: EmotionVocabulary.ordered(counts.map(\.0)))
    }

    @Test func vocabularyOrdersKnownLabelsCanonicallyAndOthersAfter() {
        #expect(EmotionVocabulary.labels == ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust",
                                             "surprised", "boredom"])
        #expect(EmotionVocabulary.ordered(["zest", "boredom", "angry", "neutral", "awe"])
                == ["neutral", "angry", "boredom", "awe", "zest"])
    }

    @Test func mapRenamesAndMergesClasses() throws {
        let corpus = Self.corpus("ravdess", [("neutral", 2), ("calm", 3), ("angry", 4)])
        let merged = try corpus.relabelled(map: ["calm": "neutral", "angry": "anger"])
        #expect(merged.classes == ["neutral", "anger"])
        #expect(merged.clips.filter { $0.label == "neutral" }.count == 5)
        #expect(merged.clips.filter { $0.label == "anger" }.count == 4)
        #expect(merged.clips.map(\.path) == corpus.clips.map(\.path))
        #expect(merged.dropped.isEmpty && merged.droppedCount == 0)
    }

    @Test func keepDropsOtherClassesCountingThemAndFollowsKeepOrder() throws {
        let corpus = Self.corpus("emodb", [("neutral", 2), ("angry", 3), ("boredom", 4), ("sad", 1)])
        let kept = try corpus.relabelled(map: ["sad": "neutral"], keep: ["angry", "neutral"])
        #expect(kept.classes == ["angry", "neutral"])
        #expect(kept.clips.count == 6)
        #expect(kept.dropped == ["boredom": 4])
        #expect(kept.droppedCount == 4)
        #expect(kept.labelIndices.allSatisfy { $0 >= 0 })
        // Counts carry over a second mapping, under the new names.
        let again = try kept.relabelled(map: ["angry": "high_arousal"], keep: ["high_arousal"])
        #expect(again.dropped == ["boredom": 4, "neutral": 3])
    }

    @Test func unknownLabelsAreNamed() {
        let corpus = Self.corpus("emodb", [("neutral", 1), ("boredom", 1)])
        #expect(throws: CorpusError.labels(reason: "map renames 'calm', which is not a class of corpus 'emodb'. " +
                                           "Known classes: neutral, boredom")) {
            try corpus.relabelled(map: ["calm": "neutral"])
        }
        #expect(throws: CorpusError.labels(reason: "keep lists 'happy', which corpus 'emodb' does not have. " +
                                           "Classes: neutral, boredom")) {
            try corpus.relabelled(map: [:], keep: ["neutral", "happy"])
        }
        #expect(throws: CorpusError.labels(reason: "keep lists 'neutral' twice")) {
            try corpus.relabelled(map: [:], keep: ["neutral", "neutral"])
        }
        #expect(throws: CorpusError.labels(reason: "map renames 'boredom' to an empty label")) {
            try corpus.relabelled(map: ["boredom": ""])
        }
        #expect((try? corpus.relabelled(map: ["boredom": "neutral"], keep: ["neutral"]))?.clips.count == 2)
    }

    @Test func restrictedUsesTheGivenClassOrderIncludingAbsentClasses() {
        let corpus = Self.corpus("emodb", [("neutral", 2), ("boredom", 3), ("angry", 1)])
        let model = ["angry", "calm", "neutral"]
        let scored = corpus.restricted(to: model)
        #expect(scored.classes == model)
        #expect(scored.presentLabels == ["angry", "neutral"])
        #expect(scored.dropped == ["boredom": 3])
        #expect(scored.labelIndices.sorted() == [0, 2, 2])
    }
}
