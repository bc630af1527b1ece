import Foundation
import NeuralNet

/// Squeeze-and-excitation over channels: rescales each channel of a `[N, T, C]` sequence by a gate in (0, 1)
/// computed from the sequence's own channel means (Hu et al., "Squeeze-and-Excitation Networks", CVPR 2018, §3,
/// with the spatial squeeze replaced by a mean over time).
///
/// ```
/// s[n, c]    = (1 / L_n) Σ_{t < L_n} x[n, t, c]          squeeze: mean over the valid frames
/// z[n, r]    = relu(Σ_c W1[r, c] s[n, c] + b1[r])        R = max(1, C / reduction)
/// g[n, c]    = sigmoid(Σ_r W2[c, r] z[n, r] + b2[c])
/// y[n, t, c] = g[n, c] · x[n, t, c]                      excitation
/// ```
///
/// Parameters follow PyTorch's SE blocks: `fc1.weight [R, C]`, `fc1.bias [R]`, `fc2.weight [C, R]`, `fc2.bias [C]`.
public final class SqueezeExcitation: Layer {
    /// Channels `C` of the input and output.
    public let channels: Int
    /// Bottleneck width `R`.
    public let hiddenSize: Int
    /// `W1 [R, C]`.
    public let fc1Weight: Parameter
    /// `b1 [R]`.
    public let fc1Bias: Parameter
    /// `W2 [C, R]`.
    public let fc2Weight: Parameter
    /// `b2 [C]`.
    public let fc2Bias: Parameter

    /// What `backward` needs from the most recent training forward.
    private struct Cache {
        let input: Tensor
        /// Valid frames per example, `L_n`.
        let lengths: [Int]
        /// `s [N, C]`.
        let squeezed: [Float]
        /// `z [N, R]`, after the ReLU.
        let hidden: [Float]
        /// `g [N, C]`.
        let gate: [Float]
    }
    private var cache: Cache?

    /// A block for `channels` channels (> 0) with a bottleneck of `max(1, channels / reduction)` (reduction > 0).
    public init(channels: Int, reduction: Int) {
        precondition(channels > 0 && reduction > 0, "SqueezeExcitation needs channels > 0 and reduction > 0, got \(channels), \(reduction)")
        self.channels = channels
        hiddenSize = max(1, channels / reduction)
        fc1Weight = Parameter(name: "fc1.weight", value: Tensor(shape: [hiddenSize, channels]))
        fc1Bias = Parameter(name: "fc1.bias", value: Tensor(shape: [hiddenSize]))
        fc2Weight = Parameter(name: "fc2.weight", value: Tensor(shape: [channels, hiddenSize]))
        fc2Bias = Parameter(name: "fc2.bias", value: Tensor(shape: [channels]))
        var generator = RandomGenerator(seed: 0)
        resetParameters(using: &generator)
    }

    public var parameters: [Parameter] { [fc1Weight, fc1Bias, fc2Weight, fc2Bias] }

    /// Glorot-uniform weights and zero biases, so every gate starts near `sigmoid(0) = 0.5`.
    public func resetParameters(using generator: inout RandomGenerator) {
        let (c, r) = (channels, hiddenSize)
        fc1Weight.value = Initializer.glorotUniform.make(shape: [r, c], fanIn: c, fanOut: r, using: &generator)
        fc1Bias.value = Tensor(shape: [r])
        fc2Weight.value = Initializer.glorotUniform.make(shape: [c, r], fanIn: r, fanOut: c, using: &generator)
        fc2Bias.value = Tensor(shape: [c])
    }

    /// `[T, C] → [T, C]`.
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[1] == channels else {
            throw ShapeError("SqueezeExcitation expects a [T, \(channels)] sequence input, got [\(inputShape.map(String.init).joined(separator: ", "))]")
        }
        return inputShape
    }

    public func flopsPerExample(inputShape: [Int]) -> Int {
        2 * 2 * channels * hiddenSize + 2 * inputShape.reduce(1, *)
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        precondition(input.rank == 3 && input.shape[2] == channels,
                     "SqueezeExcitation expects [N, T, \(channels)], got \(input.shape)")
        let (n, t, c, r) = (input.shape[0], input.shape[1], channels, hiddenSize)
        let valid = lengths ?? Array(repeating: t, count: n)
        precondition(valid.count == n && valid.allSatisfy { (0...t).contains($0) },
                     "SqueezeExcitation lengths must be \(n) values in 0...\(t), got \(valid)")
        let x = input.storage, w1 = fc1Weight.value.storage, w2 = fc2Weight.value.storage
        var squeezed = [Float](repeating: 0, count: n * c)
        var hidden = [Float](repeating: 0, count: n * r)
        var gate = [Float](repeating: 0, count: n * c)
        var y = [Float](repeating: 0, count: x.count)
        for b in 0..<n {
            // An example with no valid frame squeezes to zeros rather than dividing by zero.
            let scale: Float = valid[b] > 0 ? 1 / Float(valid[b]) : 0
            for step in 0..<valid[b] {
                for k in 0..<c { squeezed[b * c + k] += x[(b * t + step) * c + k] }
            }
            for k in 0..<c { squeezed[b * c + k] *= scale }
            for j in 0..<r {
                var a = fc1Bias.value.storage[j]
                for k in 0..<c { a += w1[j * c + k] * squeezed[b * c + k] }
                hidden[b * r + j] = max(0, a)
            }
            for k in 0..<c {
                var a = fc2Bias.value.storage[k]
                for j in 0..<r { a += w2[k * r + j] * hidden[b * r + j] }
                gate[b * c + k] = 1 / (1 + Foundation.exp(-a))
            }
            for step in 0..<t {
                for k in 0..<c { y[(b * t + step) * c + k] = gate[b * c + k] * x[(b * t + step) * c + k] }
            }
        }
        cache = mode == .training
            ? Cache(input: input, lengths: valid, squeezed: squeezed, hidden: hidden, gate: gate) : nil
        return (Tensor(shape: input.shape, storage: y), lengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("SqueezeExcitation.backward called without a training forward") }
        precondition(outputGradient.shape == cache.input.shape,
                     "SqueezeExcitation.backward expects \(cache.input.shape), got \(outputGradient.shape)")
        let (n, t, c, r) = (cache.input.shape[0], cache.input.shape[1], channels, hiddenSize)
        let x = cache.input.storage, dy = outputGradient.storage
        let w1 = fc1Weight.value.storage, w2 = fc2Weight.value.storage
        var dx = [Float](repeating: 0, count: x.count)
        for b in 0..<n {
            // ∂L/∂g: the gate scales every frame of its channel.
            var dGate = [Float](repeating: 0, count: c)
            for step in 0..<t {
                for k in 0..<c {
                    let i = (b * t + step) * c + k
                    dGate[k] += dy[i] * x[i]
                    dx[i] = dy[i] * cache.gate[b * c + k]
                }
            }
            // Through the sigmoid: g' = g (1 − g).
            let dA2 = (0..<c).map { k in dGate[k] * cache.gate[b * c + k] * (1 - cache.gate[b * c + k]) }
            var dHidden = [Float](repeating: 0, count: r)
            for k in 0..<c {
                fc2Bias.gradient.storage[k] += dA2[k]
                for j in 0..<r {
                    fc2Weight.gradient.storage[k * r + j] += dA2[k] * cache.hidden[b * r + j]
                    dHidden[j] += dA2[k] * w2[k * r + j]
                }
            }
            // Through the ReLU (its output is zero exactly where it was inactive).
            var dSqueezed = [Float](repeating: 0, count: c)
            for j in 0..<r where cache.hidden[b * r + j] > 0 {
                fc1Bias.gradient.storage[j] += dHidden[j]
                for k in 0..<c {
                    fc1Weight.gradient.storage[j * c + k] += dHidden[j] * cache.squeezed[b * c + k]
                    dSqueezed[k] += dHidden[j] * w1[j * c + k]
                }
            }
            // Through the mean: each valid frame receives 1 / L_n of ∂L/∂s.
            guard cache.lengths[b] > 0 else { continue }
            let scale = 1 / Float(cache.lengths[b])
            for step in 0..<cache.lengths[b] {
                for k in 0..<c { dx[(b * t + step) * c + k] += dSqueezed[k] * scale }
            }
        }
        return Tensor(shape: cache.input.shape, storage: dx)
    }
}
