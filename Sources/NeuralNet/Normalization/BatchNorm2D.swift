/// Batch normalization of a feature map's channels (PyTorch `nn.BatchNorm2d`, Keras `BatchNormalization(axis=-1)`).
///
/// The input has shape `[N, T, F, C]`; each channel is normalized with statistics over every valid `(n, t, f)` cell.
/// The arithmetic, the options (Keras momentum 0.99, epsilon 1e-3) and the state-dict names (`weight`, `bias`,
/// `running_mean`, `running_var`, `num_batches_tracked`) are `BatchNorm`'s: a map is that layer's `[N, T·F, C]`
/// sequence, whose valid rows for an example of `L` valid frames are its first `L·F`.
public final class BatchNorm2D: Layer {
    /// The options of this layer (YAML type `batchnorm2d`).
    public typealias Configuration = BatchNorm.Configuration

    /// The options this layer was built with.
    public var configuration: Configuration { inner.configuration }
    private let inner: BatchNorm
    private var frequencyBins: Int?

    /// Batch normalization over `featureCount` channels.
    public convenience init(featureCount: Int, momentum: Float = 0.99, epsilon: Float = 1e-3) {
        self.init(Configuration(featureCount: featureCount, momentum: momentum, epsilon: epsilon))
    }

    /// A layer built from `configuration`.
    public init(_ configuration: Configuration) { inner = BatchNorm(configuration) }

    public var parameters: [Parameter] { inner.parameters }
    public var buffers: [Parameter] { inner.buffers }

    public func resetParameters(using generator: inout RandomGenerator) { inner.resetParameters(using: &generator) }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3, inputShape[2] == configuration.featureCount else {
            throw ShapeError("BatchNorm2D expects a [T, F, \(configuration.featureCount)] feature map, got \(describe(inputShape))")
        }
        return inputShape
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { forward(input, lengths: nil, mode: mode).output }

    public func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        let c = configuration.featureCount
        precondition(input.rank == 4 && input.shape[3] == c, "BatchNorm2D expects [N, T, F, \(c)], got \(input.shape)")
        let (n, t, f) = (input.shape[0], input.shape[1], input.shape[2])
        validateLengths(lengths, batch: n, frames: t, layer: "BatchNorm2D")
        frequencyBins = mode == .training ? f : nil
        let rows = inner.forward(input.reshaped([n, t * f, c]), lengths: lengths.map { $0.map { $0 * f } }, mode: mode).output
        return (rows.reshaped(input.shape), lengths)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let f = frequencyBins else { preconditionFailure("BatchNorm2D.backward called without a training forward") }
        let s = outputGradient.shape
        precondition(outputGradient.rank == 4 && s[2] == f, "BatchNorm2D.backward expects [N, T, \(f), C], got \(s)")
        return inner.backward(outputGradient.reshaped([s[0], s[1] * f, s[3]])).reshaped(s)
    }
}
