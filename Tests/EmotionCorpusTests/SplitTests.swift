import EmotionCorpus
import Foundation
import Testing

/// Invariants of every split on an in-memory RAVDESS-shaped corpus (24 actors × 60 clips, distinct hashes).
@Suite struct SplitTests {
    let corpus = CorpusFixtures.memoryRavdess()

    func sides(_ result: SplitResult) -> [SplitSide?] {
        var sides = [SplitSide?](repeating: nil, count: corpus.clips.count)
        for side in SplitSide.allCases { for index in result.indices(side) { sides[index] = side } }
        return sides
    }

    func speakers(_ indices: [Int]) -> Set<String> { Set(indices.compactMap { corpus.clips[$0].speaker }) }

    func genderCounts(_ speakers: [String]) -> (male: Int, female: Int) {
        let genders = corpus.speakerGenders
        return (speakers.filter { genders[$0] == .male }.count, speakers.filter { genders[$0] == .female }.count)
    }

    func expectPartition(_ result: SplitResult) {
        let all = (result.train + result.validation + result.test + result.excluded).sorted()
        #expect(all == Array(corpus.clips.indices))
    }

    func expectSpeakerDisjoint(_ result: SplitResult) {
        let train = speakers(result.train), validation = speakers(result.validation), test = speakers(result.test)
        #expect(train.isDisjoint(with: test) && train.isDisjoint(with: validation) && validation.isDisjoint(with: test))
        #expect(result.trainSpeakers == Array(train).sorted() && result.testSpeakers == Array(test).sorted())
        #expect(result.validationSpeakers == Array(validation).sorted())
    }

    @Test func randomSplitIsStratifiedAndSeeded() throws {
        let split = RandomSplit(.init(testFraction: 0.2, validationFraction: 0.1, seed: 3))
        let result = try split.apply(to: corpus)
        expectPartition(result)
        let labels = corpus.clips.map(\.label)
        for label in corpus.classes {
            let total = labels.filter { $0 == label }.count
            #expect(result.test.filter { labels[$0] == label }.count == Int((0.2 * Double(total)).rounded()))
            #expect(result.validation.filter { labels[$0] == label }.count == Int((0.1 * Double(total)).rounded()))
        }
        #expect(try split.apply(to: corpus) == result)
        #expect(try RandomSplit(.init(seed: 4)).apply(to: corpus).test != RandomSplit(.init(seed: 3)).apply(to: corpus).test)
        #expect(result.split == "random(test_fraction=0.2, validation_fraction=0.1, seed=3)")
        #expect(throws: CorpusError.invalidSplit(split: "random", reason:
            "test_fraction must be in [0, 1). Received: test_fraction=1.5")) {
            try RandomSplit(.init(testFraction: 1.5)).apply(to: corpus)
        }
    }

    @Test(arguments: [0, 1, 2, 3])
    func speakerHoldoutByFractionIsDisjointAndGenderBalanced(seed: Int) throws {
        let split = SpeakerHoldoutSplit(.init(testFraction: 0.2, validationFraction: 0.1, seed: seed))
        let result = try split.apply(to: corpus)
        expectPartition(result)
        expectSpeakerDisjoint(result)
        #expect(result.testSpeakers.count == 5 && result.validationSpeakers.count == 2)
        #expect(result.trainSpeakers.count == 17)
        let test = genderCounts(result.testSpeakers), validation = genderCounts(result.validationSpeakers)
        #expect(abs(test.male - test.female) == 1)
        #expect(validation.male == 1 && validation.female == 1)
        #expect(try split.apply(to: corpus) == result)
    }

    @Test func speakerHoldoutDrawsDifferSeedToSeed() throws {
        let draws = try Set((0..<6).map { try SpeakerHoldoutSplit(.init(seed: $0)).apply(to: corpus).testSpeakers })
        #expect(draws.count > 1)
    }

    @Test func speakerHoldoutWithExplicitSpeakers() throws {
        let split = SpeakerHoldoutSplit(.init(testSpeakers: ["23", "24"], validationSpeakers: ["01"]))
        let result = try split.apply(to: corpus)
        expectSpeakerDisjoint(result)
        #expect(result.testSpeakers == ["23", "24"] && result.validationSpeakers == ["01"])
        #expect(result.test.count == 120 && result.validation.count == 60 && result.train.count == 1260)
        let mixed = try SpeakerHoldoutSplit(.init(testSpeakers: ["02"], validationFraction: 0.1, seed: 1)).apply(to: corpus)
        #expect(mixed.testSpeakers == ["02"] && mixed.validationSpeakers.count == 2 && !mixed.validationSpeakers.contains("02"))
        #expect(throws: CorpusError.invalidSplit(split: "speaker_holdout", reason:
            "test_speakers names speaker '25', which is not in corpus 'ravdess'. Known speakers: " +
            (1...24).map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ", "))) {
            try SpeakerHoldoutSplit(.init(testSpeakers: ["25"])).apply(to: corpus)
        }
        #expect(throws: CorpusError.invalidSplit(split: "speaker_holdout", reason:
            "speaker '03' is listed in both test_speakers and validation_speakers")) {
            try SpeakerHoldoutSplit(.init(testSpeakers: ["03"], validationSpeakers: ["03"])).apply(to: corpus)
        }
        #expect(throws: CorpusError.invalidSplit(split: "speaker_holdout", reason:
            "19 test and 5 validation speakers leave no training speaker out of 24")) {
            try SpeakerHoldoutSplit(.init(testFraction: 0.8, validationFraction: 0.2)).apply(to: corpus)
        }
    }

    /// YAML reads `test_speakers: [5, 6]` as numbers; they name RAVDESS's two-digit actors '05' and '06'.
    @Test func numericSpeakerIdsMatchByNumber() throws {
        let result = try SpeakerHoldoutSplit(.init(testSpeakers: ["5", "6"], validationSpeakers: ["007"])).apply(to: corpus)
        #expect(result.testSpeakers == ["05", "06"] && result.validationSpeakers == ["07"])
        #expect(result.test.count == 120 && result.validation.count == 60)
        #expect(throws: CorpusError.invalidSplit(split: "speaker_holdout", reason:
            "speaker '05' is listed in both test_speakers and validation_speakers")) {
            try SpeakerHoldoutSplit(.init(testSpeakers: ["5"], validationSpeakers: ["05"])).apply(to: corpus)
        }
        // Only digits compare as numbers: '+5' and ' 5' are names, and unknown.
        for name in ["+5", " 5", "5a"] {
            #expect(throws: CorpusError.self) { try SpeakerHoldoutSplit(.init(testSpeakers: [name])).apply(to: corpus) }
        }
        #expect(try LeaveOneSpeakerOutSplit(.init(speaker: "7")).apply(to: corpus).testSpeakers == ["07"])
    }

    @Test(arguments: [2, 5, 7])
    func kFoldTestsEverySpeakerExactlyOnceWithBalancedFolds(k: Int) throws {
        var tested: [String] = []
        var firstFolds: [[String]]?
        for fold in 0..<k {
            let split = SpeakerKFoldSplit(.init(k: k, fold: fold, validation: k > 2 ? .nextFold : .none, seed: 11))
            let result = try split.apply(to: corpus)
            expectPartition(result)
            expectSpeakerDisjoint(result)
            tested += result.testSpeakers
            let folds = try split.folds(of: corpus)
            #expect(firstFolds == nil || firstFolds == folds)
            firstFolds = folds
            #expect(result.testSpeakers == folds[fold].sorted { Int($0)! < Int($1)! })
            if k > 2 { #expect(result.validationSpeakers.count == folds[(fold + 1) % k].count) }
        }
        #expect(tested.sorted() == corpus.speakers.sorted())
        let folds = try #require(firstFolds)
        let sizes = folds.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
        let males = folds.map { genderCounts($0).male }, females = folds.map { genderCounts($0).female }
        #expect(males.max()! - males.min()! <= 1 && females.max()! - females.min()! <= 1)
    }

    /// The development protocol on real RAVDESS: actors 01-16, k 4, validation drawn from the training speakers.
    @Test func kFoldDrawsGenderBalancedValidationFromTheTrainingFolds() throws {
        let sixteen = Corpus(name: corpus.name, root: corpus.root,
                             clips: corpus.clips.filter { Int($0.speaker!)! <= 16 }, classes: corpus.classes)
        let plain = SpeakerKFoldSplit(.init(k: 4, validation: .none, seed: 3))
        var validated: [String] = []
        for fold in 0..<4 {
            let split = SpeakerKFoldSplit(.init(k: 4, fold: fold, validation: .trainSpeakers, seed: 3))
            let result = try split.apply(to: sixteen)
            let folds = try split.folds(of: sixteen)
            #expect(folds == (try plain.folds(of: sixteen)))
            #expect(result.testSpeakers == folds[fold].sorted())
            #expect(genderCounts(result.testSpeakers) == (male: 2, female: 2))
            #expect(genderCounts(result.validationSpeakers) == (male: 1, female: 1))
            #expect(result.trainSpeakers.count == 10)
            #expect(Set(result.validationSpeakers).isDisjoint(with: folds[fold]))
            validated += result.validationSpeakers
        }
        #expect(Set(validated).count > 2)  // each fold draws its own
        #expect(throws: CorpusError.invalidSplit(split: "speaker_kfold", reason:
            "validation_count must be in 1..<12 (the speakers outside the test fold). Received: validation_count=12")) {
            try SpeakerKFoldSplit(.init(k: 4, validation: .trainSpeakers, validationCount: 12)).apply(to: sixteen)
        }
    }

    @Test func kFoldRejectsImpossibleOptions() {
        #expect(throws: CorpusError.invalidSplit(split: "speaker_kfold", reason:
            "k must be in 2...24 (the number of speakers). Received: k=25")) {
            try SpeakerKFoldSplit(.init(k: 25)).apply(to: corpus)
        }
        #expect(throws: CorpusError.invalidSplit(split: "speaker_kfold", reason:
            "fold must be in 0..<5. Received: fold=5")) {
            try SpeakerKFoldSplit(.init(k: 5, fold: 5)).apply(to: corpus)
        }
    }

    @Test func losoHoldsOutEachSpeakerInTurn() throws {
        for fold in 0..<24 {
            let result = try LeaveOneSpeakerOutSplit(.init(fold: fold, validation: .nextSpeaker)).apply(to: corpus)
            expectSpeakerDisjoint(result)
            #expect(result.testSpeakers == [corpus.speakers[fold]])
            #expect(result.validationSpeakers == [corpus.speakers[(fold + 1) % 24]])
            #expect(result.test.count == 60 && result.train.count == 22 * 60)
        }
        let named = try LeaveOneSpeakerOutSplit(.init(speaker: "07")).apply(to: corpus)
        #expect(named.testSpeakers == ["07"] && named.validation.isEmpty && named.split == "loso(speaker=07, validation=none)")
        #expect(throws: CorpusError.self) { try LeaveOneSpeakerOutSplit(.init(fold: 24)).apply(to: corpus) }
    }

    @Test func statementHoldoutTestsOneSentence() throws {
        let result = try StatementHoldoutSplit(.init(testStatement: 1, validationFraction: 0.25, seed: 2))
            .apply(to: corpus)
        expectPartition(result)
        #expect(result.test.allSatisfy { corpus.clips[$0].attributes["statement"] == "01" })
        #expect((result.train + result.validation).allSatisfy { corpus.clips[$0].attributes["statement"] == "02" })
        #expect(result.test.count == 720 && result.validation.count == 180)
        #expect(try StatementHoldoutSplit(.init(testStatement: 1, validationFraction: 0.25, seed: 2)).apply(to: corpus)
            == result)
        var unlabelled = corpus
        unlabelled.clips[0].attributes["statement"] = nil
        #expect(throws: CorpusError.invalidSplit(split: "statement_holdout", reason:
            "clip \(corpus.clips[0].path) has no RAVDESS statement attribute (01 or 02)")) {
            try StatementHoldoutSplit(.init()).apply(to: unlabelled)
        }
    }

    @Test func speakerSplitsNeedSpeakers() {
        let anonymous = Corpus(name: "folders", root: "/x", clips: [Clip(path: "/x/a.wav", label: "sad", contentHash: "a")],
                               classes: ["sad"])
        #expect(throws: CorpusError.invalidSplit(split: "loso", reason:
            "corpus 'folders' has no speaker information; use a manifest with a 'speaker' column, or a random split")) {
            try LeaveOneSpeakerOutSplit(.init()).apply(to: anonymous)
        }
    }
}
