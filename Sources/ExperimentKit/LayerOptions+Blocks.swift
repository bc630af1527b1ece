import NeuralNet

// Spec options of the 2-D convolution family, residual blocks and the transformer encoder. As for the other layers,
// input sizes (channels, model width) come from the incoming shape.

/// A `[time, frequency]` size that is > 0 and at most `SpecLimits`' bound on both axes.
private func sizeIssue(_ size: Size2D, key: some CodingKey) -> ValueIssue? {
    let limit = Int(SpecLimits.maxima[key.stringValue] ?? 65_536)
    guard size.time <= 0 || size.frequency <= 0 || size.time > limit || size.frequency > limit else { return nil }
    return ValueIssue(key: key.stringValue, message: "\(key.stringValue) must be in 1...\(limit) on both axes. "
                      + "Received: \(key.stringValue)=\(size)")
}

/// `conv2d` options: a 2-D convolution of a `[T, F, C]` map.
public struct Conv2DOptions: ComponentConfiguration, Equatable, Validatable {
    /// Output channels (`filters`, int > 0).
    public var filters: Int
    /// Window in frames and bins (`kernel_size`: an int for both, or `[time, frequency]`).
    public var kernelSize: Size2D
    /// Step between outputs (`stride`, default 1).
    public var stride = Size2D(1, 1)
    /// `valid` (default) or `same`.
    public var padding = Padding.valid
    /// Activation after the layer (default `linear`).
    public var activation = "linear"

    public enum CodingKeys: String, CodingKey, CaseIterable { case filters, kernelSize = "kernel_size", stride, padding, activation }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.required("filters", "int > 0", example: "8", "Output channels"),
         .required("kernel_size", "int > 0 or [time, frequency]", example: "3", "Window in frames and frequency bins"),
         .optional("stride", "int > 0 or [time, frequency]", "Step between outputs in frames and bins"),
         .optional("padding", "valid | same", "valid: only full windows; same: X' = ⌈X / stride⌉ on each axis",
                   choices: Padding.allCases.map(\.rawValue)),
         ActivationOption.info]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        filters = try c.decode(Int.self, forKey: .filters)
        kernelSize = try c.decode(Size2D.self, forKey: .kernelSize)
        stride = try c.decodeIfPresent(Size2D.self, forKey: .stride) ?? stride
        padding = try c.decodeIfPresent(Padding.self, forKey: .padding) ?? padding
        activation = try c.decodeIfPresent(String.self, forKey: .activation) ?? activation
    }

    public func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(filters, 0, key: CodingKeys.filters), sizeIssue(kernelSize, key: CodingKeys.kernelSize),
         sizeIssue(stride, key: CodingKeys.stride),
         ValueIssue.oneOf(activation, ActivationOption.choices, key: CodingKeys.activation)].compactMap { $0 }
    }
}

extension Pooling2DConfiguration: ComponentConfiguration, Validatable {
    /// `pool_size`, `stride`, `padding` (NeuralNet's own keys).
    public static var options: [OptionInfo] {
        [.required("pool_size", "int > 0 or [time, frequency]", example: "2", "Window in frames and frequency bins"),
         .optional("stride", "int > 0 or [time, frequency]", "Step between windows", dependentDefault: "pool_size"),
         .optional("padding", "valid | same", "valid: only full windows; same: X' = ⌈X / stride⌉ on each axis",
                   choices: Padding.allCases.map(\.rawValue))]
    }

    public func validate() -> [ValueIssue] {
        [sizeIssue(poolSize, key: CodingKeys.poolSize), sizeIssue(stride, key: CodingKeys.stride)].compactMap { $0 }
    }
}

/// `batchnorm2d` options (channels come from the input map).
public struct BatchNorm2DOptions: ComponentConfiguration, Equatable, Validatable {
    /// Keras momentum, the weight of the old running statistics (`momentum`, in [0, 1], default 0.99; PyTorch's is 1 − this).
    public var momentum = 0.99
    /// Added to the variance (`epsilon`, > 0, default 1e-3 as Keras).
    public var epsilon = 1e-3

    public enum CodingKeys: String, CodingKey, CaseIterable { case momentum, epsilon }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.optional("momentum", "float in [0, 1]", "Keras momentum: weight of the old running mean/variance (PyTorch: 1 − momentum)"),
         .optional("epsilon", "float in (0, 1]", "Added to the variance")]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? momentum
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? epsilon
    }

    public func validate() -> [ValueIssue] {
        var issues: [ValueIssue] = []
        if !(0...1).contains(momentum) {
            issues.append(ValueIssue(key: "momentum", message: "momentum must be in [0, 1]. Received: momentum=\(momentum)"))
        }
        if !(epsilon > 0 && epsilon <= 1) {
            issues.append(ValueIssue(key: "epsilon", message: "epsilon must be in (0, 1]. Received: epsilon=\(epsilon)"))
        }
        return issues
    }
}

/// `residual` options: a nested layer list added to its input.
public struct ResidualOptions: ComponentConfiguration, Equatable {
    /// The block's layers, each written as in `model.layers` (built when the model is built).
    public var layers: [JSONValue] = []
    /// `auto` (identity, or a 1×1 projection when the layers change the shape) or `none` (identity only).
    public var projection = Residual.Projection.auto

    public enum CodingKeys: String, CodingKey, CaseIterable { case layers, projection }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.optional("layers", "list of layers (at least one)", "The block F; y = F(x) + x (or + P(x))"),
         .optional("projection", "auto | none", "auto: a 1×1 convolution (or dense) shortcut when F changes the shape",
                   choices: Residual.Projection.allCases.map(\.rawValue))]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        layers = try c.decodeIfPresent([JSONValue].self, forKey: .layers) ?? layers
        projection = try c.decodeIfPresent(Residual.Projection.self, forKey: .projection) ?? projection
    }
}

/// `transformer_encoder` options: `torch.nn.TransformerEncoder` of `layers` encoder layers (model width = input channels).
public struct TransformerEncoderOptions: ComponentConfiguration, Equatable, Validatable {
    /// Attention heads (`heads`, int > 0 dividing the input channels).
    public var heads: Int
    /// Feed-forward hidden width (`ff_size`, int > 0).
    public var feedForwardSize: Int
    /// Dropout in [0, 1) (default 0.1, as PyTorch).
    public var dropout = 0.1
    /// `relu` (default) or `gelu`.
    public var activation = TransformerEncoderLayer.Configuration.Activation.relu
    /// Pre-LN (`true`) or post-LN (default `false`, as PyTorch).
    public var normFirst = false
    /// Encoder layers (`layers`, int > 0, default 1).
    public var layers = 1
    /// A layer norm after the last layer (`final_norm`, default false; PyTorch `TransformerEncoder(norm=…)`).
    public var finalNorm = false

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case heads, feedForwardSize = "ff_size", dropout, activation, normFirst = "norm_first", layers, finalNorm = "final_norm"
    }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.required("heads", "int > 0 dividing the input channels", example: "1", "Attention heads (PyTorch nhead)"),
         .required("ff_size", "int > 0", example: "8", "Feed-forward hidden width (PyTorch dim_feedforward)"),
         .optional("dropout", "float in [0, 1)", "After attention and in the feed-forward block; on attention weights"),
         .optional("activation", "relu | gelu", "Feed-forward activation",
                   choices: TransformerEncoderLayer.Configuration.Activation.allCases.map(\.rawValue)),
         .optional("norm_first", "bool", "Layer norm before each block (pre-LN) instead of after the residual sum"),
         .optional("layers", "int > 0", "Encoder layers (PyTorch num_layers)"),
         .optional("final_norm", "bool", "Layer norm after the last layer (PyTorch norm=LayerNorm(d)); usual with norm_first")]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        heads = try c.decode(Int.self, forKey: .heads)
        feedForwardSize = try c.decode(Int.self, forKey: .feedForwardSize)
        dropout = try c.decodeIfPresent(Double.self, forKey: .dropout) ?? dropout
        activation = try c.decodeIfPresent(TransformerEncoderLayer.Configuration.Activation.self, forKey: .activation) ?? activation
        normFirst = try c.decodeIfPresent(Bool.self, forKey: .normFirst) ?? normFirst
        layers = try c.decodeIfPresent(Int.self, forKey: .layers) ?? layers
        finalNorm = try c.decodeIfPresent(Bool.self, forKey: .finalNorm) ?? finalNorm
    }

    public func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(heads, 0, key: CodingKeys.heads),
         ValueIssue.greaterThan(feedForwardSize, 0, key: CodingKeys.feedForwardSize),
         ValueIssue.inHalfOpen(dropout, 0..<1, key: CodingKeys.dropout),
         ValueIssue.greaterThan(layers, 0, key: CodingKeys.layers),
         layers > 256 ? ValueIssue(key: "layers", message: "layers must be <= 256. Received: layers=\(layers)") : nil].compactMap { $0 }
    }

    /// The encoder for `channels`-wide inputs.
    ///
    /// - Throws: `LayerOptionError` at `heads` when it does not divide the width.
    func encoder(channels: Int) throws -> TransformerEncoder {
        guard channels % heads == 0 else {
            throw LayerOptionError(optionKey: "heads", optionMessage: "heads must divide the input channels (\(channels)). "
                + "Received: heads=\(heads)")
        }
        let layer = TransformerEncoderLayer.Configuration(modelSize: channels, heads: heads, feedForwardSize: feedForwardSize,
                                                          dropout: Float(dropout), activation: activation, normFirst: normFirst)
        return TransformerEncoder(.init(layer: layer, layerCount: layers, finalNorm: finalNorm))
    }
}
