/// Inverted dropout: in training, zeroes each value with probability `rate` and scales the rest by `1/(1 − rate)`;
/// at inference it is the identity (Srivastava et al. 2014; PyTorch/Keras `Dropout`).
///
/// The mask comes from the layer's own seeded `generator`, whose state a checkpoint can save and restore so that a
/// resumed run draws exactly the masks an uninterrupted run would.
public final class Dropout: Layer {
    /// The options of a dropout layer (YAML type `dropout`).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Probability of dropping a value, in `[0, 1)`, Keras `rate` (PyTorch `p`).
        public var rate: Float
        /// Seed of the mask generator (default 0).
        public var seed: UInt64 = 0

        /// Options with the given rate and seed.
        public init(rate: Float, seed: UInt64 = 0) {
            self.rate = rate
            self.seed = seed
        }

        /// YAML keys.
        public enum CodingKeys: String, CodingKey, CaseIterable { case rate, seed }

        /// Decodes the options, filling absent optional keys with their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            rate = try c.decodeFloat(.rate, default: 0.5, in: 0...0.999_999)
            seed = try c.decode(.seed, default: 0)
        }
    }

    /// The options this layer was built with.
    public let configuration: Configuration
    /// The mask generator; read it to save its state, assign it to resume.
    public var generator: RandomGenerator
    private var mask: [Float]?

    /// Dropout with probability `rate`, masks drawn from a generator seeded with `seed`.
    public convenience init(rate: Float, seed: UInt64 = 0) { self.init(Configuration(rate: rate, seed: seed)) }

    /// A layer built from `configuration`.
    public init(_ configuration: Configuration) {
        precondition((0..<1).contains(configuration.rate), "Dropout rate must be in [0, 1), got \(configuration.rate)")
        self.configuration = configuration
        generator = RandomGenerator(seed: configuration.seed)
    }

    public var parameters: [Parameter] { [] }

    /// Re-seeds the mask generator from the model's generator, so one model seed fixes every mask.
    public func resetParameters(using generator: inout RandomGenerator) {
        self.generator = RandomGenerator(seed: generator.next() ^ configuration.seed)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        guard mode == .training else {
            mask = nil
            return input
        }
        let keep = 1 - configuration.rate, scale = 1 / keep
        var newMask = [Float](repeating: 0, count: input.count)
        var output = input.storage
        for i in 0..<output.count {
            newMask[i] = generator.nextUniform() < keep ? scale : 0
            output[i] *= newMask[i]
        }
        mask = newMask
        return Tensor(shape: input.shape, storage: output)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let mask else { preconditionFailure("Dropout.backward called without a training forward") }
        precondition(outputGradient.count == mask.count, "Dropout.backward expects \(mask.count) values, got \(outputGradient.shape)")
        var dx = outputGradient.storage
        for i in 0..<dx.count { dx[i] *= mask[i] }
        return Tensor(shape: outputGradient.shape, storage: dx)
    }
}

extension Dropout: StochasticLayer {
    public func reseed(_ seed: UInt64) { generator = RandomGenerator(seed: seed) }
}
