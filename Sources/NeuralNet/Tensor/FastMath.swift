// Vectorised tanh and sigmoid for the recurrent gate nonlinearities, which dominate LSTM/GRU time outside BLAS.
// tanh is Eigen's rational approximation (`generic_fast_tanh_float`, a [13/6] minimax fit on [-7.9, 7.9]); it needs
// no exp and has a relative error below 4e-7. sigmoid(x) = ½ + ½·tanh(x/2), whose absolute error is below 3e-7.

private typealias Vector = SIMD8<Float>

@inline(__always) private func tanh8(_ input: Vector) -> Vector {
    var x = input
    x.replace(with: 7.905_311_107_635_498, where: x .> 7.905_311_107_635_498)
    x.replace(with: -7.905_311_107_635_498, where: x .< -7.905_311_107_635_498)
    let x2 = x * x
    var p = Vector(repeating: -2.760_768_477_423_55e-16)
    p = p * x2 + 2.000_187_904_824_77e-13
    p = p * x2 - 8.604_671_522_137_35e-11
    p = p * x2 + 5.122_297_090_371_14e-08
    p = p * x2 + 1.485_722_357_179_79e-05
    p = p * x2 + 6.372_619_288_754_36e-04
    p = p * x2 + 4.893_524_558_917_86e-03
    var q = Vector(repeating: 1.198_258_394_667_02e-06)
    q = q * x2 + 1.185_347_056_866_54e-04
    q = q * x2 + 2.268_434_632_439_00e-03
    q = q * x2 + 4.893_525_185_543_85e-03
    return x * p / q
}

@inline(__always) private func sigmoid8(_ x: Vector) -> Vector {
    0.5 + 0.5 * tanh8(0.5 * x)
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

/// `result[i] = output[i] > 0 ? gradient[i] : 0` (ReLU backward into fresh storage), as SIMD selects.
func maskWherePositive(_ result: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, output: UnsafePointer<Float>,
                       count: Int) {
    let r = UnsafeMutableRawPointer(result), g = UnsafeRawPointer(gradient), y = UnsafeRawPointer(output)
    var i = 0
    while i + 8 <= count {
        let dy = g.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
        let value = y.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
        r.storeBytes(of: dy.replacing(with: 0, where: value .<= 0), toByteOffset: i * 4, as: Vector.self)
        i += 8
    }
    while i < count {
        result[i] = output[i] > 0 ? gradient[i] : 0
        i += 1
    }
}

/// Running maximum over one more frame: where `source > maximum`, takes the value and records `index + channel`
/// (max-pool forward in training; ties keep the earlier frame).
func updateMaximum(_ maximum: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int32>,
                   source: UnsafePointer<Float>, index: Int32, count: Int) {
    let m = UnsafeMutableRawPointer(maximum), s = UnsafeRawPointer(source), idx = UnsafeMutableRawPointer(indices)
    let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
    var i = 0
    while i + 8 <= count {
        let current = m.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
        let candidate = s.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
        let greater = candidate .> current
        m.storeBytes(of: current.replacing(with: candidate, where: greater), toByteOffset: i * 4, as: Vector.self)
        let best = idx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Int32>.self)
        let replacement = SIMD8<Int32>(repeating: index &+ Int32(truncatingIfNeeded: i)) &+ lanes
        idx.storeBytes(of: best.replacing(with: replacement, where: greater), toByteOffset: i * 4,
                       as: SIMD8<Int32>.self)
        i += 8
    }
    while i < count {
        if source[i] > maximum[i] {
            maximum[i] = source[i]
            indices[i] = index &+ Int32(truncatingIfNeeded: i)
        }
        i += 1
    }
}

/// One LSTM step of one example, backward through the gate nonlinearities (`h` units): from the activated gates
/// `i, f, g, o` (laid out `[4h]`), `tanh(c_t)`, `c_{t−1}`, ∂L/∂h_t and the carried ∂L/∂c_t, writes the pre-activation
/// gate gradients `dGate [4h]` and replaces `dc` with ∂L/∂c_{t−1}. (h = o·tanh(c), c = f·c₋₁ + i·g.)
func lstmGateGradients(gate: UnsafePointer<Float>, tanhC: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                       dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>, dGate: UnsafeMutablePointer<Float>,
                       units h: Int) {
    let (gp, tp, cp, dhp) = (UnsafeRawPointer(gate), UnsafeRawPointer(tanhC), UnsafeRawPointer(cPrev), UnsafeRawPointer(dh))
    let (dcp, dgp) = (UnsafeMutableRawPointer(dc), UnsafeMutableRawPointer(dGate))
    var j = 0
    while j + 8 <= h {
        let at = j * 4, width = h * 4
        let i = gp.loadUnaligned(fromByteOffset: at, as: Vector.self)
        let f = gp.loadUnaligned(fromByteOffset: width + at, as: Vector.self)
        let g = gp.loadUnaligned(fromByteOffset: 2 * width + at, as: Vector.self)
        let o = gp.loadUnaligned(fromByteOffset: 3 * width + at, as: Vector.self)
        let t = tp.loadUnaligned(fromByteOffset: at, as: Vector.self)
        let d = dhp.loadUnaligned(fromByteOffset: at, as: Vector.self)
        let dcTotal = dcp.loadUnaligned(fromByteOffset: at, as: Vector.self) + d * o * (1 - t * t)
        dgp.storeBytes(of: d * t * o * (1 - o), toByteOffset: 3 * width + at, as: Vector.self)
        dgp.storeBytes(of: dcTotal * g * i * (1 - i), toByteOffset: at, as: Vector.self)
        dgp.storeBytes(of: dcTotal * i * (1 - g * g), toByteOffset: 2 * width + at, as: Vector.self)
        dgp.storeBytes(of: dcTotal * cp.loadUnaligned(fromByteOffset: at, as: Vector.self) * f * (1 - f),
                       toByteOffset: width + at, as: Vector.self)
        dcp.storeBytes(of: dcTotal * f, toByteOffset: at, as: Vector.self)
        j += 8
    }
    while j < h {
        let (i, f, g, o) = (gate[j], gate[h + j], gate[2 * h + j], gate[3 * h + j])
        let dcTotal = dc[j] + dh[j] * o * (1 - tanhC[j] * tanhC[j])
        dGate[3 * h + j] = dh[j] * tanhC[j] * o * (1 - o)
        dGate[j] = dcTotal * g * i * (1 - i)
        dGate[2 * h + j] = dcTotal * i * (1 - g * g)
        dGate[h + j] = dcTotal * cPrev[j] * f * (1 - f)
        dc[j] = dcTotal * f
        j += 1
    }
}

/// One LSTM step of one example forward through the gate nonlinearities (`h` units): activates the pre-activations
/// `gate [4h]` (i, f, g, o) in place and writes `c_t = f·c_{t−1} + i·g`, `tanh(c_t)` and `h_t = o·tanh(c_t)`;
/// `cPrev` is `nil` for the zero state and may equal `cell`. With `vector` it runs as one pass of the AVX-512 kernel
/// of the C shim (the same rational tanh, with fused multiply-adds: it differs from this SIMD8 path only in rounding).
func lstmCellForward(gate: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>?, cell: UnsafeMutablePointer<Float>,
                     cellTanh: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, units h: Int,
                     vector: Bool = BLAS.avx512Kernels) {
    if vector {
        BLAS.lstmCellAVX512(gate: gate, cPrev: cPrev, cell: cell, cellTanh: cellTanh, hidden: hidden, units: h)
        return
    }
    sigmoidInPlace(gate, count: 2 * h)
    tanhInPlace(gate + 2 * h, count: h)
    sigmoidInPlace(gate + 3 * h, count: h)
    if let cPrev {
        for j in 0..<h { cell[j] = gate[h + j] * cPrev[j] + gate[j] * gate[2 * h + j] }
    } else {
        for j in 0..<h { cell[j] = gate[j] * gate[2 * h + j] }
    }
    cellTanh.update(from: cell, count: h)
    tanhInPlace(cellTanh, count: h)
    for j in 0..<h { hidden[j] = gate[3 * h + j] * cellTanh[j] }
}
