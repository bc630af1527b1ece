import Foundation
import NeuralNet
import Testing
import TestSupport

/// Forward outputs and all gradients against PyTorch 2.15, from `Tests/Reference/make_nn_reference.py`
/// (fixtures in `Tests/Reference/Data/nn/`). Tolerance: 1e-4 relative on outputs, 1e-3 on gradients.
@Suite struct ParityTests {
    struct TensorData: Decodable {
        let shape: [Int]
        let values: [Float]
        var tensor: Tensor { Tensor(shape: shape, storage: values) }
    }

    struct Fixture: Decodable {
        let name: String
        let input: TensorData
        let lengths: [Int]?
        let parameters: [String: TensorData]
        let upstream: TensorData
        let output: TensorData
        let gradients: [String: TensorData]
        let buffers: [String: TensorData]
        let buffersBefore: [String: TensorData]?

        enum CodingKeys: String, CodingKey {
            case name, input, lengths, parameters, upstream, output, gradients, buffers
            case buffersBefore = "buffers_before"
        }
    }

    /// Each fixture's stack, built exactly as the generator built it in PyTorch.
    static let stacks: [String: @Sendable () -> [any Layer]] = [
        "dense": { [Dense(inputSize: 5, outputSize: 4)] },
        "conv1d_valid": { [Conv1D(inputChannels: 3, outputChannels: 4, kernelSize: 3)] },
        "conv1d_same_dilation": { [Conv1D(inputChannels: 3, outputChannels: 4, kernelSize: 4, dilation: 2, padding: .same)] },
        "conv1d_same_stride": { [Conv1D(inputChannels: 3, outputChannels: 4, kernelSize: 3, stride: 2, padding: .same)] },
        "conv1d_valid_stride_dilation": { [Conv1D(inputChannels: 3, outputChannels: 4, kernelSize: 3, stride: 2, dilation: 2)] },
        "lstm_stacked_sequences": {
            [LSTM(inputSize: 3, hiddenSize: 4, returnSequences: true), LSTM(inputSize: 4, hiddenSize: 4, returnSequences: true)]
        },
        "lstm_stacked_last": {
            [LSTM(inputSize: 3, hiddenSize: 4, returnSequences: true), LSTM(inputSize: 4, hiddenSize: 4)]
        },
        "lstm_bidirectional_sequences": { [LSTM(inputSize: 3, hiddenSize: 4, returnSequences: true, bidirectional: true)] },
        "lstm_bidirectional_last": { [LSTM(inputSize: 3, hiddenSize: 4, bidirectional: true)] },
        "lstm_bidirectional_lengths_last": { [LSTM(inputSize: 3, hiddenSize: 4, bidirectional: true)] },
        "lstm_lengths_sequences": { [LSTM(inputSize: 3, hiddenSize: 4, returnSequences: true)] },
        "gru_last": { [GRU(inputSize: 3, hiddenSize: 4)] },
        "gru_bidirectional_sequences": { [GRU(inputSize: 3, hiddenSize: 4, returnSequences: true, bidirectional: true)] },
        "gru_lengths_last": { [GRU(inputSize: 3, hiddenSize: 4)] },
        "batchnorm_train": { [BatchNorm(featureCount: 5, momentum: 0.99, epsilon: 1e-3)] },
        "batchnorm_eval": { [BatchNorm(featureCount: 5, momentum: 0.99, epsilon: 1e-3)] },
        "layernorm": { [LayerNorm(featureCount: 5)] },
        "maxpool_valid": { [MaxPool1D(poolSize: 2)] },
        "maxpool_same": { [MaxPool1D(poolSize: 3, stride: 1, padding: .same)] },
        "avgpool_valid_stride": { [AveragePool1D(poolSize: 3, stride: 2)] },
        "avgpool_same": { [AveragePool1D(poolSize: 3, stride: 1, padding: .same)] },
        "global_avg_lengths": { [GlobalAveragePool1D()] },
        "global_max_lengths": { [GlobalMaxPool1D()] },
        "attention_pooling_lengths": { [AttentionPooling(inputSize: 4)] },
        "activations": { [LeakyReLU(slope: 0.1), ELU(alpha: 0.7), GELU(), Softmax()] },
        // From Tests/Reference/make_nn_blocks_reference.py.
        "conv2d_valid": { [Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: Size2D(3, 2))] },
        "conv2d_same_stride_lengths": {
            [Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: Size2D(square: 3), stride: Size2D(2, 2), padding: .same)]
        },
        "maxpool2d_valid": { [MaxPool2D(poolSize: Size2D(2, 2))] },
        "maxpool2d_same_lengths": { [MaxPool2D(poolSize: Size2D(3, 2), stride: Size2D(2, 1), padding: .same)] },
        "avgpool2d_same_lengths": { [AveragePool2D(poolSize: Size2D(square: 3), stride: Size2D(2, 2), padding: .same)] },
        "batchnorm2d_train": { [BatchNorm2D(featureCount: 3, momentum: 0.99, epsilon: 1e-3)] },
        "cnn_front_end_lengths": {
            [ExpandChannels(), Conv2D(inputChannels: 1, outputChannels: 4, kernelSize: Size2D(square: 3), padding: .same), ReLU(),
             MaxPool2D(poolSize: Size2D(2, 2)), MergeFrequency(), Dense(inputSize: 12, outputSize: 5)]
        },
        "residual_conv2d_projection_lengths": {
            [try! Residual([Conv2D(inputChannels: 2, outputChannels: 4, kernelSize: Size2D(square: 3), stride: Size2D(2, 2), padding: .same),
                            ReLU(), Conv2D(inputChannels: 4, outputChannels: 4, kernelSize: Size2D(square: 3), padding: .same)],
                           inputShape: [7, 6, 2])]
        },
        "transformer_post_relu_lengths": {
            [TransformerEncoder(.init(layer: .init(modelSize: 8, heads: 2, feedForwardSize: 12, dropout: 0), layerCount: 2))]
        },
        "transformer_pre_final_norm_lengths": {
            [TransformerEncoder(.init(layer: .init(modelSize: 6, heads: 3, feedForwardSize: 10, dropout: 0, normFirst: true),
                                      layerCount: 2, finalNorm: true))]
        },
        "transformer_pre_gelu_positional": {
            [PositionalEncoding(),
             TransformerEncoder(.init(layer: .init(modelSize: 8, heads: 4, feedForwardSize: 16, dropout: 0, activation: .gelu,
                                                   normFirst: true), layerCount: 1))]
        },
    ]

    static let names = stacks.keys.sorted()

    @Test func everyFixtureHasAStack() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: ReferenceData.url("nn").path)
        #expect(Set(files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }) == Set(Self.names))
    }

    @Test(arguments: names)
    func matchesPyTorch(_ name: String) throws {
        let fixture = try ReferenceData.load(Fixture.self, "nn/\(name).json")
        let training = name != "batchnorm_eval"
        let makeStack = try #require(Self.stacks[name])
        let layers = makeStack()
        let model = try Sequential(layers, inputShape: Array(fixture.input.shape.dropFirst()))
        let named = Dictionary(uniqueKeysWithValues: (model.parameters + model.buffers).map { ($0.name, $0) })
        #expect(Set(model.parameters.map(\.name)) == Set(fixture.parameters.keys), "parameter names")
        for (key, data) in fixture.parameters.merging(fixture.buffersBefore ?? [:], uniquingKeysWith: { a, _ in a }) {
            let parameter = try #require(named[key], "no parameter \(key)")
            #expect(parameter.value.shape == data.shape, "\(key) shape")
            parameter.value = data.tensor
        }

        let output = model.forward(fixture.input.tensor, lengths: fixture.lengths, mode: training ? .training : .inference)
        let outputComparison = output.compared(with: fixture.output.tensor)
        #expect(outputComparison.isWithin(1e-4), "\(name) output: \(outputComparison)")
        for (key, data) in fixture.buffers {
            let buffer = try #require(named[key])
            let comparison = buffer.value.compared(with: data.tensor)
            #expect(comparison.isWithin(1e-4), "\(name) buffer \(key): \(comparison)")
        }
        guard training else { return }

        let inputGradient = model.backward(fixture.upstream.tensor)
        let inputComparison = inputGradient.compared(with: try #require(fixture.gradients["input"]).tensor)
        #expect(inputComparison.isWithin(1e-3), "\(name) ∂input: \(inputComparison)")
        for parameter in model.parameters {
            let expected = try #require(fixture.gradients[parameter.name], "no gradient for \(parameter.name)")
            let comparison = parameter.gradient.compared(with: expected.tensor)
            #expect(comparison.isWithin(1e-3), "\(name) ∂\(parameter.name): \(comparison)")
        }
    }
}
