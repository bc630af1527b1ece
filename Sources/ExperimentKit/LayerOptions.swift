import NeuralNet

// The spec vocabulary of layers (Keras names: `units`, `filters`, `activation`). NeuralNet's own configurations
// name input sizes too; here they are inferred from the incoming shape, so a spec only states what it chooses.

/// What a layer factory gets besides its options.
public struct LayerContext: Sendable {
    /// The per-example input shape, e.g. `[T, C]`.
    public var inputShape: [Int]
    /// Whether this is the last layer of the stack (its `softmax` activation is left to the loss).
    public var isLast: Bool
    /// The layer's spec, for factories that build nested layers from it (`residual`).
    public var spec: ComponentSpec?
    /// Builds a nested layer list for an input shape with the model's registry, checking shapes and reporting errors
    /// at the nested layers' own paths and lines.
    public var buildLayers: (@Sendable (_ specs: [ComponentSpec], _ inputShape: [Int]) throws -> [any Layer])?

    /// Creates a context.
    public init(inputShape: [Int], isLast: Bool, spec: ComponentSpec? = nil,
                buildLayers: (@Sendable ([ComponentSpec], [Int]) throws -> [any Layer])? = nil) {
        self.inputShape = inputShape
        self.isLast = isLast
        self.spec = spec
        self.buildLayers = buildLayers
    }

    /// The nested layers listed under `key` of this layer's spec, built for this layer's input shape.
    ///
    /// - Throws: `SpecErrors` from the nested layers, or a `LayerOptionError` if nesting is not available.
    func nestedLayers(_ key: String) throws -> [any Layer] {
        guard let spec, let buildLayers else {
            throw LayerOptionError(optionKey: key, optionMessage: "\(key) can only be built inside a model")
        }
        guard let items = spec.options[key]?.items, !items.isEmpty else {
            throw LayerOptionError(optionKey: key, optionMessage: "\(key) must list at least one layer")
        }
        let specs = try items.enumerated().map { index, item in
            try ComponentSpec(node: item, path: SpecPath.index(SpecPath.key(spec.path, key), index), kind: .layer)
        }
        return try buildLayers(specs, inputShape)
    }
}

/// A factory's complaint about one option, pointed at that option's line.
struct LayerOptionError: OptionError {
    var optionKey: String?
    var optionMessage: String
}

/// The `activation:` of `dense` and `conv1d`, appended as its own layer.
enum ActivationOption {
    static let choices = ["linear", "relu", "tanh", "sigmoid", "gelu", "elu", "leaky_relu", "softmax"]
    static let info = OptionInfo.optional("activation", "linear | relu | tanh | sigmoid | gelu | elu | leaky_relu | softmax",
                                          "Applied after the layer; softmax only on the last layer", choices: choices)

    /// The layers for `name`; `softmax` on the last layer adds none, since the cross-entropy loss applies it.
    static func layers(_ name: String, isLast: Bool) throws -> [any Layer] {
        switch name {
        case "linear": return []
        case "relu": return [ReLU()]
        case "tanh": return [Tanh()]
        case "sigmoid": return [Sigmoid()]
        case "gelu": return [GELU()]
        case "elu": return [ELU()]
        case "leaky_relu": return [LeakyReLU()]
        case "softmax" where isLast: return []
        case "softmax":
            throw LayerOptionError(optionKey: "activation", optionMessage: "softmax is only accepted on the last layer, "
                + "whose outputs the cross-entropy loss turns into probabilities")
        default: preconditionFailure("activation '\(name)' passed validation but has no layer")
        }
    }
}

/// `dense` options: a fully connected layer over the last axis.
public struct DenseOptions: ComponentConfiguration, Equatable, Validatable {
    /// Output features (`units`, int > 0, or `classes`).
    public var units: Int
    /// Activation after the layer (default `linear`).
    public var activation = "linear"

    public enum CodingKeys: String, CodingKey, CaseIterable { case units, activation }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.required("units", "int > 0 or classes", example: "8", "Output features; classes is the class count"), ActivationOption.info]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        units = try c.decode(Int.self, forKey: .units)
        activation = try c.decodeIfPresent(String.self, forKey: .activation) ?? activation
    }

    public func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(units, 0, key: CodingKeys.units),
         ValueIssue.oneOf(activation, ActivationOption.choices, key: CodingKeys.activation)].compactMap { $0 }
    }
}

/// `conv1d` options: a 1-D convolution over time of a `[T, C]` input.
public struct Conv1DOptions: ComponentConfiguration, Equatable, Validatable {
    /// Output channels (`filters`, int > 0).
    public var filters: Int
    /// Filter width in frames (`kernel_size`, int > 0).
    public var kernelSize: Int
    /// Step between output frames (`stride`, int > 0, default 1).
    public var stride = 1
    /// Spacing between taps (`dilation`, int > 0, default 1).
    public var dilation = 1
    /// `valid` (default) or `same`.
    public var padding = Padding.valid
    /// Activation after the layer (default `linear`).
    public var activation = "linear"

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case filters, kernelSize = "kernel_size", stride, dilation, padding, activation
    }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.required("filters", "int > 0", example: "8", "Output channels"),
         .required("kernel_size", "int > 0", example: "3", "Filter width in frames"),
         .optional("stride", "int > 0", "Step between output frames"),
         .optional("dilation", "int > 0", "Spacing between kernel taps in frames"),
         .optional("padding", "valid | same", "valid: only full windows; same: T' = ⌈T / stride⌉",
                   choices: Padding.allCases.map(\.rawValue)),
         ActivationOption.info]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        filters = try c.decode(Int.self, forKey: .filters)
        kernelSize = try c.decode(Int.self, forKey: .kernelSize)
        stride = try c.decodeIfPresent(Int.self, forKey: .stride) ?? stride
        dilation = try c.decodeIfPresent(Int.self, forKey: .dilation) ?? dilation
        padding = try c.decodeIfPresent(Padding.self, forKey: .padding) ?? padding
        activation = try c.decodeIfPresent(String.self, forKey: .activation) ?? activation
    }

    public func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(filters, 0, key: CodingKeys.filters),
         ValueIssue.greaterThan(kernelSize, 0, key: CodingKeys.kernelSize),
         ValueIssue.greaterThan(stride, 0, key: CodingKeys.stride),
         ValueIssue.greaterThan(dilation, 0, key: CodingKeys.dilation),
         ValueIssue.oneOf(activation, ActivationOption.choices, key: CodingKeys.activation)].compactMap { $0 }
    }
}

/// `lstm` and `gru` options.
public struct RecurrentOptions: ComponentConfiguration, Equatable, Validatable {
    /// Hidden units per direction (`units`, int > 0).
    public var units: Int
    /// Emit every step (`[T, H]`) instead of the last (`[H]`) (`return_sequences`, default false).
    public var returnSequences = false
    /// Run a second, reversed direction and concatenate (`bidirectional`, default false).
    public var bidirectional = false

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case units, returnSequences = "return_sequences", bidirectional
    }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.required("units", "int > 0", example: "8", "Hidden units per direction"),
         .optional("return_sequences", "bool", "Output every step [T, H] instead of the last [H]"),
         .optional("bidirectional", "bool", "Add a reversed direction; outputs are concatenated (2H)")]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        units = try c.decode(Int.self, forKey: .units)
        returnSequences = try c.decodeIfPresent(Bool.self, forKey: .returnSequences) ?? returnSequences
        bidirectional = try c.decodeIfPresent(Bool.self, forKey: .bidirectional) ?? bidirectional
    }

    public func validate() -> [ValueIssue] { [ValueIssue.greaterThan(units, 0, key: CodingKeys.units)].compactMap { $0 } }
}

/// `dropout` options.
public struct DropoutOptions: ComponentConfiguration, Equatable, Validatable {
    /// Fraction of inputs zeroed in training (`rate`, in [0, 1)).
    public var rate: Double

    public enum CodingKeys: String, CodingKey, CaseIterable { case rate }

    /// The option descriptions.
    public static var options: [OptionInfo] {
        [.required("rate", "float in [0, 1)", example: "0.5", "Fraction of inputs zeroed in training (inverted dropout)")]
    }

    public init(from decoder: any Decoder) throws {
        rate = try decoder.container(keyedBy: CodingKeys.self).decode(Double.self, forKey: .rate)
    }

    public func validate() -> [ValueIssue] { [ValueIssue.inHalfOpen(rate, 0..<1, key: CodingKeys.rate)].compactMap { $0 } }
}

extension Pooling1DConfiguration: ComponentConfiguration {
    /// `pool_size`, `stride`, `padding` (NeuralNet's own keys).
    public static var options: [OptionInfo] {
        [.required("pool_size", "int > 0", example: "2", "Frames per window"),
         .optional("stride", "int > 0", "Step between windows", dependentDefault: "pool_size"),
         .optional("padding", "valid | same", "valid: only full windows; same: T' = ⌈T / stride⌉",
                   choices: Padding.allCases.map(\.rawValue))]
    }
}
