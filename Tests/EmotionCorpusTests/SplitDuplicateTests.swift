import EmotionCorpus
import Foundation
import Testing

/// Byte-identical files never straddle sides, and `verify` rejects leaky results.
@Suite struct SplitDuplicateTests {
    @Test func duplicatesWithinASpeakerFollowTheSpeaker() throws {
        // RAVDESS's real duplicate pair is inside actor 07: speaker splits keep it together for free.
        var corpus = CorpusFixtures.memoryRavdess()
        let actor07 = corpus.clips.indices.filter { corpus.clips[$0].speaker == "07" }
        corpus.clips[actor07[3]].contentHash = corpus.clips[actor07[9]].contentHash
        let result = try LeaveOneSpeakerOutSplit(.init(speaker: "07")).apply(to: corpus)
        #expect(result.test == actor07 && result.excluded.isEmpty)
    }

    @Test func randomSplitMovesATwinToTheMajoritySide() throws {
        var corpus = CorpusFixtures.memoryRavdess(actors: 4)
        let split = RandomSplit(.init(testFraction: 0.3, seed: 5))
        let plain = try split.apply(to: corpus)
        let (a, b, c) = (plain.train[0], plain.train[1], plain.test[0])
        for index in [a, b, c] { corpus.clips[index].contentHash = "same" }
        let result = try split.apply(to: corpus)
        #expect(result.movedDuplicates == [c])
        #expect(result.train.contains(c) && !result.test.contains(c))
        #expect(result.test.count == plain.test.count - 1)
        // A pair split one-one goes to train (ties: train, validation, test).
        var pair = CorpusFixtures.memoryRavdess(actors: 4)
        pair.clips[plain.train[0]].contentHash = "twin"
        pair.clips[plain.test[0]].contentHash = "twin"
        let paired = try split.apply(to: pair)
        #expect(paired.train.contains(plain.test[0]) && paired.movedDuplicates == [plain.test[0]])
    }

    @Test func crossSpeakerDuplicatesAreExcludedFromSpeakerSplits() throws {
        var corpus = CorpusFixtures.memoryRavdess(actors: 6)
        let one = try #require(corpus.clips.firstIndex { $0.speaker == "01" })
        let six = try #require(corpus.clips.firstIndex { $0.speaker == "06" })
        corpus.clips[six].contentHash = corpus.clips[one].contentHash
        let result = try LeaveOneSpeakerOutSplit(.init(speaker: "06")).apply(to: corpus)
        #expect(result.excluded == [six])
        #expect(!result.test.contains(six) && result.train.contains(one))
        #expect(result.testSpeakers == ["06"])
    }

    @Test func verifyRejectsSpeakerOnTwoSidesAndStraddlingTwins() {
        let clips = [Clip(path: "/a.wav", label: "sad", speaker: "1", contentHash: "x"),
                     Clip(path: "/b.wav", label: "sad", speaker: "1", contentHash: "y"),
                     Clip(path: "/c.wav", label: "sad", speaker: "2", contentHash: "x")]
        let corpus = Corpus(name: "t", root: "/", clips: clips, classes: ["sad"])
        let leaky = SplitResult(split: "handmade", train: [0], validation: [], test: [1, 2], excluded: [],
                                movedDuplicates: [], trainSpeakers: ["1"], validationSpeakers: [], testSpeakers: ["1", "2"])
        #expect(throws: CorpusError.splitInvariant(split: "handmade", reason:
            "speaker 1 is on train (/a.wav) and test (/b.wav)")) {
            try leaky.verify(against: corpus, speakerDisjoint: true)
        }
        #expect(throws: CorpusError.splitInvariant(split: "handmade", reason:
            "identical files straddle sides: /a.wav (train) and /c.wav (test)")) {
            try leaky.verify(against: corpus, speakerDisjoint: false)
        }
        var incomplete = leaky
        incomplete.test = [2]
        incomplete.train = [0]
        #expect(throws: CorpusError.splitInvariant(split: "handmade", reason: "clip /b.wav is on no side and not excluded")) {
            try incomplete.verify(against: corpus, speakerDisjoint: false)
        }
    }

    @Test func applyHashesFilesThatHaveNoHashYet() throws {
        let root = try CorpusFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try CorpusFixtures.writeWAV("\(root)/a/1.wav", variant: 1)
        try CorpusFixtures.writeWAV("\(root)/a/2.wav", variant: 2)
        try CorpusFixtures.writeWAV("\(root)/b/3.wav", variant: 3)
        try FileManager.default.copyItem(atPath: "\(root)/a/1.wav", toPath: "\(root)/b/4.wav")
        let corpus = try FolderSource(.init(root: root)).load()
        #expect(corpus.clips.allSatisfy { $0.contentHash == nil })
        for seed in 0..<8 {
            let result = try RandomSplit(.init(testFraction: 0.5, seed: seed)).apply(to: corpus)
            #expect(result.test.contains(0) == result.test.contains(3))
        }
    }
}
