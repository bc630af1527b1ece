import NeuralNet
import Testing
import TestSupport

/// Inputs large enough for the element-wise passes to split across workers must give exactly what a plain loop
/// gives: each element (and each bias column) is computed once, in the same order, whatever the split.
@Suite struct ParallelPassTests {
    static let (n, t, c) = (4, 201, 96)

    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
    }

    @Test func reluMatchesAPlainLoop() {
        let x = Self.random([Self.n, Self.t, Self.c], seed: 1), dy = Self.random(x.shape, seed: 2)
        let relu = ReLU()
        let y = relu.forward(x, mode: .training)
        let dx = relu.backward(dy)
        #expect(y.storage == x.storage.map { max(0, $0) })
        #expect(dx.storage == zip(x.storage, dy.storage).map { $0 > 0 ? $1 : 0 })
    }

    @Test func maxPoolMatchesAPlainLoop() {
        let (n, t, c) = (Self.n, Self.t, Self.c)
        let x = Self.random([n, t, c], seed: 3)
        let pool = MaxPool1D(poolSize: 3, stride: 2)
        let y = pool.forward(x, mode: .training)
        let frames = (t - 3) / 2 + 1
        #expect(y.shape == [n, frames, c])
        var expected = [Float](repeating: 0, count: n * frames * c), gradient = [Float](repeating: 0, count: x.count)
        let dy = Self.random(y.shape, seed: 4)
        for b in 0..<n {
            for f in 0..<frames {
                for ch in 0..<c {
                    // First maximal frame wins, as PyTorch.
                    var best = 2 * f
                    for frame in (2 * f)..<(2 * f + 3) where x.storage[(b * t + frame) * c + ch] > x.storage[(b * t + best) * c + ch] {
                        best = frame
                    }
                    expected[(b * frames + f) * c + ch] = x.storage[(b * t + best) * c + ch]
                    gradient[(b * t + best) * c + ch] += dy.storage[(b * frames + f) * c + ch]
                }
            }
        }
        #expect(y.storage == expected)
        #expect(pool.backward(dy).storage == gradient)
    }

    @Test func biasGradientSumsEachColumnInRowOrder() {
        let x = Self.random([Self.n * Self.t, 8], seed: 5), dy = Self.random([Self.n * Self.t, 128], seed: 6)
        let dense = Dense(inputSize: 8, outputSize: 128)
        _ = dense.forward(x, mode: .training)
        _ = dense.backward(dy)
        var expected = [Float](repeating: 0, count: 128)
        for r in 0..<(Self.n * Self.t) { for j in 0..<128 { expected[j] += dy.storage[r * 128 + j] } }
        #expect(dense.bias.gradient.storage == expected)
    }
}
