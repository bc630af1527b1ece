// Activation functions as layers (YAML types `relu`, `leaky_relu`, `elu`, `gelu`, `tanh`, `sigmoid`, `softmax`).
// Each keeps its input and output for `backward` when training; all but Softmax act element-wise on any shape.
import Foundation

/// The shared forward/backward of an element-wise activation.
private struct Pointwise {
    var input: Tensor?
    var output: Tensor?

    /// Applies `f` to every value; caches input and output in training.
    mutating func forward(_ x: Tensor, mode: Mode, _ f: (Float) -> Float) -> Tensor {
        let y = Tensor(shape: x.shape, storage: x.storage.map(f))
        (input, output) = mode == .training ? (x, y) : (nil, nil)
        return y
    }

    /// `dx = dy · f'(x, y)`.
    func backward(_ dy: Tensor, layer: String, _ derivative: (_ x: Float, _ y: Float) -> Float) -> Tensor {
        guard let input, let output else { preconditionFailure("\(layer).backward called without a training forward") }
        precondition(dy.shape == input.shape, "\(layer).backward expects \(input.shape), got \(dy.shape)")
        var dx = [Float](repeating: 0, count: dy.count)
        for i in 0..<dx.count { dx[i] = dy.storage[i] * derivative(input.storage[i], output.storage[i]) }
        return Tensor(shape: input.shape, storage: dx)
    }
}

/// `max(0, x)`.
public final class ReLU: Layer {
    /// No options.
    public typealias Configuration = NoOptions
    private var output: Tensor?
    /// A ReLU.
    public init() {}
    /// A ReLU.
    public convenience init(_ configuration: Configuration) { self.init() }
    public var parameters: [Parameter] { [] }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        // One pass writing fresh storage (mutating a copy of the input would first copy it).
        let y = input.storage.withUnsafeBufferPointer { xBuffer in
            [Float](unsafeUninitializedCapacity: xBuffer.count) { buffer, count in
                nonisolated(unsafe) let (x, out) = (xBuffer, buffer)
                Parallel.forEachChunk(xBuffer.count) { range in
                    // Not max(0, x): that maps NaN to 0 and would hide a diverging run (PyTorch propagates NaN).
                    for i in range { out[i] = x[i] < 0 ? 0 : x[i] }
                }
                count = xBuffer.count
            }
        }
        let result = Tensor(shape: input.shape, storage: y)
        output = mode == .training ? result : nil
        return result
    }
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let output else { preconditionFailure("ReLU.backward called without a training forward") }
        precondition(outputGradient.shape == output.shape, "ReLU.backward expects \(output.shape), got \(outputGradient.shape)")
        // y > 0 exactly where x > 0, so the output is all backward needs.
        // Fresh storage: the upstream gradient is still referenced by the caller, so editing it would copy it first.
        let dx = outputGradient.storage.withUnsafeBufferPointer { dyBuffer in
            output.storage.withUnsafeBufferPointer { yBuffer in
                [Float](unsafeUninitializedCapacity: dyBuffer.count) { buffer, count in
                    nonisolated(unsafe) let (dy, y, d) = (dyBuffer, yBuffer, buffer)
                    Parallel.forEachChunk(dyBuffer.count) { range in
                        guard !range.isEmpty else { return }
                        maskWherePositive(d.baseAddress! + range.lowerBound, gradient: dy.baseAddress! + range.lowerBound,
                                          output: y.baseAddress! + range.lowerBound, count: range.count)
                    }
                    count = dyBuffer.count
                }
            }
        }
        return Tensor(shape: output.shape, storage: dx)
    }
}

/// `x` for `x > 0`, else `slope · x` (PyTorch `LeakyReLU`, default slope 0.01; Keras 3 defaults to 0.3).
public final class LeakyReLU: Layer {
    /// The options of a leaky ReLU.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Slope for negative inputs (≥ 0, default 0.01), Keras/PyTorch `negative_slope`.
        public var slope: Float = 0.01
        /// Options with the given slope.
        public init(slope: Float = 0.01) { self.slope = slope }
        /// YAML keys.
        public enum CodingKeys: String, CodingKey, CaseIterable { case slope = "negative_slope" }
        /// Decodes the options, filling absent optional keys with their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            slope = try c.decodeFloat(.slope, default: 0.01, in: 0...Float.greatestFiniteMagnitude)
        }
    }
    /// The options this layer was built with.
    public let configuration: Configuration
    private var cache = Pointwise()
    /// A leaky ReLU with `slope` for negative inputs.
    public convenience init(slope: Float = 0.01) { self.init(Configuration(slope: slope)) }
    /// A leaky ReLU.
    public init(_ configuration: Configuration) { self.configuration = configuration }
    public var parameters: [Parameter] { [] }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let slope = configuration.slope
        return cache.forward(input, mode: mode) { $0 > 0 ? $0 : slope * $0 }
    }
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let slope = configuration.slope
        return cache.backward(outputGradient, layer: "LeakyReLU") { x, _ in x > 0 ? 1 : slope }
    }
}

/// `x` for `x > 0`, else `alpha · (eˣ − 1)` (Clevert et al. 2016; default alpha 1, as Keras and PyTorch).
public final class ELU: Layer {
    /// The options of an ELU.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Scale of the negative part (> 0, default 1).
        public var alpha: Float = 1
        /// Options with the given alpha.
        public init(alpha: Float = 1) { self.alpha = alpha }
        /// YAML keys.
        public enum CodingKeys: String, CodingKey, CaseIterable { case alpha }
        /// Decodes the options, filling absent optional keys with their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            alpha = try c.decodeFloat(.alpha, default: 1, in: Float.leastNonzeroMagnitude...Float.greatestFiniteMagnitude)
        }
    }
    /// The options this layer was built with.
    public let configuration: Configuration
    private var cache = Pointwise()
    /// An ELU with scale `alpha`.
    public convenience init(alpha: Float = 1) { self.init(Configuration(alpha: alpha)) }
    /// An ELU.
    public init(_ configuration: Configuration) { self.configuration = configuration }
    public var parameters: [Parameter] { [] }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let alpha = configuration.alpha
        return cache.forward(input, mode: mode) { $0 > 0 ? $0 : alpha * (exp($0) - 1) }
    }
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let alpha = configuration.alpha
        return cache.backward(outputGradient, layer: "ELU") { x, y in x > 0 ? 1 : y + alpha }
    }
}

/// `x · Φ(x) = x/2 · (1 + erf(x/√2))`, the exact form (PyTorch default `approximate='none'`; Hendrycks & Gimpel 2016).
public final class GELU: Layer {
    /// No options.
    public typealias Configuration = NoOptions
    private var cache = Pointwise()
    /// An exact GELU.
    public init() {}
    /// An exact GELU.
    public convenience init(_ configuration: Configuration) { self.init() }
    public var parameters: [Parameter] { [] }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        cache.forward(input, mode: mode) { 0.5 * $0 * (1 + erf($0 * 0.707_106_781_186_547_5)) }
    }
    public func backward(_ outputGradient: Tensor) -> Tensor {
        // d/dx [x Φ(x)] = Φ(x) + x φ(x)
        cache.backward(outputGradient, layer: "GELU") { x, _ in
            0.5 * (1 + erf(x * 0.707_106_781_186_547_5)) + x * 0.398_942_280_401_432_7 * exp(-0.5 * x * x)
        }
    }
}

/// `tanh(x)`.
public final class Tanh: Layer {
    /// No options.
    public typealias Configuration = NoOptions
    private var cache = Pointwise()
    /// A tanh.
    public init() {}
    /// A tanh.
    public convenience init(_ configuration: Configuration) { self.init() }
    public var parameters: [Parameter] { [] }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    public func forward(_ input: Tensor, mode: Mode) -> Tensor { cache.forward(input, mode: mode) { tanh($0) } }
    public func backward(_ outputGradient: Tensor) -> Tensor {
        cache.backward(outputGradient, layer: "Tanh") { _, y in 1 - y * y }
    }
}

/// `1 / (1 + e⁻ˣ)`.
public final class Sigmoid: Layer {
    /// No options.
    public typealias Configuration = NoOptions
    private var cache = Pointwise()
    /// A logistic sigmoid.
    public init() {}
    /// A logistic sigmoid.
    public convenience init(_ configuration: Configuration) { self.init() }
    public var parameters: [Parameter] { [] }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    public func forward(_ input: Tensor, mode: Mode) -> Tensor { cache.forward(input, mode: mode) { sigmoid($0) } }
    public func backward(_ outputGradient: Tensor) -> Tensor {
        cache.backward(outputGradient, layer: "Sigmoid") { _, y in y * (1 - y) }
    }
}

/// Softmax over the last axis, `y_i = e^{x_i − max x} / Σ_j e^{x_j − max x}`. For training a classifier, prefer
/// logits and the fused softmax cross-entropy loss, which is more stable.
public final class Softmax: Layer {
    /// No options.
    public typealias Configuration = NoOptions
    private var output: Tensor?
    /// A softmax over the last axis.
    public init() {}
    /// A softmax over the last axis.
    public convenience init(_ configuration: Configuration) { self.init() }
    public var parameters: [Parameter] { [] }
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard !inputShape.isEmpty else { throw ShapeError("Softmax expects at least one feature axis, got []") }
        return inputShape
    }
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let width = input.shape.last ?? 1
        var y = input.storage
        for start in stride(from: 0, to: y.count, by: max(1, width)) {
            let peak = y[start..<(start + width)].max() ?? 0
            var total: Float = 0
            for i in start..<(start + width) { y[i] = exp(y[i] - peak); total += y[i] }
            for i in start..<(start + width) { y[i] /= total }
        }
        let result = Tensor(shape: input.shape, storage: y)
        output = mode == .training ? result : nil
        return result
    }
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let output else { preconditionFailure("Softmax.backward called without a training forward") }
        precondition(outputGradient.shape == output.shape, "Softmax.backward expects \(output.shape), got \(outputGradient.shape)")
        // dx_i = y_i (dy_i − Σ_j y_j dy_j)
        let width = output.shape.last ?? 1
        var dx = [Float](repeating: 0, count: output.count)
        for start in stride(from: 0, to: dx.count, by: max(1, width)) {
            var dot: Float = 0
            for i in start..<(start + width) { dot += output.storage[i] * outputGradient.storage[i] }
            for i in start..<(start + width) { dx[i] = output.storage[i] * (outputGradient.storage[i] - dot) }
        }
        return Tensor(shape: output.shape, storage: dx)
    }
}

/// The logistic function, computed without overflow for large |x|.
@inline(__always) func sigmoid(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + exp(-x)) : { let e = exp(x); return e / (1 + e) }()
}
