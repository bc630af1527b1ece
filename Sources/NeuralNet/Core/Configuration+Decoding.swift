/// Decoding helpers shared by the layer configurations: absent keys take documented defaults, and values out of
/// range are reported Keras-style (`hidden_size must be > 0. Received: hidden_size=0`).
extension KeyedDecodingContainer {
    /// The value for `key`, or `defaultValue` when the key is absent.
    func decode<T: Decodable>(_ key: Key, default defaultValue: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? defaultValue
    }

    /// The integer for `key` (or `defaultValue`), which must be at least `minimum`.
    func decodeInt(_ key: Key, default defaultValue: Int? = nil, minimum: Int = 1) throws -> Int {
        let value: Int
        if let defaultValue {
            value = try decode(key, default: defaultValue)
        } else {
            value = try decode(Int.self, forKey: key)
        }
        guard value >= minimum else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "\(key.stringValue) must be >= \(minimum). Received: \(key.stringValue)=\(value)")
        }
        return value
    }

    /// The float for `key` (or `defaultValue`), which must lie in `range`.
    func decodeFloat(_ key: Key, default defaultValue: Float, in range: ClosedRange<Float>) throws -> Float {
        let value = try decode(key, default: defaultValue)
        guard range.contains(value) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "\(key.stringValue) must be in \(range). Received: \(key.stringValue)=\(value)")
        }
        return value
    }
}

/// How a convolution or pooling window treats the sequence ends (Keras `padding`).
public enum Padding: String, Codable, Sendable, CaseIterable {
    /// No padding: only windows that fit entirely, `T' = ⌊(T - span) / stride⌋ + 1`.
    case valid
    /// Zero padding so that `T' = ⌈T / stride⌉`, split as Keras/PyTorch do (the extra frame goes to the end).
    case same

    /// Output frames for `frames` input frames and a window spanning `span` frames.
    func outputFrames(_ frames: Int, span: Int, stride: Int) -> Int {
        switch self {
        case .valid: return frames >= span ? (frames - span) / stride + 1 : 0
        case .same: return (frames + stride - 1) / stride
        }
    }

    /// Frames of padding before the first input frame.
    func leftPadding(_ frames: Int, span: Int, stride: Int) -> Int {
        switch self {
        case .valid: return 0
        case .same:
            let total = max((outputFrames(frames, span: span, stride: stride) - 1) * stride + span - frames, 0)
            return total / 2
        }
    }
}
