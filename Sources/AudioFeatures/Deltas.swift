/// Local derivative estimates along time, as `librosa.feature.delta(data, width, order, mode="interp")`.
///
/// librosa runs a Savitzky–Golay filter with `polyorder = deriv = order` over a window of `width` frames. For
/// interior frames that is a fixed FIR filter; the order-`order` derivative of the degree-`order` least-squares
/// polynomial is
///
/// ```
/// Δ[t] = order! Σ_{j=-h..h} q(j) x[t + j] / Σ_j q(j)²       (h = width / 2)
/// ```
///
/// with `q` the monic polynomial of degree `order` orthogonal on `{-h, …, h}` (order 1: `q(j) = j`). In
/// `"interp"` mode the first and last `h` frames take the derivative of the polynomial fitted to the first or
/// last full window, which is constant for that window: the value of frame `h` (or `T - 1 - h`).
///
/// - Parameters:
///   - features: Input `[T, C]`; every column is filtered along `T`.
///   - width: Window in frames, odd and ≥ 3, at most `T` (librosa `width`, default 9).
///   - order: Derivative order ≥ 1 (librosa `order`, default 1; 2 gives delta-deltas).
/// - Returns: `[T, C]`.
/// - Throws: `FeatureConfigurationError` when `width` is even, < 3 or larger than `T`, or `order` < 1.
public func delta(_ features: FeatureMatrix, width: Int = 9, order: Int = 1) throws -> FeatureMatrix {
    guard width >= 3, width % 2 == 1 else {
        throw FeatureConfigurationError(key: "delta_width", message: "delta_width must be odd and >= 3. Received: delta_width=\(width)")
    }
    guard order >= 1 else {
        throw FeatureConfigurationError(key: "order", message: "order must be >= 1. Received: order=\(order)")
    }
    guard width <= features.frameCount else {
        throw FeatureConfigurationError(
            key: "delta_width",
            message: "delta_width must not exceed the number of frames. Received: delta_width=\(width), frames=\(features.frameCount)")
    }
    return deltaUnchecked(features, width: width, order: order)
}

/// `delta` for a valid width (odd, 3...T) and order ≥ 1.
func deltaUnchecked(_ features: FeatureMatrix, width: Int, order: Int) -> FeatureMatrix {
    let frames = features.frameCount, channels = features.featureCount
    let h = width / 2
    let coefficients = savitzkyGolayDerivative(halfWidth: h, order: order)
    var out = [Float](repeating: 0, count: frames * channels)
    features.values.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
            for t in h..<(frames - h) {
                for (offset, c) in coefficients.enumerated() where c != 0 {
                    let source = x.baseAddress! + (t + offset - h) * channels
                    let target = y.baseAddress! + t * channels
                    let weight = Float(c)
                    for k in 0..<channels { target[k] += weight * source[k] }
                }
            }
            // interp mode: the edges repeat the nearest full-window value (see the doc comment).
            for t in 0..<h {
                (y.baseAddress! + t * channels).update(from: y.baseAddress! + h * channels, count: channels)
                (y.baseAddress! + (frames - 1 - t) * channels).update(from: y.baseAddress! + (frames - 1 - h) * channels, count: channels)
            }
        }
    }
    return FeatureMatrix(frameCount: frames, featureCount: channels, values: out)
}

/// FIR weights for `x[t - h ... t + h]` giving the `order`-th derivative of the degree-`order` LS fit.
func savitzkyGolayDerivative(halfWidth h: Int, order: Int) -> [Double] {
    let points = (-h...h).map(Double.init)
    // Gram–Schmidt on 1, j, j², …: monic polynomials orthogonal over the window, as value vectors.
    var basis: [[Double]] = []
    for degree in 0...order {
        var q = points.map { pow($0, degree) }
        for p in basis {
            let projection = zip(q, p).map(*).reduce(0, +) / p.map { $0 * $0 }.reduce(0, +)
            q = zip(q, p).map { $0 - projection * $1 }
        }
        basis.append(q)
    }
    let q = basis[order]
    let norm = q.map { $0 * $0 }.reduce(0, +)
    let factorial = (1...order).map(Double.init).reduce(1, *)
    return q.map { factorial * $0 / norm }
}

private func pow(_ x: Double, _ n: Int) -> Double { n == 0 ? 1 : (1...n).reduce(1) { acc, _ in acc * x } }
