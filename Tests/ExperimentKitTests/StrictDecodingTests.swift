import ExperimentKit
import Testing

@Suite struct StrictDecodingTests {
    private func dense(_ yaml: String) throws -> ComponentSpec {
        try ComponentSpec(node: node(yaml), path: "model.layers[4]", kind: .layer)
    }

    @Test func decodesOptionsAndAppliesDefaults() throws {
        let config = try dense("{type: dense, units: 7}").decode(FakeDense.self)
        #expect(config.units == 7)
        #expect(config.activation == "linear")
    }

    @Test func bareNameIsATypeWithoutOptions() throws {
        let spec = try ComponentSpec(node: node("- relu").items![0], path: "model.layers[1]", kind: .layer)
        #expect(spec.type == "relu")
        #expect(spec.options.entries == [])
        #expect(try spec.decode(EmptyConfiguration.self) == EmptyConfiguration())
    }

    @Test func unknownKeyListsValidKeysAndSuggests() throws {
        let messages = specMessages { _ = try dense("{type: dense, unitz: 7}").decode(FakeDense.self) }
        #expect(messages == [
            "t.yaml:1:1: model.layers[4]: missing required key 'units'",
            "t.yaml:1:15: model.layers[4].unitz: unknown key 'unitz' for layer type 'dense'. Valid keys: activation, type, units. Did you mean 'units'?",
        ])
    }

    @Test func unknownKeyFarFromEveryNameHasNoSuggestion() throws {
        let messages = specMessages { _ = try dense("{type: dense, units: 2, zzzzzz: 1}").decode(FakeDense.self) }
        #expect(messages == [
            "t.yaml:1:25: model.layers[4].zzzzzz: unknown key 'zzzzzz' for layer type 'dense'. Valid keys: activation, type, units.",
        ])
    }

    @Test func wrongTypeNamesExpectedAndGot() throws {
        let messages = specMessages { _ = try dense("{type: dense, units: abc}").decode(FakeDense.self) }
        #expect(messages == ["t.yaml:1:22: model.layers[4].units: expected an integer, got 'abc'"])
        let float = specMessages { _ = try dense("{type: dense, units: 2.5}").decode(FakeDense.self) }
        #expect(float == ["t.yaml:1:22: model.layers[4].units: expected an integer, got '2.5'"])
        let list = specMessages { _ = try dense("{type: dense, units: [1]}").decode(FakeDense.self) }
        #expect(list == ["t.yaml:1:22: model.layers[4].units: expected int > 0, got a list"])
    }

    @Test func quotedNumberIsNotAnInteger() throws {
        let messages = specMessages { _ = try dense("{type: dense, units: '12'}").decode(FakeDense.self) }
        #expect(messages == ["t.yaml:1:22: model.layers[4].units: expected an integer, got '12'"])
    }

    @Test func nullForARequiredValue() throws {
        let messages = specMessages { _ = try dense("{type: dense, units: null}").decode(FakeDense.self) }
        #expect(messages == ["t.yaml:1:22: model.layers[4].units: expected an integer, got null"])
    }

    @Test func outOfRangeReadsLikeKeras() throws {
        let messages = specMessages { _ = try dense("{type: dense, units: 0, activation: rellu}").decode(FakeDense.self) }
        #expect(messages == [
            "t.yaml:1:22: model.layers[4].units: units must be > 0. Received: units=0",
            "t.yaml:1:37: model.layers[4].activation: activation must be one of linear, relu, softmax, tanh. Received: activation=rellu. Did you mean 'relu'?",
        ])
    }

    @Test func invalidEnumCaseListsChoices() throws {
        let spec = try ComponentSpec(node: node("{type: mfcc, mel_scale: slanee}"), path: "features", kind: .feature)
        let messages = specMessages { _ = try spec.decode(FakeMFCC.self) }
        #expect(messages == ["t.yaml:1:25: features.mel_scale: expected one of htk, slaney, got 'slanee'. Did you mean 'slaney'?"])
    }

    @Test func optionsMustBeAMapping() throws {
        let messages = specMessages { _ = try ComponentSpec(node: node("[1, 2]"), path: "optimizer", kind: .optimizer) }
        #expect(messages == ["t.yaml:1:1: optimizer: expected a optimizer (a type name or a mapping with 'type'), got a list"])
        let missing = specMessages { _ = try ComponentSpec(node: node("{units: 3}"), path: "model.layers[0]", kind: .layer) }
        #expect(missing == ["t.yaml:1:1: model.layers[0]: missing required key 'type'"])
        let badType = specMessages { _ = try ComponentSpec(node: node("{type: 3}"), path: "model.layers[0]", kind: .layer) }
        #expect(badType == ["t.yaml:1:8: model.layers[0].type: expected a layer type name, got '3'"])
    }

    @Test func allProblemsOfAComponentAreReportedTogether() throws {
        let yaml = "{type: dense, units: 0, activaton: relu, bias: true}"
        let messages = specMessages { _ = try dense(yaml).decode(FakeDense.self) }
        #expect(messages == [
            "t.yaml:1:22: model.layers[4].units: units must be > 0. Received: units=0",
            "t.yaml:1:25: model.layers[4].activaton: unknown key 'activaton' for layer type 'dense'. Valid keys: activation, type, units. Did you mean 'activation'?",
            "t.yaml:1:42: model.layers[4].bias: unknown key 'bias' for layer type 'dense'. Valid keys: activation, type, units.",
        ])
    }

    @Test func nestedStrictMappingsRejectUnknownKeys() throws {
        let tree = try node("epochs: 3\nearly_stopping: {monitor: val_uar, patiense: 2}\n")
        let messages = specMessages {
            _ = try ExperimentSpec(tree: node("training:\n  epochs: 3\n  early_stopping: {monitor: val_uar, patiense: 2}\n"),
                                   file: "t.yaml", registries: Fakes.registries, classCount: 8)
        }
        #expect(tree["early_stopping"] != nil)
        #expect(messages == [
            "t.yaml:3:38: training.early_stopping.patiense: unknown key 'patiense'. Valid keys: min_delta, monitor, patience. Did you mean 'patience'?",
        ])
    }
}

/// A configuration that, like AudioFeatures', validates inside `init(from:)` and throws its own error.
private struct SelfCheckingConfiguration: StrictDecodable {
    struct RangeError: OptionError {
        var optionKey: String?
        var optionMessage: String
    }
    struct Opaque: Error, CustomStringConvertible { var description: String { "the filter bank is empty" } }

    var bands: Int
    enum CodingKeys: String, CodingKey, CaseIterable { case bands = "n_mels" }

    init(from decoder: any Decoder) throws {
        bands = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .bands)
        if bands == 0 { throw Opaque() }
        if bands < 0 { throw RangeError(optionKey: "n_mels", optionMessage: "n_mels must be > 0. Received: n_mels=\(bands)") }
    }
}

@Suite struct ThrowingConfigurationTests {
    @Test func optionErrorsPointAtTheirKey() throws {
        let spec = try ComponentSpec(node: node("type: logmel\nn_mels: -4\n"), path: "features", kind: .feature)
        #expect(specMessages { _ = try spec.decode(SelfCheckingConfiguration.self) }
            == ["t.yaml:2:9: features.n_mels: n_mels must be > 0. Received: n_mels=-4"])
    }

    @Test func otherErrorsPointAtTheComponent() throws {
        let spec = try ComponentSpec(node: node("type: logmel\nn_mels: 0\n"), path: "features", kind: .feature)
        #expect(specMessages { _ = try spec.decode(SelfCheckingConfiguration.self) }
            == ["t.yaml:1:1: features: the filter bank is empty"])
    }
}
