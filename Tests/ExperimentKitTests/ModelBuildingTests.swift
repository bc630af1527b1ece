import ExperimentKit
import NeuralNet
import Testing

@Suite struct ModelBuildingTests {
    private func spec(_ yaml: String, classes: Int = 8) throws -> ExperimentSpec {
        try ExperimentSpec(tree: node("data: {root: data/ravdess}\n" + yaml, file: "m.yaml"), file: "m.yaml",
                           registries: .builtins, classCount: classes)
    }

    @Test func everyBuiltinKindHasRegistrations() {
        for kind in ComponentKind.allCases { #expect(!Registries.builtins.catalog(kind).entries.isEmpty, "\(kind)") }
        #expect(Registries.builtins.metrics.names == ["accuracy", "loss", "macro_f1", "uar"])
    }

    @Test func theDefaultSpecBuildsTheDefaultStack() throws {
        let spec = try spec("features: {type: mfcc, n_mfcc: 40, n_fft: 512, hop_length: 160, win_length: 400, n_mels: 64}\n", classes: 8)
        let shape = try spec.inputShape(registries: .builtins)
        // 3 s at 16 kHz, centred frames every 160 samples: 1 + 48000 / 160 = 301 frames of 40 coefficients.
        #expect(shape == [301, 40])
        let model = try spec.buildModel(registries: .builtins, inputShape: shape, seed: 1)
        let reference = try Sequential.defaultStack(frames: 301, features: 40, classes: 8)
        #expect(model.outputShapes == reference.outputShapes)
        #expect(model.parameterCount == reference.parameterCount)
        #expect(model.outputShape == [8])
    }

    @Test func anImpossibleStackNamesTheLayerThatCannotTakeItsInput() throws {
        let spec = try spec("model:\n  layers:\n    - {type: lstm, units: 8}\n    - {type: lstm, units: 4}\n    - {type: dense, units: classes}\n")
        let messages = specMessages { _ = try spec.buildModel(registries: .builtins, inputShape: [50, 20]) }
        #expect(messages == ["m.yaml:5:14: model.layers[1]: LSTM expects a [T, 8] sequence input, got [8]"])
    }

    @Test func softmaxIsOnlyForTheLastLayer() throws {
        let spec = try spec("model:\n  layers:\n    - {type: dense, units: 4, activation: softmax}\n    - {type: dense, units: classes}\n")
        let messages = specMessages { _ = try spec.buildModel(registries: .builtins, inputShape: [10]) }
        #expect(messages == ["m.yaml:4:43: model.layers[0].activation: softmax is only accepted on the last layer, "
            + "whose outputs the cross-entropy loss turns into probabilities"])
    }

    @Test func inlineActivationsBecomeLayersAndTheFinalSoftmaxIsLeftToTheLoss() throws {
        let spec = try spec("model:\n  layers:\n    - {type: conv1d, filters: 6, kernel_size: 3, activation: tanh}\n"
            + "    - global_average_pooling1d\n    - {type: dense, units: classes, activation: softmax}\n", classes: 3)
        let model = try spec.buildModel(registries: .builtins, inputShape: [12, 5])
        #expect(model.layers.map { String(describing: type(of: $0)) } == ["Conv1D", "Tanh", "GlobalAveragePool1D", "Dense"])
        #expect(model.outputShapes == [[10, 6], [10, 6], [6], [3]])
    }

    @Test func layerOptionErrorsAreCollectedWithTheRest() throws {
        let messages = specMessages { _ = try spec("model:\n  layers:\n    - {type: conv1d, filters: 0}\n    - {type: dropout, rate: 1}\n    - {type: dense, units: classes, activation: swish}\n") }
        #expect(messages == [
            "m.yaml:4:7: model.layers[0]: missing required key 'kernel_size'",
            "m.yaml:5:29: model.layers[1].rate: rate must be in [0.0, 1.0). Received: rate=1.0",
            "m.yaml:6:49: model.layers[2].activation: activation must be one of linear, relu, tanh, sigmoid, gelu, elu, leaky_relu, softmax. Received: activation=swish",
        ])
    }
}
