import EmotionCorpus
import Testing

@Suite struct CombinedCorpusTests {
    static func three() throws -> Corpus {
        try Corpus.combined([
            CorpusLabelTests.corpus("ravdess", [("calm", 2), ("angry", 4)]),
            CorpusLabelTests.corpus("emodb", [("boredom", 2), ("angry", 2), ("neutral", 2)]),
            CorpusLabelTests.corpus("emovo", [("surprised", 4), ("angry", 2)]),
        ])
    }

    @Test func namespacesSpeakersTagsCorporaAndUnitesClasses() throws {
        let all = try Self.three()
        #expect(all.name == "ravdess+emodb+emovo")
        #expect(all.root == "/mem")
        #expect(all.classes == ["neutral", "calm", "angry", "surprised", "boredom"])
        #expect(all.clips.count == 18)
        #expect(all.corpusNames == ["ravdess", "emodb", "emovo"])
        #expect(all.speakers == ["emodb/01", "emodb/02", "emovo/01", "emovo/02", "ravdess/01", "ravdess/02"])
        for clip in all.clips {
            let corpus = try #require(clip.corpus)
            #expect(clip.attributes["corpus"] == corpus)
            #expect(clip.path.hasPrefix("/mem/\(corpus)/"))
            #expect(clip.speaker?.hasPrefix(corpus + "/") == true)
        }
        #expect(all.speakerGenders["emodb/01"] == .male && all.speakerGenders["emodb/02"] == .female)
        let part = all.part("emodb")
        #expect(part.clips.count == 6 && part.classes == all.classes && part.root == "/mem/emodb")
    }

    @Test func refusesRepeatedNamesAndEmptyListsAndRetagsClips() throws {
        let one = CorpusLabelTests.corpus("emodb", [("angry", 1)])
        #expect(throws: CorpusError.combination(reason: "corpus name 'emodb' appears twice; give one of them another name")) {
            try Corpus.combined([one, one])
        }
        #expect(throws: CorpusError.combination(reason: "the list of corpora is empty")) { try Corpus.combined([]) }
        // A manifest column named `corpus` is replaced by the corpus the clip is read from.
        var manifest = CorpusLabelTests.corpus("mine", [("angry", 2)])
        manifest.clips[0].attributes["corpus"] = "tess"
        let pair = try Corpus.combined([one, manifest])
        #expect(pair.corpusNames == ["emodb", "mine"])
        #expect(pair.clips.map(\.speaker) == ["emodb/01", "mine/01", "mine/02"])
    }

    @Test func corpusHoldoutTestsOnTheWholeCorpusWithoutSpeakerLeak() throws {
        let all = try Self.three()
        let split = CorpusHoldoutSplit(.init(test: "emodb", validationCount: 2, seed: 3))
        let result = try split.apply(to: all)
        #expect(result.test.map { all.clips[$0].corpus } == Array(repeating: "emodb", count: 6))
        #expect(result.testSpeakers == ["emodb/01", "emodb/02"])
        // One validation speaker from each training corpus, whole speakers only.
        #expect(result.validationSpeakers.count == 2)
        #expect(Set(result.validationSpeakers.map { $0.split(separator: "/")[0] }) == ["ravdess", "emovo"])
        #expect(Set(result.trainSpeakers).isDisjoint(with: result.validationSpeakers))
        #expect(result.train.count + result.validation.count == 12)
        #expect(split.summary == "corpus_holdout(test=emodb, validation_count=2, balance_gender=true, seed=3)")
        // The same seed draws the same speakers.
        #expect(try split.apply(to: all) == result)
    }

    @Test func corpusHoldoutCanHoldOutAWholeValidationCorpus() throws {
        let all = try Self.three()
        let result = try CorpusHoldoutSplit(.init(test: "emovo", validation: "ravdess")).apply(to: all)
        #expect(Set(result.validation.map { all.clips[$0].corpus }) == ["ravdess"])
        #expect(Set(result.test.map { all.clips[$0].corpus }) == ["emovo"])
        #expect(Set(result.train.map { all.clips[$0].corpus }) == ["emodb"])
    }

    @Test func corpusHoldoutErrorsNameTheCorpus() throws {
        let all = try Self.three()
        #expect(throws: CorpusError.invalidSplit(split: "corpus_holdout", reason:
            "test names corpus 'emo', which is not in the data. Known corpora: ravdess, emodb, emovo")) {
            try CorpusHoldoutSplit(.init(test: "emo")).apply(to: all)
        }
        #expect(throws: CorpusError.invalidSplit(split: "corpus_holdout", reason:
            "corpus 'emodb' is a single corpus; list several corpora under data: to hold one out")) {
            try CorpusHoldoutSplit(.init(test: "emodb")).apply(to: CorpusLabelTests.corpus("emodb", [("angry", 2)]))
        }
        #expect(throws: CorpusError.invalidSplit(split: "corpus_holdout", reason:
            "4 validation speakers leave no training speaker out of the 4 speakers of ravdess, emovo")) {
            try CorpusHoldoutSplit(.init(test: "emodb", validationCount: 4)).apply(to: all)
        }
        #expect(throws: CorpusError.invalidSplit(split: "corpus_holdout", reason:
            "validation names corpus 'emovo'; drop validation_fraction and validation_count, or drop validation to " +
            "draw training speakers")) {
            try CorpusHoldoutSplit(.init(test: "emodb", validation: "emovo", validationFraction: 0.5)).apply(to: all)
        }
        var anonymous = CorpusLabelTests.corpus("mine", [("angry", 2)])
        for index in anonymous.clips.indices { anonymous.clips[index].speaker = nil }
        let noSpeakers = try Corpus.combined([anonymous, CorpusLabelTests.corpus("emodb", [("angry", 2)])])
        #expect(throws: CorpusError.invalidSplit(split: "corpus_holdout", reason:
            "the training corpora mine have no speakers to draw validation from; name a validation corpus instead")) {
            try CorpusHoldoutSplit(.init(test: "emodb", validationFraction: 0.2)).apply(to: noSpeakers)
        }
        // Without validation, a speakerless training corpus is fine.
        let plain = try CorpusHoldoutSplit(.init(test: "emodb")).apply(to: noSpeakers)
        #expect(plain.train.count == 2 && plain.test.count == 2)
    }
}
