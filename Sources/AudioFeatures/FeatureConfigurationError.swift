/// An invalid feature option: which key, and a keras-style message (`n_mels must be > 0. Received: n_mels=0`).
public struct FeatureConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The snake_case option name, e.g. `"n_mels"`.
    public var key: String
    /// The full message, naming the rule and the received value.
    public var message: String

    /// An error for option `key` with the full `message`.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { message }
}

/// Decoding and validation helpers shared by the extractor configurations.
enum Option {
    /// Throws `"<key> must be <rule>. Received: <key>=<value>"` unless `condition` holds.
    static func require(_ condition: Bool, _ key: String, _ rule: String, _ value: Any?) throws {
        guard !condition else { return }
        throw FeatureConfigurationError(key: key, message: "\(key) must be \(rule). Received: \(key)=\(value.map { "\($0)" } ?? "null")")
    }

    /// Decodes a string option into one of `T`'s cases, naming the accepted set when it does not match.
    static func choice<T: RawRepresentable & CaseIterable, K: CodingKey>(
        _ container: KeyedDecodingContainer<K>, _ key: K, default value: T
    ) throws -> T where T.RawValue == String {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return value }
        guard let parsed = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw FeatureConfigurationError(key: key.stringValue,
                                            message: "\(key.stringValue) must be one of \(names). Received: \(key.stringValue)=\(text)")
        }
        return parsed
    }
}

extension KeyedDecodingContainer {
    /// The value for `key`, or `value` when the key is absent (librosa's default).
    func value<T: Decodable>(_ key: Key, default value: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? value
    }

    /// An optional value: absent gives `value`, an explicit `null` gives `nil` (librosa's `None`).
    func optional<T: Decodable>(_ key: Key, default value: T?) throws -> T? {
        guard contains(key) else { return value }
        if try decodeNil(forKey: key) { return nil }
        return try decode(T.self, forKey: key)
    }
}

extension KeyedEncodingContainer {
    /// Encodes `nil` as an explicit `null`, so cache keys and resolved specs show every option.
    mutating func encodeOrNull<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
