/// A `Decodable` whose accepted keys are exactly its `CodingKeys`, so the spec decoder can reject unknown keys
/// (plain `Decodable` silently ignores them, and a typo in a sweep must never be ignored).
///
/// Types from other modules conform with an empty extension, provided their `CodingKeys` is `public`.
public protocol StrictDecodable: Decodable {
    /// The keys of the YAML mapping, e.g. `n_mfcc`, `hop_length`.
    associatedtype CodingKeys: CodingKey & CaseIterable
    /// Keys whose values are themselves strict mappings (checked for unknown keys too); empty by default.
    static var nestedStrictTypes: [String: any StrictDecodable.Type] { get }
}

extension StrictDecodable {
    /// No nested strict mappings.
    public static var nestedStrictTypes: [String: any StrictDecodable.Type] { [:] }

    /// The accepted keys, in declaration order.
    public static var acceptedKeys: [String] { CodingKeys.allCases.map(\.stringValue) }
}

/// A decoded value that checks its own ranges after decoding, with Keras-style messages.
public protocol Validatable {
    /// Every problem with the decoded values; empty when all are valid.
    func validate() -> [ValueIssue]
}

/// An error a configuration throws from `init(from:)` for one option; the spec decoder points at that key.
///
/// Modules that validate while decoding (e.g. AudioFeatures' `FeatureConfigurationError`, which has `key` and
/// `message`) conform in ExperimentKit with a two-line extension.
public protocol OptionError: Error {
    /// The YAML key (dotted for nested mappings), or `nil` for the mapping as a whole.
    var optionKey: String? { get }
    /// The message, e.g. `n_mfcc must be in 1...n_mels (40). Received: n_mfcc=64`.
    var optionMessage: String { get }
}

/// One out-of-range value, attached to its key so the error points at the line that set it.
public struct ValueIssue: Sendable, Equatable {
    /// The key whose value is wrong, dotted for nested mappings (`early_stopping.patience`); `nil`: the mapping.
    public var key: String?
    /// The message, e.g. `units must be > 0. Received: units=0`.
    public var message: String

    /// Creates an issue.
    public init(key: String?, message: String) {
        self.key = key
        self.message = message
    }

    /// `"<key> must be > <bound>. Received: <key>=<value>"` unless `value > bound`.
    public static func greaterThan<Value: Comparable>(_ value: Value, _ bound: Value, key: some CodingKey) -> ValueIssue? {
        value > bound ? nil : ValueIssue(key: key.stringValue,
                                         message: "\(key.stringValue) must be > \(bound). Received: \(key.stringValue)=\(value)")
    }

    /// `"<key> must be >= <bound>. Received: <key>=<value>"` unless `value >= bound`.
    public static func atLeast<Value: Comparable>(_ value: Value, _ bound: Value, key: some CodingKey) -> ValueIssue? {
        value >= bound ? nil : ValueIssue(key: key.stringValue,
                                          message: "\(key.stringValue) must be >= \(bound). Received: \(key.stringValue)=\(value)")
    }

    /// `"<key> must be in [low, high). Received: <key>=<value>"` unless `low <= value < high`.
    public static func inHalfOpen<Value: Comparable>(_ value: Value, _ range: Range<Value>, key: some CodingKey) -> ValueIssue? {
        range.contains(value) ? nil : ValueIssue(
            key: key.stringValue,
            message: "\(key.stringValue) must be in [\(range.lowerBound), \(range.upperBound)). Received: \(key.stringValue)=\(value)")
    }

    /// `"<key> must be one of a, b. Received: <key>=<value>"` unless `value` is one of `choices`.
    public static func oneOf(_ value: String, _ choices: [String], key: some CodingKey) -> ValueIssue? {
        guard !choices.contains(value) else { return nil }
        let suggestion = didYouMean(value, among: choices)
        return ValueIssue(
            key: key.stringValue,
            message: "\(key.stringValue) must be one of \(choices.joined(separator: ", ")). Received: \(key.stringValue)=\(value)"
                + (suggestion.isEmpty ? "" : "." + suggestion))
    }
}

/// The options of a registered component: decoded strictly, checked, re-encoded with defaults for resolved specs,
/// and described by `options` for `exp components` (names must equal `CodingKeys`; defaults are derived, not written).
public protocol ComponentConfiguration: StrictDecodable, Encodable, Sendable {
    /// One entry per `CodingKeys` case: its type, meaning and, for required options, an example value.
    static var options: [OptionInfo] { get }
}

/// How one option is described in `exp components`: name, type, default and meaning.
public struct OptionInfo: Sendable, Equatable {
    /// The YAML key.
    public var name: String
    /// The type and constraint, e.g. `int > 0`, `float in [0, 1)`, `string`.
    public var type: String
    /// What the option does, with units.
    public var doc: String
    /// The accepted values of an enumerated option (used in messages and listings).
    public var choices: [String]
    /// For a required option, a valid YAML value used to derive the other options' defaults; `nil` if optional.
    public var requiredExample: String?
    /// The default as decoded from a mapping with only the required options (`nil` for required ones); filled in
    /// by `Registration`.
    public internal(set) var defaultValue: JSONValue?
    /// How the default is shown when it depends on other options (e.g. `pool_size` for a pooling stride).
    public var dependentDefault: String?

    /// An option with a default (whatever the configuration's decoder supplies when the key is absent);
    /// `dependentDefault` describes a default that follows another option.
    public static func optional(_ name: String, _ type: String, _ doc: String, choices: [String] = [],
                                dependentDefault: String? = nil) -> OptionInfo {
        OptionInfo(name: name, type: type, doc: doc, choices: choices, requiredExample: nil, defaultValue: nil,
                   dependentDefault: dependentDefault)
    }

    /// An option the user must give; `example` is a valid YAML value for it.
    public static func required(_ name: String, _ type: String, example: String, _ doc: String,
                                choices: [String] = []) -> OptionInfo {
        OptionInfo(name: name, type: type, doc: doc, choices: choices, requiredExample: example, defaultValue: nil,
                   dependentDefault: nil)
    }

    /// True when the option has no default.
    public var isRequired: Bool { requiredExample != nil }
}
