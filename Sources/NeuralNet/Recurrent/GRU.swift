/// A gated recurrent unit layer over `[N, T, C]` sequences (Cho et al. 2014; PyTorch `nn.GRU` with
/// `batch_first=True`).
///
/// Gate order is **r, z, n** and the n-gate follows PyTorch (Keras `reset_after=True`), which applies r after the
/// recurrent matmul:
///
/// ```
/// r = σ(x_t·W_irᵀ + b_ir + h_{t−1}·W_hrᵀ + b_hr)
/// z = σ(x_t·W_izᵀ + b_iz + h_{t−1}·W_hzᵀ + b_hz)
/// n = tanh(x_t·W_inᵀ + b_in + r ⊙ (h_{t−1}·W_hnᵀ + b_hn))
/// h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}                            (h_{−1} = 0)
/// ```
///
/// The output is `[N, T, D·H]` with `returnSequences`, else `[N, D·H]` (the last state of each direction), where
/// `D = 2` when `bidirectional` (forward states first, then reverse). With valid `lengths`, padded steps keep the
/// state unchanged and output zeros, so the last output is the state at the last *valid* frame and the reverse
/// direction starts at each example's own last frame (PyTorch packed-sequence semantics).
///
/// Parameters, per direction, use PyTorch names and layouts: `weight_ih_l0 [3H, C]`, `weight_hh_l0 [3H, H]`,
/// `bias_ih_l0 [3H]`, `bias_hh_l0 [3H]`, with the suffix `_reverse` for the backward direction.
public final class GRU: Layer {
    /// The options of an GRU layer (YAML type `lstm`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Channels `C` of the input frames (> 0).
        public var inputSize: Int
        /// Hidden units `H` per direction (> 0), Keras `units`.
        public var hiddenSize: Int
        /// Output every step `[N, T, D·H]` (true) or the last state `[N, D·H]` (false, the Keras default).
        public var returnSequences: Bool = false
        /// Also run a reverse-time direction and concatenate (default false).
        public var bidirectional: Bool = false
        /// Initializer of `weight_ih` (default `glorot_uniform`, as Keras).
        public var kernelInitializer: Initializer = .glorotUniform
        /// Initializer of `weight_hh` (default `orthogonal`, as Keras).
        public var recurrentInitializer: Initializer = .orthogonal
        /// Initializer of the biases (default `zeros`, as Keras).
        public var biasInitializer: Initializer = .zeros

        /// Options with Keras defaults for everything not given.
        public init(inputSize: Int, hiddenSize: Int, returnSequences: Bool = false, bidirectional: Bool = false) {
            self.inputSize = inputSize
            self.hiddenSize = hiddenSize
            self.returnSequences = returnSequences
            self.bidirectional = bidirectional
        }

        /// YAML keys.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case inputSize = "input_size", hiddenSize = "hidden_size", returnSequences = "return_sequences"
            case bidirectional, kernelInitializer = "kernel_initializer"
            case recurrentInitializer = "recurrent_initializer", biasInitializer = "bias_initializer"
        }

        /// Decodes the options, filling absent optional keys with their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputSize = try c.decodeInt(.inputSize)
            hiddenSize = try c.decodeInt(.hiddenSize)
            returnSequences = try c.decode(.returnSequences, default: false)
            bidirectional = try c.decode(.bidirectional, default: false)
            kernelInitializer = try c.decode(.kernelInitializer, default: .glorotUniform)
            recurrentInitializer = try c.decode(.recurrentInitializer, default: .orthogonal)
            biasInitializer = try c.decode(.biasInitializer, default: .zeros)
        }
    }

    /// The options this layer was built with.
    public let configuration: Configuration
    private let directions: [GRUDirection]
    private var inputShape: [Int]?
    private var lengths: [Int]?

    /// A GRU from `inputSize` channels to `hiddenSize` units per direction.
    public convenience init(inputSize: Int, hiddenSize: Int, returnSequences: Bool = false, bidirectional: Bool = false) {
        self.init(Configuration(inputSize: inputSize, hiddenSize: hiddenSize, returnSequences: returnSequences,
                                bidirectional: bidirectional))
    }

    /// A layer built from `configuration`, initialised from a generator seeded with 0.
    public init(_ configuration: Configuration) {
        precondition(configuration.inputSize > 0 && configuration.hiddenSize > 0,
                     "GRU sizes must be > 0, got \(configuration.inputSize)→\(configuration.hiddenSize)")
        self.configuration = configuration
        directions = (configuration.bidirectional ? [false, true] : [false]).map {
            GRUDirection(inputSize: configuration.inputSize, hiddenSize: configuration.hiddenSize, reverse: $0)
        }
        var generator = RandomGenerator(seed: 0)
        resetParameters(using: &generator)
    }

    /// `weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0`, then the `_reverse` four (PyTorch order).
    public var parameters: [Parameter] { directions.flatMap(\.parameters) }

    public func resetParameters(using generator: inout RandomGenerator) {
        let (c, h, cfg) = (configuration.inputSize, configuration.hiddenSize, configuration)
        for direction in directions {
            // PyTorch-style uniform uses fan-in H for every tensor, as nn.GRU does.
            let torchStyle = { (i: Initializer, fanIn: Int) in i == .torchUniform ? h : fanIn }
            direction.inputWeight.value = cfg.kernelInitializer.make(
                shape: [3 * h, c], fanIn: torchStyle(cfg.kernelInitializer, c), fanOut: 3 * h, using: &generator)
            direction.hiddenWeight.value = cfg.recurrentInitializer.make(
                shape: [3 * h, h], fanIn: torchStyle(cfg.recurrentInitializer, h), fanOut: 3 * h, using: &generator)
            direction.inputBias.value = cfg.biasInitializer.make(shape: [3 * h], fanIn: h, fanOut: 3 * h, using: &generator)
            direction.hiddenBias.value = cfg.biasInitializer.make(shape: [3 * h], fanIn: h, fanOut: 3 * h, using: &generator)
        }
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        let c = configuration.inputSize
        guard inputShape.count == 2, inputShape[1] == c else {
            throw ShapeError("GRU expects a [T, \(c)] sequence input, got \(describe(inputShape))")
        }
        let width = directions.count * configuration.hiddenSize
        return configuration.returnSequences ? [inputShape[0], width] : [width]
    }

    public func flopsPerExample(inputShape: [Int]) -> Int {
        let (c, h) = (configuration.inputSize, configuration.hiddenSize)
        return directions.count * 2 * (inputShape.first ?? 0) * 3 * h * (c + h)
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        let (c, h) = (configuration.inputSize, configuration.hiddenSize)
        precondition(input.rank == 3 && input.shape[2] == c, "GRU expects [N, T, \(c)], got \(input.shape)")
        let (n, t) = (input.shape[0], input.shape[1])
        validateLengths(lengths, batch: n, frames: t, layer: "GRU")
        precondition(t > 0, "GRU needs at least one frame, got \(input.shape)")
        inputShape = mode == .training ? input.shape : nil
        self.lengths = lengths
        let states = directions.map { $0.forward(input, lengths: lengths, training: mode == .training) }
        let width = directions.count * h
        if configuration.returnSequences {
            // One direction and no padding: the state sequence is the output, no interleaving needed.
            if states.count == 1 && lengths == nil { return (Tensor(shape: [n, t, width], storage: states[0]), nil) }
            var output = [Float](repeating: 0, count: n * t * width)
            for (d, hidden) in states.enumerated() {
                for b in 0..<n {
                    for time in 0..<min(t, lengths?[b] ?? t) {
                        for j in 0..<h { output[(b * t + time) * width + d * h + j] = hidden[(b * t + time) * h + j] }
                    }
                }
            }
            return (Tensor(shape: [n, t, width], storage: output), lengths)
        }
        var output = [Float](repeating: 0, count: n * width)
        for (d, hidden) in states.enumerated() {
            let last = directions[d].reverse ? 0 : t - 1
            for b in 0..<n {
                for j in 0..<h { output[b * width + d * h + j] = hidden[(b * t + last) * h + j] }
            }
        }
        return (Tensor(shape: [n, width], storage: output), nil)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor { backward(outputGradient, needsInputGradient: true) }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let inputShape else { preconditionFailure("GRU.backward called without a training forward") }
        let (n, t, h) = (inputShape[0], inputShape[1], configuration.hiddenSize)
        let width = directions.count * h
        let expected = configuration.returnSequences ? [n, t, width] : [n, width]
        precondition(outputGradient.shape == expected, "GRU.backward expects \(expected), got \(outputGradient.shape)")
        var inputGradient = [Float](repeating: 0, count: needsInputGradient ? inputShape.reduce(1, *) : 0)
        for (d, direction) in directions.enumerated() {
            var hiddenGradient = [Float](repeating: 0, count: n * t * h)
            for b in 0..<n {
                if configuration.returnSequences {
                    // Padded steps output constant zeros, so their upstream gradient does not reach the state.
                    for time in 0..<min(t, lengths?[b] ?? t) {
                        for j in 0..<h { hiddenGradient[(b * t + time) * h + j] = outputGradient.storage[(b * t + time) * width + d * h + j] }
                    }
                } else {
                    let last = direction.reverse ? 0 : t - 1
                    for j in 0..<h { hiddenGradient[(b * t + last) * h + j] = outputGradient.storage[b * width + d * h + j] }
                }
            }
            direction.backward(hiddenGradient, into: &inputGradient, needsInputGradient: needsInputGradient)
        }
        return needsInputGradient ? Tensor(shape: inputShape, storage: inputGradient) : Tensor(shape: [0])
    }
}
