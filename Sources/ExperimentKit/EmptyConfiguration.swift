/// The configuration of a component that takes no options (`relu`, `accuracy`): any key is an unknown key.
public struct EmptyConfiguration: ComponentConfiguration, Equatable {
    /// No keys.
    public enum CodingKeys: CodingKey, CaseIterable {}

    /// No options are listed.
    public static var options: [OptionInfo] { [] }

    /// The only value.
    public init() {}

    public init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: CodingKeys.self)
    }
}
