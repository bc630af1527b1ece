import ExperimentKit
import NeuralNet
import Testing

/// Specs using the 2-D convolution family, residual blocks and the transformer encoder: what they build, and the
/// errors they give at build time.
@Suite struct BlockLayerSpecTests {
    private func spec(_ layers: String, classes: Int = 8) throws -> ExperimentSpec {
        try ExperimentSpec(tree: node("data: {root: data/ravdess}\nmodel:\n  layers:\n" + layers, file: "m.yaml"), file: "m.yaml",
                           registries: .builtins, classCount: classes)
    }

    private func typeNames(_ model: Sequential) -> [String] { model.layers.map { String(describing: type(of: $0)) } }

    @Test func aResidualCNNFrontEndBuildsWithPyTorchNames() throws {
        let spec = try spec("""
                - expand_channels
                - {type: conv2d, filters: 8, kernel_size: 3, padding: same, activation: relu}
                - batchnorm2d
                - {type: maxpool2d, pool_size: [2, 2]}
                - type: residual
                  layers:
                    - {type: conv2d, filters: 16, kernel_size: 3, stride: [2, 1], padding: same}
                    - batchnorm2d
                    - relu
                    - {type: conv2d, filters: 16, kernel_size: [3, 1], padding: same}
                - merge_frequency
                - {type: lstm, units: 8}
                - {type: dense, units: classes}

            """, classes: 4)
        let model = try spec.buildModel(registries: .builtins, inputShape: [20, 12], seed: 3)
        #expect(typeNames(model) == ["ExpandChannels", "Conv2D", "ReLU", "BatchNorm2D", "MaxPool2D", "Residual",
                                     "MergeFrequency", "LSTM", "Dense"])
        #expect(model.outputShapes == [[20, 12, 1], [20, 12, 8], [20, 12, 8], [20, 12, 8], [10, 6, 8], [5, 6, 16], [5, 96], [8], [4]])
        let names = model.parameters.map(\.name)
        #expect(names.prefix(2) == ["1.weight", "1.bias"])
        #expect(names.contains("5.0.weight") && names.contains("5.1.weight") && names.contains("5.3.bias"))
        #expect(names.contains("5.projection.weight"))
        #expect(model.buffers.map(\.name).contains("5.1.running_mean"))
        let projection = try #require(model.parameters.first { $0.name == "5.projection.weight" })
        #expect(projection.value.shape == [16, 8, 1, 1])
        let batch = Tensor(shape: [2, 20, 12], repeating: 0.5)
        #expect(model.forward(batch, lengths: [20, 9], mode: .inference).shape == [2, 4])
    }

    @Test func batchNormGluesAConv1DStackAndLeavesPaddingOut() throws {
        let spec = try spec("""
                - {type: conv1d, filters: 6, kernel_size: 3}
                - {type: batchnorm, momentum: 0.9}
                - relu
                - {type: lstm, units: 5}
                - {type: dense, units: classes}

            """, classes: 3)
        let model = try spec.buildModel(registries: .builtins, inputShape: [12, 4], seed: 2)
        #expect(typeNames(model) == ["Conv1D", "BatchNorm", "ReLU", "LSTM", "Dense"])
        #expect(model.outputShapes[1] == [10, 6])
        #expect(model.buffers.map(\.name).contains("1.running_var"))
        // Training-mode statistics come from the valid frames only: what the padding holds must not matter.
        let values: [Float] = (0..<(2 * 12 * 4)).map { (i: Int) -> Float in Float((i * 37) % 11) / 5 - 1 }
        var noisy = values
        for i in 76..<96 { noisy[i] = 100 }  // clip 2, frames 7…11
        let twin = try spec.buildModel(registries: .builtins, inputShape: [12, 4], seed: 2)
        let clean = model.forward(Tensor(shape: [2, 12, 4], storage: values), lengths: [12, 7], mode: .training)
        let padded = twin.forward(Tensor(shape: [2, 12, 4], storage: noisy), lengths: [12, 7], mode: .training)
        #expect(clean.shape == [2, 3])
        for (x, y) in zip(clean.storage, padded.storage) { #expect(abs(x - y) <= Float(1e-5) * max(Float(1), abs(x))) }
        let stretched = model.forward(Tensor(shape: [2, 12, 4], storage: values), lengths: [12, 12], mode: .training)
        let moved = zip(clean.storage, stretched.storage).map { abs($0 - $1) }.max() ?? 0
        #expect(moved > 1e-4)
    }

    @Test func aTransformerStackBuildsWithPyTorchNames() throws {
        let spec = try spec("""
                - {type: dense, units: 16}
                - positional_encoding
                - {type: transformer_encoder, heads: 4, ff_size: 32, layers: 2, activation: gelu, norm_first: true, final_norm: true}
                - global_average_pooling1d
                - {type: dense, units: classes}

            """)
        let model = try spec.buildModel(registries: .builtins, inputShape: [30, 10], seed: 1)
        #expect(typeNames(model) == ["Dense", "PositionalEncoding", "TransformerEncoder", "GlobalAveragePool1D", "Dense"])
        let names = model.parameters.map(\.name)
        #expect(names.contains("2.layers.1.self_attn.in_proj_weight") && names.contains("2.layers.0.linear2.bias")
                && names.contains("2.layers.1.norm2.weight") && names.contains("2.layers.0.self_attn.out_proj.weight")
                && names.contains("2.norm.weight"))
        let encoder = try #require(model.layers[2] as? TransformerEncoder)
        #expect(encoder.configuration.layer == .init(modelSize: 16, heads: 4, feedForwardSize: 32, dropout: 0.1,
                                                      activation: .gelu, normFirst: true))
        #expect(encoder.configuration.layerCount == 2 && encoder.configuration.finalNorm)
    }

    @Test func unknownKeysAreRejected() throws {
        let messages = specMessages { _ = try spec("    - {type: conv2d, filters: 4, kernel_size: 3, strides: 2}\n") }
        #expect(messages == ["m.yaml:4:50: model.layers[0].strides: unknown key 'strides' for layer type 'conv2d'. Valid keys: "
            + "activation, filters, kernel_size, padding, stride, type. Did you mean 'stride'?"])
        let transformer = specMessages { _ = try spec("    - {type: transformer_encoder, heads: 2, ff_size: 8, nhead: 2}\n") }
        #expect(transformer.first?.contains("unknown key 'nhead' for layer type 'transformer_encoder'") == true)
    }

    @Test func shapeErrorsAppearWhenTheModelIsBuilt() throws {
        let conv = try spec("    - {type: conv2d, filters: 4, kernel_size: 3}\n")
        #expect(specMessages { _ = try conv.buildModel(registries: .builtins, inputShape: [50, 40]) }
            == ["m.yaml:4:14: model.layers[0]: Conv2D expects a [T, F, 40] feature map, got [50, 40]"])
        let merge = try spec("    - merge_frequency\n")
        #expect(specMessages { _ = try merge.buildModel(registries: .builtins, inputShape: [50, 40]) }
            == ["m.yaml:4:7: model.layers[0]: MergeFrequency expects a [T, F, C] feature map, got [50, 40]"])
        let heads = try spec("    - {type: transformer_encoder, heads: 3, ff_size: 8}\n")
        #expect(specMessages { _ = try heads.buildModel(registries: .builtins, inputShape: [50, 40]) }
            == ["m.yaml:4:42: model.layers[0].heads: heads must divide the input channels (40). Received: heads=3"])
    }

    @Test func residualErrorsPointAtTheNestedLayerOrTheBlock() throws {
        let nested = specMessages {
            _ = try spec("    - type: residual\n      layers:\n        - {type: conv2d, filters: 0, kernel_size: 3}\n")
                .buildModel(registries: .builtins, inputShape: [10, 8, 2])
        }
        #expect(nested == ["m.yaml:6:35: model.layers[0].layers[0].filters: filters must be > 0. Received: filters=0"])
        let identity = try spec("    - {type: residual, projection: none, layers: [{type: conv2d, filters: 4, kernel_size: 3, padding: same}]}\n")
        #expect(specMessages { _ = try identity.buildModel(registries: .builtins, inputShape: [10, 8, 2]) }
            == ["m.yaml:4:14: model.layers[0]: Residual layers map [10, 8, 2] to [10, 8, 4]; projection: none needs them to keep the shape"])
        let valid = try spec("    - {type: residual, layers: [{type: conv2d, filters: 2, kernel_size: 3}]}\n")
        #expect(specMessages { _ = try valid.buildModel(registries: .builtins, inputShape: [10, 8, 2]) }
            == ["m.yaml:4:14: model.layers[0]: Residual layers map [10, 8, 2] to [8, 6, 2]; a projection can change only "
                + "the channels and downsample by an integer stride"])
    }

    @Test func sizesAreOneIntegerOrATimeFrequencyPair() throws {
        let pair = try spec("    - {type: conv2d, filters: 2, kernel_size: [5, 1]}\n")
        let model = try pair.buildModel(registries: .builtins, inputShape: [10, 8, 1])
        #expect(model.outputShape == [6, 8, 2])
        let messages = specMessages { _ = try spec("    - {type: maxpool2d, pool_size: [2, 0]}\n") }
        #expect(messages == ["m.yaml:4:36: model.layers[0].pool_size: pool_size must be > 0 on both axes. Received: pool_size=[2, 0]"])
    }
}
