import Foundation

/// How a parameter's initial values are drawn; the Keras defaults are `glorotUniform` kernels, `orthogonal`
/// recurrent kernels and `zeros` biases.
///
/// `fanIn`/`fanOut` follow Keras: for Dense `in`/`out`, for Conv1D `in·k`/`out·k`, for recurrent input kernels
/// `in`/`gates·H`.
public enum Initializer: String, Codable, Sendable, CaseIterable {
    /// All zeros.
    case zeros
    /// All ones.
    case ones
    /// `U(-√(6/(fanIn+fanOut)), +√(6/(fanIn+fanOut)))` (Glorot & Bengio 2010; Keras `glorot_uniform`).
    case glorotUniform = "glorot_uniform"
    /// Truncated normal (±2σ) with `σ = √(2/fanIn) / 0.8796…` (He et al. 2015; Keras `he_normal`).
    case heNormal = "he_normal"
    /// A (semi-)orthogonal matrix from the QR decomposition of a normal matrix (Saxe et al. 2014; Keras `orthogonal`).
    case orthogonal
    /// `U(-1/√fanIn, 1/√fanIn)`: PyTorch's default for Linear, Conv1d biases and (with `fanIn = H`) LSTM/GRU.
    case torchUniform = "torch_uniform"

    /// A tensor of `shape` drawn from this distribution; `orthogonal` views it as `[shape[0], rest]`.
    public func make(shape: [Int], fanIn: Int, fanOut: Int, using generator: inout RandomGenerator) -> Tensor {
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        switch self {
        case .zeros:
            break
        case .ones:
            values = [Float](repeating: 1, count: count)
        case .glorotUniform:
            let limit = Float((6.0 / Double(max(1, fanIn + fanOut))).squareRoot())
            for i in 0..<count { values[i] = generator.nextUniform(-limit, limit) }
        case .heNormal:
            let sigma = Float((2.0 / Double(max(1, fanIn))).squareRoot() / 0.879_625_661_034_239_78)
            for i in 0..<count {
                var z = generator.nextNormal()
                while abs(z) > 2 { z = generator.nextNormal() }
                values[i] = sigma * z
            }
        case .orthogonal:
            let rows = shape.first ?? 1
            values = Self.orthogonal(rows: rows, cols: count / max(1, rows), using: &generator)
        case .torchUniform:
            let bound = Float(1 / Double(max(1, fanIn)).squareRoot())
            for i in 0..<count { values[i] = generator.nextUniform(-bound, bound) }
        }
        return Tensor(shape: shape, storage: values)
    }

    /// A row-major `[rows, cols]` matrix with orthonormal columns (rows ≥ cols) or rows (rows < cols).
    static func orthogonal(rows: Int, cols: Int, using generator: inout RandomGenerator) -> [Float] {
        // Gram–Schmidt on the columns of a tall normal matrix, with the sign of R's diagonal folded in, as Keras does.
        let tall = max(rows, cols), narrow = min(rows, cols)
        var q = [Double](repeating: 0, count: tall * narrow)  // column-major: column j at j*tall
        for i in 0..<q.count { q[i] = Double(generator.nextNormal()) }
        for j in 0..<narrow {
            for previous in 0..<j {
                var dot = 0.0
                for r in 0..<tall { dot += q[previous * tall + r] * q[j * tall + r] }
                for r in 0..<tall { q[j * tall + r] -= dot * q[previous * tall + r] }
            }
            var norm = 0.0
            for r in 0..<tall { norm += q[j * tall + r] * q[j * tall + r] }
            norm = norm.squareRoot()
            for r in 0..<tall { q[j * tall + r] /= max(norm, 1e-12) }
        }
        var result = [Float](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            for c in 0..<cols {
                result[r * cols + c] = Float(rows >= cols ? q[c * tall + r] : q[r * tall + c])
            }
        }
        return result
    }
}
