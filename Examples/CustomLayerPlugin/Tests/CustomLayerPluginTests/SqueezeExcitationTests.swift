import CustomLayerPlugin
import Foundation
import NeuralNet
import Testing

/// The plugin layer's hand-written backward against central differences (CS231n `eval_numerical_gradient_array`):
/// `L = Σ y · u` for a random upstream gradient `u`, every input and parameter entry perturbed by ±h, sums in
/// `Double` (the same check as the exp package's own `TestSupport.checkGradients`).
@Suite struct SqueezeExcitationTests {
    /// Per tensor (the input, then each parameter), the largest `|a − n| / max(|a| + |n|, floor)`, with a floor of
    /// 1% of the tensor's largest numeric gradient so Float32 noise on near-zero entries does not dominate.
    static func relativeErrors(layer: SqueezeExcitation, input: Tensor, lengths: [Int]?, seed: UInt64) -> [String: Double] {
        var generator = RandomGenerator(seed: seed)
        let output = layer.forward(input, lengths: lengths, mode: .training).output
        let upstream = (0..<output.count).map { _ in generator.nextNormal() }
        for parameter in layer.parameters { parameter.zeroGradient() }
        let inputGradient = layer.backward(Tensor(shape: output.shape, storage: upstream))
        let analyticParameters = layer.parameters.map(\.gradient.storage)

        func objective(_ x: Tensor) -> Double {
            let y = layer.forward(x, lengths: lengths, mode: .training).output
            return zip(y.storage, upstream).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        func worst(_ analytic: [Float], _ numeric: [Double]) -> Double {
            let floor = max(0.01 * (numeric.map(abs).max() ?? 0), 1e-6)
            return zip(analytic, numeric).map { abs(Double($0) - $1) / max(abs(Double($0)) + abs($1), floor) }.max() ?? 0
        }
        let h: Float = 1e-3
        var errors: [String: Double] = [:]
        var x = input
        var numericInput = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let original = x.storage[i]
            x.storage[i] = original + h
            let plus = objective(x)
            x.storage[i] = original - h
            let minus = objective(x)
            x.storage[i] = original
            numericInput[i] = (plus - minus) / (2 * Double(h))
        }
        errors["input"] = worst(inputGradient.storage, numericInput)
        for (p, parameter) in layer.parameters.enumerated() {
            var numeric = [Double](repeating: 0, count: parameter.value.count)
            for i in 0..<parameter.value.count {
                let original = parameter.value.storage[i]
                parameter.value.storage[i] = original + h
                let plus = objective(input)
                parameter.value.storage[i] = original - h
                let minus = objective(input)
                parameter.value.storage[i] = original
                numeric[i] = (plus - minus) / (2 * Double(h))
            }
            errors[parameter.name] = worst(analyticParameters[p], numeric)
        }
        return errors
    }

    static func randomInput(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
    }

    @Test(arguments: [nil, [3, 2]] as [[Int]?])
    func backwardMatchesCentralDifferences(lengths: [Int]?) {
        let layer = SqueezeExcitation(channels: 5, reduction: 2)
        var generator = RandomGenerator(seed: 7)
        layer.resetParameters(using: &generator)
        // Non-zero biases, so the ReLU and sigmoid are exercised away from their starting point.
        for i in 0..<layer.fc1Bias.value.count { layer.fc1Bias.value.storage[i] = 0.3 }
        for i in 0..<layer.fc2Bias.value.count { layer.fc2Bias.value.storage[i] = Float(i) * 0.2 - 0.4 }
        let errors = Self.relativeErrors(layer: layer, input: Self.randomInput([2, 3, 5], seed: 11), lengths: lengths, seed: 5)
        #expect(errors.keys.sorted() == ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight", "input"])
        for (name, error) in errors { #expect(error < 1e-2, "\(name): rel_error \(error)") }
    }

    @Test func gatesScaleEachChannelByASigmoidOfTheValidFrameMeans() throws {
        let layer = SqueezeExcitation(channels: 2, reduction: 2)
        #expect(layer.hiddenSize == 1)
        layer.fc1Weight.value = Tensor(shape: [1, 2], storage: [1, 0])
        layer.fc1Bias.value = Tensor(shape: [1], storage: [0])
        layer.fc2Weight.value = Tensor(shape: [2, 1], storage: [1, -1])
        layer.fc2Bias.value = Tensor(shape: [2], storage: [0, 0])
        // Frames 0 and 1 are valid (channel 0 mean 2); frame 2 is padding and must not count.
        let input = Tensor(shape: [1, 3, 2], storage: [1, 5, 3, 5, 100, 5])
        let y = layer.forward(input, lengths: [2], mode: .inference).output
        let gate0 = 1 / (1 + exp(-2.0)), gate1 = 1 / (1 + exp(2.0))
        let expected = [1 * gate0, 5 * gate1, 3 * gate0, 5 * gate1, 100 * gate0, 5 * gate1]
        for (observed, value) in zip(y.storage, expected) { #expect(abs(Double(observed) - value) < 1e-5) }
        #expect(try layer.outputShape(for: [7, 2]) == [7, 2])
        #expect(throws: ShapeError.self) { try layer.outputShape(for: [4]) }
    }
}
