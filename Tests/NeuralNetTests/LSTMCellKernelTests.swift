import Foundation
@testable import NeuralNet
import Testing
import TestSupport

/// The fused LSTM cell step (`lstmCellForward`) on every path this CPU has (the SIMD8 Swift passes, and the AVX-512
/// kernel of the C shim where the CPU runs it) against the cell computed in Double with exact `tanh` and `exp`.
///
/// Each activation carries the rational tanh fit's error (relative < 4e-7, FastMath.swift) plus a few roundings:
/// `ε = 4e-7 + 8u` per activated value. Then `c = f·c₋₁ + i·g` is off by at most `ε·(|c₋₁| + 2)` plus the rounding
/// of its two products and sum (`3u·(|f·c₋₁| + |i·g|)`), and `h = o·tanh(c)` by `ε` (o) `+ ε + |Δc|` (tanh is
/// 1-Lipschitz) plus one rounding.
@Suite struct LSTMCellKernelTests {
    static let epsilon = 4e-7 + 8 * float32UnitRoundoff

    static var paths: [Bool] { BLAS.avx512Kernels ? [false, true] : [false] }

    struct Case: CustomTestStringConvertible, Sendable {
        let units: Int, firstStep: Bool, inPlace: Bool
        var testDescription: String { "h=\(units) first=\(firstStep) inPlace=\(inPlace)" }
    }

    // 37 and 5 units leave a tail for both the 8-lane and the 16-lane loops; 64 is the default stack's second LSTM.
    static let cases = [Case(units: 37, firstStep: false, inPlace: false), Case(units: 37, firstStep: true, inPlace: false),
                        Case(units: 5, firstStep: false, inPlace: true), Case(units: 64, firstStep: false, inPlace: true)]

    @Test(arguments: cases)
    func cellStepMatchesDoubleReference(_ c: Case) {
        let h = c.units
        var generator = RandomGenerator(seed: UInt64(h))
        // Pre-activations of up to ±12 reach the clamp of the tanh fit (|x/2| > 7.9 for the sigmoids).
        var pre = (0..<(4 * h)).map { _ in 4 * generator.nextNormal() }
        pre[0] = 12; pre[h + 1] = -12; pre[2 * h + 2] = 9; pre[3 * h + 3] = -20
        let previous = (0..<h).map { _ in 2 * generator.nextNormal() }
        for vector in Self.paths {
            var gate = pre, cell = c.inPlace ? previous : [Float](repeating: .nan, count: h)
            var cellTanh = [Float](repeating: .nan, count: h), hidden = [Float](repeating: .nan, count: h)
            let cPrev = previous
            gate.withUnsafeMutableBufferPointer { g in
            cell.withUnsafeMutableBufferPointer { cOut in
            cellTanh.withUnsafeMutableBufferPointer { t in
            hidden.withUnsafeMutableBufferPointer { hOut in
            cPrev.withUnsafeBufferPointer { p in
                let source = c.firstStep ? nil : (c.inPlace ? UnsafePointer(cOut.baseAddress!) : p.baseAddress!)
                lstmCellForward(gate: g.baseAddress!, cPrev: source, cell: cOut.baseAddress!, cellTanh: t.baseAddress!,
                                hidden: hOut.baseAddress!, units: h, vector: vector)
            }}}}}
            for j in 0..<h {
                let sigmoid = { (x: Float) in 1 / (1 + exp(-Double(x))) }
                let (i, f, g, o) = (sigmoid(pre[j]), sigmoid(pre[h + j]), tanh(Double(pre[2 * h + j])), sigmoid(pre[3 * h + j]))
                let old = c.firstStep ? 0 : Double(previous[j])
                let expectedCell = f * old + i * g, expectedHidden = o * tanh(expectedCell)
                let u = float32UnitRoundoff
                let cellBound = Self.epsilon * (abs(old) + 2) + 3 * u * (abs(f * old) + abs(i * g))
                let hiddenBound = 2 * Self.epsilon + cellBound + u
                let label = "vector \(vector), unit \(j)"
                for (observed, expected) in [(gate[j], i), (gate[h + j], f), (gate[2 * h + j], g), (gate[3 * h + j], o)] {
                    #expect(abs(Double(observed) - expected) <= Self.epsilon, "\(label): gate \(observed) vs \(expected)")
                }
                #expect(abs(Double(cell[j]) - expectedCell) <= cellBound, "\(label): c \(cell[j]) vs \(expectedCell)")
                #expect(abs(Double(cellTanh[j]) - tanh(expectedCell)) <= Self.epsilon + cellBound,
                        "\(label): tanh(c) \(cellTanh[j]) vs \(tanh(expectedCell))")
                #expect(abs(Double(hidden[j]) - expectedHidden) <= hiddenBound, "\(label): h \(hidden[j]) vs \(expectedHidden)")
            }
        }
    }

    @Test func nanPreActivationsPropagate() {
        // A diverged model must show NaN outputs, not values the clamp of the tanh fit made finite.
        for vector in Self.paths {
            var gate = [Float](repeating: 0.5, count: 4 * 16)
            gate[2 * 16 + 3] = .nan
            var cell = [Float](repeating: 0, count: 16), cellTanh = cell, hidden = cell
            gate.withUnsafeMutableBufferPointer { g in
            cell.withUnsafeMutableBufferPointer { cOut in
            cellTanh.withUnsafeMutableBufferPointer { t in
            hidden.withUnsafeMutableBufferPointer { hOut in
                lstmCellForward(gate: g.baseAddress!, cPrev: nil, cell: cOut.baseAddress!, cellTanh: t.baseAddress!,
                                hidden: hOut.baseAddress!, units: 16, vector: vector)
            }}}}
            #expect(hidden[3].isNaN && cell[3].isNaN, "vector \(vector): h \(hidden[3]), c \(cell[3])")
            #expect(!hidden[4].isNaN, "vector \(vector): NaN leaked into unit 4")
        }
    }
}
