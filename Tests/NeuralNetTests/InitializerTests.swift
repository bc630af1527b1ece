import Foundation
import NeuralNet
import Testing

@Suite struct InitializerTests {
    @Test func orthogonalHasOrthonormalColumnsOrRows() {
        for (rows, cols) in [(12, 3), (3, 7), (5, 5)] {
            var generator = RandomGenerator(seed: 11)
            let q = Initializer.orthogonal.make(shape: [rows, cols], fanIn: cols, fanOut: rows, using: &generator)
            let gram = rows >= cols ? q.matmul(q, transposeSelf: true) : q.matmul(q, transposeOther: true)
            let size = min(rows, cols)
            for i in 0..<size {
                for j in 0..<size {
                    #expect(abs(gram.storage[i * size + j] - (i == j ? 1 : 0)) < 1e-5, "\(rows)×\(cols) gram[\(i),\(j)]")
                }
            }
        }
    }

    @Test func distributionsRespectTheirBounds() {
        var generator = RandomGenerator(seed: 3)
        let glorot = Initializer.glorotUniform.make(shape: [64, 32], fanIn: 32, fanOut: 64, using: &generator)
        let limit = Float((6.0 / 96).squareRoot())
        #expect(glorot.storage.allSatisfy { abs($0) <= limit })
        #expect(glorot.storage.map { abs($0) }.max()! > 0.9 * limit)
        let torch = Initializer.torchUniform.make(shape: [100], fanIn: 25, fanOut: 1, using: &generator)
        #expect(torch.storage.allSatisfy { abs($0) <= 0.2 })
        let he = Initializer.heNormal.make(shape: [4000], fanIn: 50, fanOut: 1, using: &generator)
        let sigma = Float((2.0 / 50).squareRoot() / 0.879_625_661)
        #expect(he.storage.allSatisfy { abs($0) <= 2 * sigma })
        let std = (he.storage.map { $0 * $0 }.reduce(0, +) / 4000).squareRoot()
        #expect(abs(std - Float((2.0 / 50).squareRoot())) < 0.01)   // truncation rescaled back to √(2/fanIn)
        #expect(Initializer.zeros.make(shape: [3], fanIn: 1, fanOut: 1, using: &generator).storage == [0, 0, 0])
    }

    @Test func generatorStateRoundTripsThroughCodable() throws {
        var generator = RandomGenerator(seed: 99)
        _ = (0..<5).map { _ in generator.next() }
        var restored = try JSONDecoder().decode(RandomGenerator.self, from: JSONEncoder().encode(generator))
        #expect((0..<10).map { _ in generator.next() } == (0..<10).map { _ in restored.next() })
        let uniform = (0..<1000).map { _ in generator.nextUniform() }
        #expect(uniform.allSatisfy { (0..<1).contains($0) })
        #expect(abs(uniform.reduce(0, +) / 1000 - 0.5) < 0.05)
    }
}

@Suite struct DropoutTests {
    @Test func dropsAtTheRateAndRescales() {
        let layer = Dropout(rate: 0.3, seed: 1)
        let y = layer.forward(Tensor(shape: [10_000], repeating: 1), mode: .training)
        let dropped = y.storage.filter { $0 == 0 }.count
        #expect(abs(Double(dropped) / 10_000 - 0.3) < 0.02)
        #expect(y.storage.filter { $0 != 0 }.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
        #expect(layer.forward(Tensor(shape: [5], repeating: 2), mode: .inference).storage == [2, 2, 2, 2, 2])
    }

    @Test func restoringTheGeneratorReplaysTheMasks() {
        let layer = Dropout(rate: 0.5, seed: 7)
        _ = layer.forward(Tensor(shape: [50], repeating: 1), mode: .training)
        let saved = layer.generator
        let first = layer.forward(Tensor(shape: [50], repeating: 1), mode: .training)
        let resumed = Dropout(rate: 0.5, seed: 7)
        resumed.generator = saved
        #expect(resumed.forward(Tensor(shape: [50], repeating: 1), mode: .training) == first)
    }
}

@Suite struct ConfigurationTests {
    @Test func decodesSnakeCaseKeysWithDefaults() throws {
        let json = #"{"input_size": 64, "hidden_size": 32, "return_sequences": true}"#
        let lstm = try JSONDecoder().decode(LSTM.Configuration.self, from: Data(json.utf8))
        #expect(lstm == LSTM.Configuration(inputSize: 64, hiddenSize: 32, returnSequences: true))
        #expect(lstm.unitForgetBias && lstm.recurrentInitializer == .orthogonal)
        let pool = try JSONDecoder().decode(MaxPool1D.Configuration.self, from: Data(#"{"pool_size": 3}"#.utf8))
        #expect(pool.stride == 3 && pool.padding == .valid)
        let conv = try JSONDecoder().decode(Conv1D.Configuration.self, from: Data(
            #"{"input_channels": 40, "output_channels": 64, "kernel_size": 5, "padding": "same"}"#.utf8))
        #expect(conv == Conv1D.Configuration(inputChannels: 40, outputChannels: 64, kernelSize: 5, padding: .same))
        let copy = try JSONDecoder().decode(Conv1D.Configuration.self, from: JSONEncoder().encode(conv))
        #expect(copy == conv)
    }

    @Test func rejectsOutOfRangeValuesKerasStyle() {
        do {
            _ = try JSONDecoder().decode(Dense.Configuration.self, from: Data(#"{"input_size": 4, "output_size": 0}"#.utf8))
            Issue.record("output_size 0 was accepted")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == "output_size must be >= 1. Received: output_size=0")
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Dropout.Configuration.self, from: Data(#"{"rate": 1.5}"#.utf8))
        }
    }
}
