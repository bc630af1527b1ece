import EmotionCorpus
import Foundation
import Testing

/// Split configurations decode from snake_case keys with documented defaults and list every key.
@Suite struct SplitConfigurationTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test func decodesSnakeCaseKeysAndDefaults() throws {
        #expect(try decode(RandomSplit.Configuration.self, "{}") == .init(testFraction: 0.2, validationFraction: 0, seed: 0))
        #expect(try decode(SpeakerHoldoutSplit.Configuration.self,
                           #"{"test_speakers": ["23", "24"], "validation_fraction": 0.1, "balance_gender": false, "seed": 9}"#)
            == .init(testSpeakers: ["23", "24"], validationFraction: 0.1, balanceGender: false, seed: 9))
        #expect(try decode(SpeakerKFoldSplit.Configuration.self, #"{"k": 6, "fold": 2, "validation": "next_fold"}"#)
            == .init(k: 6, fold: 2, validation: .nextFold))
        #expect(try decode(LeaveOneSpeakerOutSplit.Configuration.self, #"{"speaker": "03"}"#) == .init(speaker: "03"))
        #expect(try decode(StatementHoldoutSplit.Configuration.self, #"{"test_statement": 1}"#) == .init(testStatement: 1))
        #expect(try decode(RavdessSource.Configuration.self, #"{"root": "d", "vocal_channel": "both", "on_bad_file": "fail"}"#)
            == .init(root: "d", vocalChannel: .both, onBadFile: .fail))
        #expect(try decode(ManifestSource.Configuration.self, #"{"path": "m.csv"}"#) == .init(path: "m.csv"))
    }

    @Test func crossCorpusConfigurationsDecodeWithDefaults() throws {
        #expect(try decode(CorpusHoldoutSplit.Configuration.self, #"{"test": "emodb"}"#)
            == .init(test: "emodb", validation: nil, validationFraction: 0, validationCount: nil, balanceGender: true, seed: 0))
        #expect(try decode(CorpusHoldoutSplit.Configuration.self,
                           #"{"test": "tess", "validation_count": 3, "balance_gender": false, "seed": 4}"#)
            == .init(test: "tess", validationCount: 3, balanceGender: false, seed: 4))
        #expect(throws: DecodingError.self) { try decode(CorpusHoldoutSplit.Configuration.self, #"{"validation": "x"}"#) }
        #expect(CorpusHoldoutSplit.Configuration.CodingKeys.allCases.map(\.stringValue) ==
            ["test", "validation", "seed", "validation_fraction", "validation_count", "balance_gender"])
        #expect(try decode(NamedCorpusConfiguration.self, #"{"root": "d"}"#) == .init(root: "d", name: nil, onBadFile: .skip))
        #expect(try decode(NamedCorpusConfiguration.self, #"{"root": "d", "name": "emodb_16k", "on_bad_file": "fail"}"#)
            == .init(root: "d", name: "emodb_16k", onBadFile: .fail))
        #expect(try decode(CremaDSource.Configuration.self, #"{"root": "c", "demographics": "c/demo.csv"}"#)
            == .init(root: "c", demographics: "c/demo.csv"))
        #expect(CremaDSource.Configuration.CodingKeys.allCases.map(\.stringValue) == ["root", "name", "demographics", "on_bad_file"])
        #expect([CremaDSource.kind, EmoDBSource.kind, SaveeSource.kind, TessSource.kind, EmovoSource.kind, CorpusHoldoutSplit.kind]
            == ["crema_d", "emodb", "savee", "tess", "emovo", "corpus_holdout"])
    }

    @Test func codingKeysListEveryOption() {
        #expect(RandomSplit.Configuration.CodingKeys.allCases.map(\.stringValue) ==
            ["test_fraction", "validation_fraction", "seed"])
        #expect(SpeakerHoldoutSplit.Configuration.CodingKeys.allCases.map(\.stringValue) ==
            ["test_speakers", "validation_speakers", "test_fraction", "validation_fraction", "balance_gender", "seed"])
        #expect(SpeakerKFoldSplit.Configuration.CodingKeys.allCases.map(\.stringValue) ==
            ["k", "fold", "validation", "balance_gender", "seed", "validation_count"])
        #expect(LeaveOneSpeakerOutSplit.Configuration.CodingKeys.allCases.map(\.stringValue) == ["speaker", "fold", "validation"])
        #expect(StatementHoldoutSplit.Configuration.CodingKeys.allCases.map(\.stringValue) ==
            ["test_statement", "validation_fraction", "seed"])
        #expect(ManifestSplit.Configuration.CodingKeys.allCases.isEmpty)
        #expect([RandomSplit.kind, SpeakerHoldoutSplit.kind, SpeakerKFoldSplit.kind, LeaveOneSpeakerOutSplit.kind,
                 StatementHoldoutSplit.kind, ManifestSplit.kind] ==
            ["random", "speaker_holdout", "speaker_kfold", "loso", "statement_holdout", "manifest"])
    }

    @Test func configurationsRoundTripThroughJSON() throws {
        let original = SpeakerHoldoutSplit.Configuration(testSpeakers: ["1"], testFraction: 0.3, seed: 4)
        let data = try JSONEncoder().encode(original)
        #expect(try JSONDecoder().decode(SpeakerHoldoutSplit.Configuration.self, from: data) == original)
        #expect(String(decoding: data, as: UTF8.self).contains("\"test_speakers\""))
    }
}
