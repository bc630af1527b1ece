import NeuralNet
import Testing
import TestSupport

/// Layers given per-example valid lengths must treat a zero-padded clip exactly as that clip alone: whatever the
/// padded frames hold changes nothing, and strided `.same` layers pad each clip by its own length.
@Suite struct PaddedSequenceTests {
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
    }

    /// `x` with every frame `t ≥ lengths[n]` of an `[N, T, C]` batch replaced by large random values.
    static func garbagePadded(_ x: Tensor, lengths: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        var y = x
        let (t, c) = (x.shape[1], x.shape[2])
        for (b, length) in lengths.enumerated() {
            for i in ((b * t + length) * c)..<((b + 1) * t * c) { y.storage[i] = 50 * generator.nextNormal() }
        }
        return y
    }

    /// Frames `0..<frames` of example `b` of an `[N, T, C]` tensor, as `[1, frames, C]`.
    static func clip(_ x: Tensor, example b: Int, frames: Int) -> Tensor {
        let (t, c) = (x.shape[1], x.shape[2])
        return Tensor(shape: [1, frames, c], storage: Array(x.storage[(b * t * c)..<((b * t + frames) * c)]))
    }

    /// Runs a training forward and a backward of `upstream`; returns output, input gradient, parameter gradients.
    static func run(_ layer: any Layer, _ x: Tensor, lengths: [Int]?, upstream: Tensor) -> (Tensor, Tensor, [[Float]]) {
        for parameter in layer.parameters { parameter.zeroGradient() }
        let y = layer.forward(x, lengths: lengths, mode: .training).output
        let dx = layer.backward(upstream)
        return (y, dx, layer.parameters.map(\.gradient.storage))
    }

    @Test func batchNormStatisticsIgnorePaddedFrames() {
        let (lengths, c) = ([7, 4, 1], 5)
        let x = Self.random([3, 7, c], seed: 1)
        let upstream = Self.random([3, 7, c], seed: 2)
        let padded = BatchNorm(featureCount: c), garbage = BatchNorm(featureCount: c)
        let (y, dx, grads) = Self.run(padded, x, lengths: lengths, upstream: upstream)
        let (yg, dxg, gradsg) = Self.run(garbage, Self.garbagePadded(x, lengths: lengths, seed: 3), lengths: lengths,
                                         upstream: upstream)
        #expect(y == yg && dx == dxg && grads == gradsg)
        #expect(padded.runningMean.value == garbage.runningMean.value)
        #expect(padded.runningVariance.value == garbage.runningVariance.value)

        // The same as batch normalization of the 12 valid frames laid end to end, with no padding at all.
        let valid = (0..<3).flatMap { Self.clip(x, example: $0, frames: lengths[$0]).storage }
        let validUpstream = (0..<3).flatMap { Self.clip(upstream, example: $0, frames: lengths[$0]).storage }
        let joined = BatchNorm(featureCount: c)
        let (yj, dxj, gradsj) = Self.run(joined, Tensor(shape: [1, 12, c], storage: valid), lengths: nil,
                                         upstream: Tensor(shape: [1, 12, c], storage: validUpstream))
        let keep = { (t: Tensor) in (0..<3).flatMap { Self.clip(t, example: $0, frames: lengths[$0]).storage } }
        // The padded and the joined layouts sum the 12 valid frames in different orders: the statistics, then the
        // backward's two sums over frames (depth 2). Each term is taken as at most the result's largest entry.
        func bound(_ expected: [Float]) -> RoundoffBound {
            RoundoffBound(terms: 12, magnitude: 12 * largestMagnitude(expected), depth: 2)
        }
        let yc = ApproximateComparison(keep(y), yj.storage), dxc = ApproximateComparison(keep(dx), dxj.storage)
        #expect(yc.isWithin(bound(yj.storage)), "\(yc), \(bound(yj.storage))")
        #expect(dxc.isWithin(bound(dxj.storage)), "\(dxc), \(bound(dxj.storage))")
        for (g, gj) in zip(grads, gradsj) {
            #expect(ApproximateComparison(g, gj).isWithin(bound(gj)), "\(ApproximateComparison(g, gj)), \(bound(gj))")
        }
        let variance = joined.runningVariance.value.storage
        #expect(ApproximateComparison(padded.runningVariance.value.storage, variance).isWithin(bound(variance)))
        // Padded frames output zeros and receive no gradient.
        for (b, length) in lengths.enumerated() {
            let padding = ((b * 7 + length) * c)..<((b + 1) * 7 * c)
            #expect(y.storage[padding].allSatisfy { $0 == 0 } && dx.storage[padding].allSatisfy { $0 == 0 })
        }
    }

    @Test func layerNormZeroesPaddedFrames() {
        let (lengths, c) = ([2, 7], 5)
        let x = Self.random([2, 7, c], seed: 4), upstream = Self.random([2, 7, c], seed: 5)
        let layer = LayerNorm(featureCount: c)
        let (y, dx, grads) = Self.run(layer, x, lengths: lengths, upstream: upstream)
        let (yg, dxg, gradsg) = Self.run(layer, Self.garbagePadded(x, lengths: lengths, seed: 6), lengths: lengths,
                                         upstream: upstream)
        #expect(y == yg && dx == dxg && grads == gradsg)
        #expect(y.storage[(2 * c)..<(7 * c)].allSatisfy { $0 == 0 })
        #expect(dx.storage[(2 * c)..<(7 * c)].allSatisfy { $0 == 0 })
        // Valid frames are normalized exactly as without lengths.
        let plain = layer.forward(x, mode: .inference)
        #expect(Array(y.storage[..<(2 * c)]) == Array(plain.storage[..<(2 * c)]))
        #expect(Array(y.storage[(7 * c)...]) == Array(plain.storage[(7 * c)...]))
    }

    struct StridedCase: CustomTestStringConvertible, Sendable {
        let id: String
        /// Kernel or pool width: a convolution sums `window · C` products plus a bias per output, a pool `window` frames.
        let window: Int
        let make: @Sendable () -> any Layer
        var testDescription: String { id }
    }

    /// Kernel 3, stride 2 and kernel 4, stride 3: an odd and an even length split their `.same` padding differently.
    static let stridedCases: [StridedCase] = [
        StridedCase(id: "conv1d k3 s2", window: 3) { Conv1D(inputChannels: 4, outputChannels: 3, kernelSize: 3, stride: 2, padding: .same) },
        StridedCase(id: "conv1d k4 s3", window: 4) { Conv1D(inputChannels: 4, outputChannels: 3, kernelSize: 4, stride: 3, padding: .same) },
        StridedCase(id: "maxpool1d p3 s2", window: 3) { MaxPool1D(poolSize: 3, stride: 2, padding: .same) },
        StridedCase(id: "avgpool1d p3 s2", window: 3) { AveragePool1D(poolSize: 3, stride: 2, padding: .same) },
    ]

    @Test(arguments: stridedCases)
    func stridedSamePaddingFollowsEachClipsLength(_ testCase: StridedCase) {
        let layer = testCase.make()
        let (lengths, t) = ([9, 6, 5, 8], 9)
        let x = Self.random([4, t, 4], seed: 7)
        let stride = testCase.id.contains("s3") ? 3 : 2
        let output = layer.forward(Self.garbagePadded(x, lengths: lengths, seed: 8), lengths: lengths, mode: .inference)
        // Keras / PyTorch rule for `.same`: ⌈length / stride⌉ output frames.
        #expect(output.lengths == lengths.map { ($0 + stride - 1) / stride })
        let (outFrames, o) = (output.output.shape[1], output.output.shape[2])
        // The batch and the clip alone run different GEMM shapes, so BLAS may block and round each output's sum
        // differently: allow twice γ_n times the sum of the magnitudes of its terms.
        let parameters = layer.parameters.map(\.value.storage), products = testCase.window * x.shape[2]
        let largestInput = Double(x.storage.map(abs).max() ?? 0)
        let bound = parameters.count == 2
            ? RoundoffBound(terms: products + 1, magnitude: productMagnitude(parameters[0], x.storage, length: products)
                                + Double(parameters[1].map(abs).max() ?? 0))
            : RoundoffBound(terms: testCase.window, magnitude: Double(testCase.window) * largestInput)
        for (b, length) in lengths.enumerated() {
            let alone = layer.forward(Self.clip(x, example: b, frames: length), mode: .inference)
            let frames = (length + stride - 1) / stride
            #expect(alone.shape[1] == frames)
            let mine = Array(output.output.storage[(b * outFrames * o)..<((b * outFrames + frames) * o)])
            let comparison = ApproximateComparison(mine, alone.storage)
            #expect(comparison.isWithin(bound), "\(testCase.id) example \(b) (length \(length)): \(comparison), \(bound)")
            #expect(output.output.storage[((b * outFrames + frames) * o)..<((b + 1) * outFrames * o)].allSatisfy { $0 == 0 })
        }
    }
}
