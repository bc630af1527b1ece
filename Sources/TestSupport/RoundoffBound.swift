/// Float32 unit roundoff `u = 2⁻²⁴`: the largest relative error of one correctly rounded operation.
public let float32UnitRoundoff: Double = 0x1p-24

/// How far two Float32 evaluations of the same sums, taken in different orders, may differ.
///
/// A sum of `n` terms evaluated in any order (pairwise, blocked, with or without fused multiply-adds, as BLAS kernels
/// do) is off from the exact sum by at most `γ_n · Σ|terms|`, `γ_n = n·u / (1 − n·u)` (Higham, *Accuracy and
/// Stability of Numerical Algorithms*, §3.1). Two such evaluations differ by at most `evaluations · γ_n · Σ|terms|`.
/// A computation of `depth` chained reductions of comparable magnitude adds one such term per stage (first order).
///
/// ```
/// bound = depth · evaluations · γ_n · magnitude
/// ```
///
/// This is the one rule the suite uses to compare two Float32 computations of the same quantity: it does not depend
/// on which CPU kernel OpenBLAS selects, because it holds for every summation order.
public struct RoundoffBound: CustomStringConvertible, Sendable {
    /// Terms in the longest sum, `n` (≥ 1).
    public let terms: Int
    /// `Σ|terms|` of that sum, or an upper bound of it (≥ 0).
    public let magnitude: Double
    /// Chained reductions whose errors add, first order (≥ 1).
    public let depth: Int
    /// Evaluations being compared (2 for "computation A against computation B", 1 against an exact value).
    public let evaluations: Int

    /// The bound on `|a − b|` for sums of `terms` terms with `Σ|terms| ≤ magnitude`.
    public init(terms: Int, magnitude: Double, depth: Int = 1, evaluations: Int = 2) {
        precondition(terms >= 1 && magnitude >= 0 && depth >= 1 && evaluations >= 1,
                     "RoundoffBound needs terms ≥ 1, magnitude ≥ 0, depth ≥ 1, evaluations ≥ 1; got \(terms), \(magnitude), \(depth), \(evaluations)")
        (self.terms, self.magnitude, self.depth, self.evaluations) = (terms, magnitude, depth, evaluations)
    }

    /// `γ_n = n·u / (1 − n·u)`.
    public var gamma: Double {
        let nu = Double(terms) * float32UnitRoundoff
        return nu / (1 - nu)
    }

    /// The absolute bound on the difference.
    public var value: Double { Double(depth * evaluations) * gamma * magnitude }

    public var description: String {
        "bound \(value) = \(depth)·\(evaluations)·γ_\(terms)·\(magnitude) (u = 2^-24, Σ|terms| ≤ \(magnitude))"
    }
}

/// `Σ|a_k · b_k|` bounded by `k · max|a| · max|b|`: the magnitude of the terms of each dot product of length `k`.
public func productMagnitude(_ a: [Float], _ b: [Float], length k: Int) -> Double {
    Double(k) * Double(a.map(abs).max() ?? 0) * Double(b.map(abs).max() ?? 0)
}

/// The largest `|x|` of `values`, as a Double (0 when empty).
public func largestMagnitude(_ values: [Float]) -> Double { Double(values.map(abs).max() ?? 0) }

extension ApproximateComparison {
    /// Whether every element's difference is within `bound`.
    public func isWithin(_ bound: RoundoffBound) -> Bool { maxDifference <= bound.value }
}
