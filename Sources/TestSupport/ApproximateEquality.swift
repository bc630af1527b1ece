import NeuralNet

/// The worst disagreement between an observed and an expected array, in the units tests assert on.
public struct ApproximateComparison: CustomStringConvertible, Sendable {
    /// Largest `|observed − expected|`.
    public let maxDifference: Double
    /// Largest `|observed − expected| / max(|expected|, floor)`, where `floor = 0.01 · max|expected|` keeps values
    /// that are nearly zero from dominating a Float32 comparison.
    public let maxRelativeError: Double
    /// Index of the element with the largest relative error (−1 when the arrays are empty or differ in size).
    public let worstIndex: Int
    /// Observed and expected values at `worstIndex`.
    public let observed: Float, expected: Float

    /// Compares element-wise; arrays of different sizes compare as infinitely different.
    public init(_ observed: [Float], _ expected: [Float]) {
        guard observed.count == expected.count, !expected.isEmpty else {
            (maxDifference, maxRelativeError, worstIndex) = (.infinity, .infinity, -1)
            (self.observed, self.expected) = (.nan, .nan)
            return
        }
        let floor = max(0.01 * Double(expected.map { abs($0) }.max() ?? 0), 1e-12)
        var worst = 0, worstError = -1.0, maxDiff = 0.0
        for i in expected.indices {
            let difference = abs(Double(observed[i]) - Double(expected[i]))
            let error = difference.isNaN ? .infinity : difference / max(abs(Double(expected[i])), floor)
            maxDiff = max(maxDiff, difference)
            if error > worstError { (worst, worstError) = (i, error) }
        }
        (maxDifference, maxRelativeError, worstIndex) = (maxDiff, worstError, worst)
        (self.observed, self.expected) = (observed[worst], expected[worst])
    }

    /// Whether the largest relative error is within `tolerance`.
    public func isWithin(_ tolerance: Double) -> Bool { maxRelativeError <= tolerance }

    public var description: String {
        "max rel error \(maxRelativeError), max diff \(maxDifference), worst at [\(worstIndex)]: "
            + "observed \(observed), expected \(expected)"
    }
}

extension Tensor {
    /// Compares this tensor's values with `expected` (shapes must match for the comparison to pass).
    public func compared(with expected: Tensor) -> ApproximateComparison {
        shape == expected.shape ? ApproximateComparison(storage, expected.storage) : ApproximateComparison([], [1])
    }
}
