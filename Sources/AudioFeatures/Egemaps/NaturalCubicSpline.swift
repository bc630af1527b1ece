import Foundation

/// A natural cubic spline through `(x[i], y[i])` with increasing `x` (Numerical Recipes `spline`/`splint`).
struct NaturalCubicSpline {
    private let x: [Double]
    private let y: [Double]
    private let second: [Double]

    init(x: [Double], y: [Double]) {
        self.init(x: x, y: y, knots: Knots(x))
    }

    /// The knot-only terms of the tridiagonal system, shared by every spline over the same `x` (openSMILE caches
    /// them too: `smileMath_cspline_init`). The elimination's pivots depend on the knots alone, so they are
    /// computed here once; only the right-hand side is eliminated per spline.
    struct Knots: Sendable {
        let sigma: [Double]
        let right: [Double]
        let left: [Double]
        /// Reciprocal pivots `1 / (σ_i y2_{i−1} + 2)` of the forward elimination.
        let pivot: [Double]
        /// The forward-eliminated super-diagonal, `(σ_i − 1) · pivot_i` (0 at both ends).
        let upper: [Double]

        init(_ x: [Double]) {
            let n = x.count
            var sigma = [Double](repeating: 0, count: n), right = sigma, left = sigma, pivot = sigma, upper = sigma
            for i in 1..<max(n - 1, 1) {
                sigma[i] = (x[i] - x[i - 1]) / (x[i + 1] - x[i - 1])
                right[i] = (x[i + 1] - x[i]) * (x[i + 1] - x[i - 1])
                left[i] = (x[i] - x[i - 1]) * (x[i + 1] - x[i - 1])
                pivot[i] = 1 / (sigma[i] * upper[i - 1] + 2)
                upper[i] = (sigma[i] - 1) * pivot[i]
            }
            self.sigma = sigma; self.right = right; self.left = left; self.pivot = pivot; self.upper = upper
        }
    }

    init(x: [Double], y: [Double], knots: Knots) {
        precondition(x.count == y.count && x.count >= 3, "NaturalCubicSpline expects >= 3 matching points, got \(x.count), \(y.count)")
        self.x = x
        self.y = y
        let n = x.count
        var y2 = [Double](repeating: 0, count: n)
        y.withUnsafeBufferPointer { y in
            knots.sigma.withUnsafeBufferPointer { sigma in
                knots.pivot.withUnsafeBufferPointer { pivot in
                    knots.upper.withUnsafeBufferPointer { upper in
                        knots.right.withUnsafeBufferPointer { right in
                            knots.left.withUnsafeBufferPointer { left in
                                y2.withUnsafeMutableBufferPointer { y2 in
                                    // y2 holds the slopes' second differences first (independent per knot, so
                                    // vectorised), then the eliminated right-hand side u, then the solution.
                                    for i in 1..<(n - 1) {
                                        y2[i] = 6 * ((y[i + 1] - y[i]) / right[i] - (y[i] - y[i - 1]) / left[i])
                                    }
                                    var u = 0.0
                                    for i in 1..<(n - 1) {
                                        u = pivot[i] * (y2[i] - sigma[i] * u)
                                        y2[i] = u
                                    }
                                    y2[0] = 0
                                    y2[n - 1] = 0
                                    for j in stride(from: n - 2, through: 0, by: -1) { y2[j] = upper[j] * y2[j + 1] + y2[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
        second = y2
    }

    private init(x: [Double], y: [Double], second: [Double]) {
        self.x = x; self.y = y; self.second = second
    }

    /// Two splines over the same knots, eliminated side by side in the two lanes of a vector: lane by lane the
    /// operations of `init(x:y:knots:)`, so each spline is identical to one built alone, while the two
    /// recurrences (each bound by the latency of its previous step) overlap.
    static func pair(x: [Double], _ y0: [Double], _ y1: [Double], knots: Knots) -> (NaturalCubicSpline, NaturalCubicSpline) {
        let n = x.count
        precondition(y0.count == n && y1.count == n && n >= 3, "NaturalCubicSpline.pair expects >= 3 points each, got \(n), \(y0.count), \(y1.count)")
        var y2 = [SIMD2<Double>](repeating: .zero, count: n)
        let (sigma, pivot, upper, right, left) = (knots.sigma, knots.pivot, knots.upper, knots.right, knots.left)
        y2.withUnsafeMutableBufferPointer { y2 in
            y0.withUnsafeBufferPointer { y0 in
                y1.withUnsafeBufferPointer { y1 in
                    for i in 1..<(n - 1) {
                        let next = SIMD2(y0[i + 1], y1[i + 1]), here = SIMD2(y0[i], y1[i]), previous = SIMD2(y0[i - 1], y1[i - 1])
                        y2[i] = 6 * ((next - here) / right[i] - (here - previous) / left[i])
                    }
                }
            }
            pivot.withUnsafeBufferPointer { pivot in
                sigma.withUnsafeBufferPointer { sigma in
                    var u = SIMD2<Double>.zero
                    for i in 1..<(n - 1) {
                        u = pivot[i] * (y2[i] - sigma[i] * u)
                        y2[i] = u
                    }
                }
            }
            y2[0] = .zero
            y2[n - 1] = .zero
            upper.withUnsafeBufferPointer { upper in
                for j in stride(from: n - 2, through: 0, by: -1) { y2[j] = upper[j] * y2[j + 1] + y2[j] }
            }
        }
        return (NaturalCubicSpline(x: x, y: y0, second: y2.map { $0[0] }),
                NaturalCubicSpline(x: x, y: y1, second: y2.map { $0[1] }))
    }

    /// Evaluation points located once (by bisection) among the knots, for splines that share their `x`.
    struct Grid: Sendable {
        let low: [Int]
        let a: [Double]
        let b: [Double]
        let h: [Double]
        /// `a³ − a` and `b³ − b`, the weights of the second derivatives.
        let a3: [Double]
        let b3: [Double]

        init(x: [Double], at points: [Double]) {
            var low: [Int] = [], a: [Double] = [], b: [Double] = [], h: [Double] = []
            for t in points {
                var lo = 0, hi = x.count - 1
                while hi - lo > 1 {
                    let mid = (hi + lo) / 2
                    if x[mid] > t { hi = mid } else { lo = mid }
                }
                let width = x[hi] - x[lo]
                low.append(lo); h.append(width)
                a.append((x[hi] - t) / width); b.append((t - x[lo]) / width)
            }
            self.low = low; self.a = a; self.b = b; self.h = h
            a3 = a.map { $0 * $0 * $0 - $0 }
            b3 = b.map { $0 * $0 * $0 - $0 }
        }
    }

    /// Spline values at the points of `grid` (built from this spline's `x`).
    func evaluate(_ grid: Grid) -> [Double] {
        let count = grid.low.count
        return [Double](unsafeUninitializedCapacity: count) { out, initialized in
            y.withUnsafeBufferPointer { y in
                second.withUnsafeBufferPointer { second in
                    for i in 0..<count {
                        let lo = grid.low[i], a = grid.a[i], b = grid.b[i], h = grid.h[i]
                        out[i] = a * y[lo] + b * y[lo + 1] + (grid.a3[i] * second[lo] + grid.b3[i] * second[lo + 1]) * h * h / 6
                    }
                }
            }
            initialized = count
        }
    }

    /// Spline values at `points` (each located by bisection).
    func evaluate(at points: [Double]) -> [Double] { evaluate(Grid(x: x, at: points)) }
}
