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
    /// The options of a GRU layer (YAML type `gru`).
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
    private let stack: RecurrentStack

    /// A GRU from `inputSize` channels to `hiddenSize` units per direction.
    public convenience init(inputSize: Int, hiddenSize: Int, returnSequences: Bool = false, bidirectional: Bool = false) {
        self.init(Configuration(inputSize: inputSize, hiddenSize: hiddenSize, returnSequences: returnSequences,
                                bidirectional: bidirectional))
    }

    /// A layer built from `configuration`, initialised from a generator seeded with 0.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
        stack = RecurrentStack(name: "GRU", inputSize: configuration.inputSize, hiddenSize: configuration.hiddenSize,
                               returnSequences: configuration.returnSequences, bidirectional: configuration.bidirectional) {
            GRUDirection(inputSize: configuration.inputSize, hiddenSize: configuration.hiddenSize, reverse: $0)
        }
        var generator = RandomGenerator(seed: 0)
        resetParameters(using: &generator)
    }

    /// `weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0`, then the `_reverse` four (PyTorch order).
    public var parameters: [Parameter] { stack.parameters }

    public func resetParameters(using generator: inout RandomGenerator) {
        let cfg = configuration
        stack.resetParameters(kernel: cfg.kernelInitializer, recurrent: cfg.recurrentInitializer, bias: cfg.biasInitializer,
                              using: &generator)
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
