import NeuralNet
import Testing
import TestSupport

/// Finite-difference checks of every layer's backward pass against a random upstream gradient.
@Suite struct GradientCheckTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let id: String
        let inputShape: [Int]
        let lengths: [Int]?
        let step: Float
        let make: @Sendable () -> any Layer
        var testDescription: String { id }

        init(_ id: String, _ inputShape: [Int], lengths: [Int]? = nil, step: Float = 1e-3,
             _ make: @escaping @Sendable () -> any Layer) {
            self.id = id
            self.inputShape = inputShape
            self.lengths = lengths
            self.step = step
            self.make = make
        }
    }

    /// A central difference of a Float32 forward carries the objective's rounding error divided by 2h: about
    /// `u · Σ|y ⊙ R| / h` (u = 2⁻²⁴), which depends on how BLAS blocks the forward's sums. Layers that chain many
    /// rounded sums (seven recurrent steps; a softmax over scores from a GEMV; normalisations over many values; the
    /// transformer's layer norms, attention and feed-forward) have small gradient entries that this noise swamps at
    /// h = 1e-3, so these smooth layers use h = 1e-2: the noise shrinks tenfold and the truncation error, O(h²),
    /// stays below it. Layers with kinks (ReLU, max pooling, masks) keep h = 1e-3, far from their kinks.
    static let smoothStep: Float = 1e-2

    static let cases: [Case] = [
        Case("dense", [2, 5]) { Dense(inputSize: 5, outputSize: 3) },
        Case("dense on sequences", [2, 3, 5]) { Dense(inputSize: 5, outputSize: 4) },
        Case("conv1d valid", [2, 7, 5]) { Conv1D(inputChannels: 5, outputChannels: 3, kernelSize: 3) },
        Case("conv1d same stride 2 dilation 2", [2, 7, 5]) {
            Conv1D(inputChannels: 5, outputChannels: 3, kernelSize: 3, stride: 2, dilation: 2, padding: .same)
        },
        Case("conv1d same masked", [2, 7, 5], lengths: [7, 4]) {
            Conv1D(inputChannels: 5, outputChannels: 3, kernelSize: 3, padding: .same)
        },
        Case("conv1d same stride 2 masked", [3, 7, 5], lengths: [7, 4, 5]) {
            Conv1D(inputChannels: 5, outputChannels: 3, kernelSize: 3, stride: 2, padding: .same)
        },
        Case("maxpool1d", [2, 7, 5]) { MaxPool1D(poolSize: 2) },
        Case("conv2d valid", [2, 5, 4, 3]) { Conv2D(inputChannels: 3, outputChannels: 2, kernelSize: Size2D(3, 2)) },
        Case("conv2d same stride masked", [2, 7, 5, 3], lengths: [7, 4]) {
            Conv2D(inputChannels: 3, outputChannels: 2, kernelSize: Size2D(square: 3), stride: Size2D(2, 2), padding: .same)
        },
        Case("maxpool2d same masked", [2, 7, 5, 3], lengths: [5, 7]) {
            MaxPool2D(poolSize: Size2D(3, 2), stride: Size2D(2, 1), padding: .same)
        },
        Case("avgpool2d same masked", [2, 7, 5, 3], lengths: [7, 3]) {
            AveragePool2D(poolSize: Size2D(square: 3), stride: Size2D(2, 2), padding: .same)
        },
        Case("batchnorm2d masked", [3, 5, 4, 3], lengths: [5, 2, 4], step: smoothStep) { BatchNorm2D(featureCount: 3) },
        Case("expand channels", [2, 7, 5]) { ExpandChannels() },
        Case("merge frequency", [2, 7, 5, 3]) { MergeFrequency() },
        Case("residual conv2d projection masked", [2, 7, 5, 3], lengths: [7, 4]) {
            try! Residual([Conv2D(inputChannels: 3, outputChannels: 2, kernelSize: Size2D(square: 3), stride: Size2D(2, 1), padding: .same),
                           Tanh()], inputShape: [7, 5, 3])
        },
        Case("residual identity dense", [2, 7, 5]) {
            try! Residual([Dense(inputSize: 5, outputSize: 4), Tanh(), Dense(inputSize: 4, outputSize: 5)], inputShape: [7, 5])
        },
        Case("residual vector projection", [3, 5]) { try! Residual([Dense(inputSize: 5, outputSize: 4)], inputShape: [5]) },
        Case("transformer post-norm relu masked", [2, 5, 6], lengths: [5, 3], step: smoothStep) {
            TransformerEncoderLayer(.init(modelSize: 6, heads: 2, feedForwardSize: 7, dropout: 0))
        },
        Case("transformer pre-norm gelu masked", [2, 5, 6], lengths: [2, 5], step: smoothStep) {
            TransformerEncoderLayer(.init(modelSize: 6, heads: 3, feedForwardSize: 7, dropout: 0, activation: .gelu, normFirst: true))
        },
        Case("transformer stack final norm masked", [2, 5, 6], lengths: [4, 5], step: smoothStep) {
            TransformerEncoder(.init(layer: .init(modelSize: 6, heads: 2, feedForwardSize: 5, dropout: 0, normFirst: true),
                                     layerCount: 2, finalNorm: true))
        },
        Case("positional encoding masked", [2, 7, 6], lengths: [7, 3]) { PositionalEncoding() },
        Case("maxpool1d same stride 1 masked", [2, 7, 5], lengths: [5, 7]) { MaxPool1D(poolSize: 3, stride: 1, padding: .same) },
        Case("avgpool1d same", [2, 7, 5]) { AveragePool1D(poolSize: 2, padding: .same) },
        Case("avgpool1d masked", [2, 7, 5], lengths: [3, 6]) { AveragePool1D(poolSize: 2) },
        Case("global avg masked", [2, 7, 5], lengths: [7, 3]) { GlobalAveragePool1D() },
        Case("global max masked", [2, 7, 5], lengths: [2, 7]) { GlobalMaxPool1D() },
        Case("batchnorm sequences", [2, 7, 5]) { BatchNorm(featureCount: 5) },
        Case("batchnorm vectors", [3, 5]) { BatchNorm(featureCount: 5) },
        Case("batchnorm sequences masked", [3, 7, 5], lengths: [7, 4, 2]) { BatchNorm(featureCount: 5) },
        Case("layernorm", [2, 7, 5]) { LayerNorm(featureCount: 5) },
        Case("layernorm masked", [2, 7, 5], lengths: [3, 7]) { LayerNorm(featureCount: 5) },
        Case("lstm last state", [2, 7, 5], step: smoothStep) { LSTM(inputSize: 5, hiddenSize: 4) },
        Case("lstm sequences", [2, 7, 5], step: smoothStep) { LSTM(inputSize: 5, hiddenSize: 3, returnSequences: true) },
        // 11 units: one 8-wide SIMD block of the gate backward plus a scalar tail.
        Case("lstm sequences simd units", [2, 5, 3], step: smoothStep) { LSTM(inputSize: 3, hiddenSize: 11, returnSequences: true) },
        Case("lstm bidirectional masked", [2, 7, 5], lengths: [7, 4], step: smoothStep) {
            LSTM(inputSize: 5, hiddenSize: 3, bidirectional: true)
        },
        Case("lstm bidirectional sequences masked", [2, 7, 5], lengths: [5, 7], step: smoothStep) {
            LSTM(inputSize: 5, hiddenSize: 3, returnSequences: true, bidirectional: true)
        },
        Case("gru last state", [2, 7, 5], step: smoothStep) { GRU(inputSize: 5, hiddenSize: 4) },
        Case("gru bidirectional sequences masked", [2, 7, 5], lengths: [7, 3], step: smoothStep) {
            GRU(inputSize: 5, hiddenSize: 3, returnSequences: true, bidirectional: true)
        },
        Case("attention pooling masked", [2, 7, 5], lengths: [7, 4], step: smoothStep) { AttentionPooling(inputSize: 5) },
        Case("flatten", [2, 7, 5]) { Flatten() },
        Case("relu", [2, 7, 5]) { ReLU() },
        Case("leaky relu", [2, 7, 5]) { LeakyReLU(slope: 0.1) },
        Case("elu", [2, 7, 5]) { ELU(alpha: 0.7) },
        Case("gelu", [2, 7, 5]) { GELU() },
        Case("tanh", [2, 7, 5]) { Tanh() },
        Case("sigmoid", [2, 7, 5]) { Sigmoid() },
        Case("softmax", [2, 7, 5]) { Softmax() },
    ]

    @Test(arguments: cases)
    func backwardMatchesCentralDifferences(_ testCase: Case) {
        let layer = testCase.make()
        var generator = RandomGenerator(seed: 7)
        // Non-trivial biases and scales, so their gradients are exercised away from the initial constants.
        for parameter in layer.parameters {
            for i in 0..<parameter.value.count { parameter.value.storage[i] += 0.3 * generator.nextNormal() }
        }
        let count = testCase.inputShape.reduce(1, *)
        let input = Tensor(shape: testCase.inputShape, storage: (0..<count).map { _ in generator.nextNormal() })
        let report = checkGradients(of: layer, input: input, lengths: testCase.lengths, step: testCase.step)
        #expect(report.passed, "\(testCase.id)\n\(report)")
        #expect(report.entries.count == layer.parameters.count + 1)
    }

    @Test func dropoutGradientUsesTheForwardMask() {
        let layer = Dropout(rate: 0.4, seed: 3)
        let saved = layer.generator
        var generator = RandomGenerator(seed: 9)
        let input = Tensor(shape: [2, 7, 5], storage: (0..<70).map { _ in generator.nextNormal() })
        let report = checkGradients(of: layer, input: input) { layer.generator = saved }
        #expect(report.passed, "\(report)")
    }
}
