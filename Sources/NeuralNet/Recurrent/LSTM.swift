/// A long short-term memory layer over `[N, T, C]` sequences (Hochreiter & Schmidhuber 1997; PyTorch `nn.LSTM`
/// with `batch_first=True`, Keras `LSTM`).
///
/// Gate order is **i, f, g, o** (PyTorch, MLX; Keras uses i, f, c, o, the same order):
///
/// ```
/// [i, f, g, o] = x_t · W_ihᵀ + b_ih + h_{t−1} · W_hhᵀ + b_hh
/// i, f, o = σ(i, f, o);  g = tanh(g)
/// c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)          (h_{−1} = c_{−1} = 0)
/// ```
///
/// The output is `[N, T, D·H]` with `returnSequences`, else `[N, D·H]` (the last state of each direction), where
/// `D = 2` when `bidirectional` (forward states first, then reverse). With valid `lengths`, padded steps keep the
/// state unchanged and output zeros, so the last output is the state at the last *valid* frame and the reverse
/// direction starts at each example's own last frame (PyTorch packed-sequence semantics).
///
/// Parameters, per direction, use PyTorch names and layouts: `weight_ih_l0 [4H, C]`, `weight_hh_l0 [4H, H]`,
/// `bias_ih_l0 [4H]`, `bias_hh_l0 [4H]`, with the suffix `_reverse` for the backward direction.
public final class LSTM: Layer {
    /// The options of an LSTM layer (YAML type `lstm`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Channels `C` of the input frames (> 0).
        public var inputSize: Int
        /// Hidden units `H` per direction (> 0), Keras `units`.
        public var hiddenSize: Int
        /// Output every step `[N, T, D·H]` (true) or the last state `[N, D·H]` (false, the Keras default).
        public var returnSequences: Bool = false
        /// Also run a reverse-time direction and concatenate (default false).
        public var bidirectional: Bool = false
        /// Initialise the forget-gate part of `bias_ih` to 1 (Keras `unit_forget_bias`, default true).
        public var unitForgetBias: Bool = true
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
            case bidirectional, unitForgetBias = "unit_forget_bias", kernelInitializer = "kernel_initializer"
            case recurrentInitializer = "recurrent_initializer", biasInitializer = "bias_initializer"
        }

        /// Decodes the options, filling absent optional keys with their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputSize = try c.decodeInt(.inputSize)
            hiddenSize = try c.decodeInt(.hiddenSize)
            returnSequences = try c.decode(.returnSequences, default: false)
            bidirectional = try c.decode(.bidirectional, default: false)
            unitForgetBias = try c.decode(.unitForgetBias, default: true)
            kernelInitializer = try c.decode(.kernelInitializer, default: .glorotUniform)
            recurrentInitializer = try c.decode(.recurrentInitializer, default: .orthogonal)
            biasInitializer = try c.decode(.biasInitializer, default: .zeros)
        }
    }

    /// The options this layer was built with.
    public let configuration: Configuration
    private let stack: RecurrentStack

    /// An LSTM from `inputSize` channels to `hiddenSize` units per direction.
    public convenience init(inputSize: Int, hiddenSize: Int, returnSequences: Bool = false, bidirectional: Bool = false) {
        self.init(Configuration(inputSize: inputSize, hiddenSize: hiddenSize, returnSequences: returnSequences,
                                bidirectional: bidirectional))
    }

    /// A layer built from `configuration`, initialised from a generator seeded with 0.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
        stack = RecurrentStack(name: "LSTM", inputSize: configuration.inputSize, hiddenSize: configuration.hiddenSize,
                               returnSequences: configuration.returnSequences, bidirectional: configuration.bidirectional) {
            LSTMDirection(inputSize: configuration.inputSize, hiddenSize: configuration.hiddenSize, reverse: $0)
        }
        var generator = RandomGenerator(seed: 0)
        resetParameters(using: &generator)
    }

    /// `weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0`, then the `_reverse` four (PyTorch order).
    public var parameters: [Parameter] { stack.parameters }

    public func resetParameters(using generator: inout RandomGenerator) {
        let (cfg, h) = (configuration, configuration.hiddenSize)
        stack.resetParameters(kernel: cfg.kernelInitializer, recurrent: cfg.recurrentInitializer, bias: cfg.biasInitializer,
                              using: &generator)
        if configuration.unitForgetBias {
            // The forget gate is the second block of bias_ih (gate order i, f, g, o).
            for direction in stack.directions { for j in h..<(2 * h) { direction.inputBias.value.storage[j] = 1 } }
        }
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] { try stack.outputShape(for: inputShape) }

    public func flopsPerExample(inputShape: [Int]) -> Int { stack.flopsPerExample(inputShape: inputShape) }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        stack.forward(input, lengths: lengths, mode: mode)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor { backward(outputGradient, needsInputGradient: true) }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        stack.backward(outputGradient, needsInputGradient: needsInputGradient)
    }
}
