/// A window extent or step over a feature map's two axes, time (frames) and frequency (bins).
///
/// Decodes from one integer (the same on both axes, as PyTorch's `kernel_size=3`) or a `[time, frequency]` pair;
/// encodes as the pair.
public struct Size2D: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Extent along time `T` (frames).
    public var time: Int
    /// Extent along frequency `F` (bins).
    public var frequency: Int

    /// A size of `time` frames by `frequency` bins.
    public init(_ time: Int, _ frequency: Int) {
        self.time = time
        self.frequency = frequency
    }

    /// The same extent on both axes.
    public init(square: Int) { self.init(square, square) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let both = try? container.decode(Int.self) {
            self.init(both, both)
            return
        }
        let pair = try container.decode([Int].self)
        guard pair.count == 2 else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an integer or a [time, frequency] pair, got \(pair.count) values")
        }
        self.init(pair[0], pair[1])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode([time, frequency])
    }

    public var description: String { "[\(time), \(frequency)]" }

    /// Whether both extents are > 0.
    var isPositive: Bool { time > 0 && frequency > 0 }
}

extension Padding {
    /// The output extent and the padding before the first element, along one axis.
    func window(_ extent: Int, span: Int, stride: Int) -> (output: Int, padBefore: Int) {
        (outputFrames(extent, span: span, stride: stride), leftPadding(extent, span: span, stride: stride))
    }
}
