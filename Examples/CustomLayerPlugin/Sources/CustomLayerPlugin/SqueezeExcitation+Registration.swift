import ExperimentKit
import NeuralNet

/// The `squeeze_excitation` spec options; the channel count comes from the incoming shape.
public struct SqueezeExcitationOptions: ComponentConfiguration, Validatable {
    /// Bottleneck divisor: the gate network is `C → max(1, C / reduction) → C` (`reduction`, int > 0, default 4).
    public var reduction = 4

    public enum CodingKeys: String, CodingKey, CaseIterable { case reduction }

    /// The option descriptions for validation messages and `exp components`.
    public static var options: [OptionInfo] {
        [.optional("reduction", "int > 0", "Bottleneck divisor: the gate network is C → max(1, C / reduction) → C")]
    }

    public init(from decoder: any Decoder) throws {
        reduction = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Int.self, forKey: .reduction) ?? reduction
    }

    public func validate() -> [ValueIssue] { [ValueIssue.greaterThan(reduction, 0, key: CodingKeys.reduction)].compactMap { $0 } }
}

extension SqueezeExcitation {
    /// How a spec builds this layer: `{type: squeeze_excitation, reduction: 4}` after any `[T, C]` layer.
    public static let registration = Registration<[any Layer], LayerContext>(
        SqueezeExcitationOptions.self, "Channel gates from the mean over time, [T, C] → [T, C] (plugin)"
    ) { config, context in
        // `outputShape(for:)` rejects a non-sequence input with a message naming the shape it got.
        [SqueezeExcitation(channels: max(1, context.inputShape.last ?? 1), reduction: config.reduction)]
    }
}
