// Vectorised exp, sigmoid and tanh for the recurrent gate nonlinearities, which dominate LSTM/GRU time outside
// BLAS. Polynomials are Cephes' `expf` and `tanhf` (S. Moshier), evaluated on SIMD8 lanes; relative error is a few
// ulp, far inside the 1e-4 parity tolerance.

private typealias Vector = SIMD8<Float>

@inline(__always) private func exp8(_ input: Vector) -> Vector {
    var x = input
    x.replace(with: 88.3, where: x .> 88.3)
    x.replace(with: -87.3, where: x .< -87.3)
    // Adding 1.5·2²³ rounds to the nearest integer and leaves it in the low mantissa bits (no per-lane conversion).
    let magic = Vector(repeating: 12_582_912)
    let shifted = x * 1.442_695_040_888_963_4 + magic
    let n = shifted - magic
    let r = x - n * 0.693_359_375 + n * 2.121_944_400_546_905_8e-4
    var p = Vector(repeating: 1.987_569_150_0e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    p = p * (r * r) + r + 1
    let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return p * unsafeBitCast(exponent, to: Vector.self)
}

@inline(__always) private func sigmoid8(_ x: Vector) -> Vector {
    1 / (1 + exp8(-x))
}

@inline(__always) private func tanh8(_ x: Vector) -> Vector {
    // |x| < 0.625: odd polynomial (no cancellation near 0); otherwise 1 − 2/(e^{2|x|} + 1) with the sign restored.
    let z = x * x
    var p = Vector(repeating: -5.704_988_727_45e-3)
    p = p * z + 2.063_908_879_54e-2
    p = p * z - 5.373_971_555_31e-2
    p = p * z + 1.333_144_220_36e-1
    p = p * z - 3.333_328_194_22e-1
    let small = p * z * x + x
    let magnitude = x.replacing(with: -x, where: x .< 0)
    var large = 1 - 2 / (exp8(2 * magnitude) + 1)
    large.replace(with: -large, where: x .< 0)
    return small.replacing(with: large, where: magnitude .>= 0.625)
}

/// Applies `f` to `count` values at `values`, eight at a time, with a zero-padded SIMD tail.
@inline(__always) private func apply(_ values: UnsafeMutablePointer<Float>, _ count: Int, _ f: (Vector) -> Vector) {
    var i = 0
    let raw = UnsafeMutableRawPointer(values)
    while i + 8 <= count {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
        raw.storeBytes(of: f(v), toByteOffset: i * 4, as: Vector.self)
        i += 8
    }
    if i < count {
        var tail = Vector()
        for lane in 0..<(count - i) { tail[lane] = values[i + lane] }
        let result = f(tail)
        for lane in 0..<(count - i) { values[i + lane] = result[lane] }
    }
}

/// `values[0..<count] = σ(values[0..<count])`.
func sigmoidInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) { apply(values, count, sigmoid8) }

/// `values[0..<count] = tanh(values[0..<count])`.
func tanhInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) { apply(values, count, tanh8) }
