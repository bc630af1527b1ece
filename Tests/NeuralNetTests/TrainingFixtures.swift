import Foundation
import NeuralNet

/// A tensor as the training generator writes it (`Tests/Reference/make_train_reference.py`).
struct FixtureTensor: Decodable {
    let shape: [Int]
    let values: [Float]
    var tensor: Tensor { Tensor(shape: shape, storage: values) }
}

/// A large tensor summarised by the generator: its sum and L2 norm (in Double) and entries at `indices`.
struct FixtureSummary: Decodable {
    let shape: [Int]
    let sum: Double
    let norm: Double
    let indices: [Int]
    let values: [Float]
}

/// The values the generator's `formula_weights` gives tensor number `tensorIndex` (in parameter order):
/// `(2u − 1)·s` with `u = ((i·2654435761 + t·40503 + 12345) mod 2³²) / 2³²`, `s = 1/√(count/shape[0])` for matrices
/// and 0.1 for vectors, computed in Double and rounded once to Float.
func formulaWeights(shape: [Int], tensorIndex: Int) -> Tensor {
    let count = shape.reduce(1, *)
    let scale = shape.count > 1 ? 1 / (Double(count) / Double(shape[0])).squareRoot() : 0.1
    let offset = UInt64(tensorIndex * 40503 + 12345)
    let values = (0..<count).map { i -> Float in
        let u = Double((UInt64(i) &* 2_654_435_761 &+ offset) % (1 << 32)) / 4_294_967_296.0
        return Float((2 * u - 1) * scale)
    }
    return Tensor(shape: shape, storage: values)
}

/// Assigns `formulaWeights` to every parameter, in order.
func assignFormulaWeights(_ parameters: [Parameter]) {
    for (index, parameter) in parameters.enumerated() {
        parameter.value = formulaWeights(shape: parameter.value.shape, tensorIndex: index)
    }
}
