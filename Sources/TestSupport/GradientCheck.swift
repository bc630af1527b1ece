import NeuralNet

/// The outcome of a finite-difference gradient check, one entry per checked tensor (the input, then parameters).
public struct GradientCheckReport: CustomStringConvertible {
    /// One compared tensor.
    public struct Entry: CustomStringConvertible {
        /// `input` or the parameter name.
        public let name: String
        /// Largest `|analytic − numeric| / max(|analytic| + |numeric|, floor)`, CS231n `rel_error` with a floor of
        /// 1% of the tensor's largest numeric gradient so Float32 noise on near-zero entries does not dominate.
        public let relativeError: Double
        /// Largest `|analytic − numeric|`.
        public let maxDifference: Double
        /// The first index whose relative error exceeds the tolerance, if any.
        public let firstMismatch: Int?
        /// Analytic and numeric values at `firstMismatch` (or at the worst index).
        public let analytic: Double, numeric: Double

        public var description: String {
            let at = firstMismatch.map { "first mismatch at [\($0)]" } ?? "ok"
            return "\(name): rel_error \(relativeError), maxdiff \(maxDifference), \(at) (analytic \(analytic), numeric \(numeric))"
        }
    }

    /// Every checked tensor.
    public let entries: [Entry]
    /// Whether every tensor is within tolerance.
    public var passed: Bool { entries.allSatisfy { $0.firstMismatch == nil } }
    public var description: String { entries.map(\.description).joined(separator: "\n") }
}

/// Checks `layer.backward` against central differences of `Σ output ⊙ R` for a random upstream gradient `R`,
/// over the input and every parameter (CS231n `eval_numerical_gradient_array`), accumulating in Double.
///
/// - Parameters:
///   - input: A small batch with odd sizes so transposes cannot hide (e.g. `[2, 7, 5]`).
///   - lengths: Per-example valid lengths passed to `forward(_:lengths:mode:)`.
///   - step: The central-difference step `h`. Its error is `O(h²)` truncation plus the objective's Float32 rounding
///     divided by `2h` (about `u · Σ|y ⊙ R| / h`): 1e-3 suits kinked layers, smooth deep ones need about 1e-2.
///   - tolerance: Relative error allowed (about 1e-2 for Float32).
///   - prepare: Called before every forward, e.g. to restore a dropout generator so every pass uses one mask.
public func checkGradients(
    of layer: any Layer, input: Tensor, lengths: [Int]? = nil, seed: UInt64 = 1, step: Float = 1e-3,
    tolerance: Double = 1e-2, prepare: () -> Void = {}
) -> GradientCheckReport {
    var generator = RandomGenerator(seed: seed)
    prepare()
    let output = layer.forward(input, lengths: lengths, mode: .training).output
    let upstream = Tensor(shape: output.shape, storage: (0..<output.count).map { _ in generator.nextNormal() })
    for parameter in layer.parameters { parameter.zeroGradient() }
    let inputGradient = layer.backward(upstream)
    let analyticParameters = layer.parameters.map(\.gradient.storage)

    func objective(_ x: Tensor) -> Double {
        prepare()
        let y = layer.forward(x, lengths: lengths, mode: .training).output
        var sum = 0.0
        for i in 0..<y.count { sum += Double(y.storage[i]) * Double(upstream.storage[i]) }
        return sum
    }

    var entries: [GradientCheckReport.Entry] = []
    var x = input
    var numericInput = [Double](repeating: 0, count: input.count)
    for i in 0..<input.count {
        let original = x.storage[i]
        x.storage[i] = original + step
        let plus = objective(x)
        x.storage[i] = original - step
        let minus = objective(x)
        x.storage[i] = original
        numericInput[i] = (plus - minus) / (2 * Double(step))
    }
    entries.append(compare("input", analytic: inputGradient.storage, numeric: numericInput, tolerance: tolerance))

    for (index, parameter) in layer.parameters.enumerated() {
        var numeric = [Double](repeating: 0, count: parameter.value.count)
        for i in 0..<parameter.value.count {
            let original = parameter.value.storage[i]
            parameter.value.storage[i] = original + step
            let plus = objective(input)
            parameter.value.storage[i] = original - step
            let minus = objective(input)
            parameter.value.storage[i] = original
            numeric[i] = (plus - minus) / (2 * Double(step))
        }
        entries.append(compare(parameter.name, analytic: analyticParameters[index], numeric: numeric, tolerance: tolerance))
    }
    return GradientCheckReport(entries: entries)
}

private func compare(_ name: String, analytic: [Float], numeric: [Double], tolerance: Double) -> GradientCheckReport.Entry {
    precondition(analytic.count == numeric.count, "\(name): analytic gradient has \(analytic.count) values, numeric \(numeric.count)")
    let floor = max(0.01 * (numeric.map(abs).max() ?? 0), 1e-6)
    var worst = 0, worstError = 0.0, maxDifference = 0.0
    var firstMismatch: Int?
    for i in numeric.indices {
        let a = Double(analytic[i]), difference = abs(a - numeric[i])
        let error = difference / max(abs(a) + abs(numeric[i]), floor)
        maxDifference = max(maxDifference, difference)
        if error > worstError { (worst, worstError) = (i, error) }
        if error > tolerance && firstMismatch == nil { firstMismatch = i }
    }
    let shown = firstMismatch ?? worst
    return .init(name: name, relativeError: worstError, maxDifference: maxDifference, firstMismatch: firstMismatch,
                 analytic: analytic.isEmpty ? 0 : Double(analytic[shown]), numeric: numeric.isEmpty ? 0 : numeric[shown])
}
