import Foundation

/// Hand-built WAV bytes for hostile-input tests: every header field can lie about the data that follows.
struct HostileWAV {
    var formatTag: UInt16 = 1  // 1 = PCM, 3 = IEEE float
    var channels: UInt16 = 1
    var sampleRate: UInt32 = 16000
    var bitsPerSample: UInt16 = 16
    /// The `data` chunk size written in the header; `nil` writes the true size of `payload`.
    var declaredDataSize: UInt32?
    /// The bytes after the `data` chunk header.
    var payload: [UInt8] = []

    /// 16-bit PCM little-endian bytes of `samples` (clipped to [-1, 1)).
    static func pcm16(_ samples: [Float]) -> [UInt8] {
        samples.flatMap { sample -> [UInt8] in
            let value = Int16(max(-32768, min(32767, (sample * 32768).rounded())))
            return [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
        }
    }

    /// IEEE float32 little-endian bytes of `samples` (NaN and infinities kept bit for bit).
    static func float32(_ samples: [Float]) -> [UInt8] {
        samples.flatMap { sample -> [UInt8] in
            let bits = sample.bitPattern
            return [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: bits >> $0) }
        }
    }

    /// The 44-byte canonical header followed by `payload`.
    var bytes: [UInt8] {
        let dataSize = declaredDataSize ?? UInt32(payload.count)
        let blockAlign = UInt16(truncatingIfNeeded: Int(channels) * Int(bitsPerSample) / 8)
        let byteRate = UInt32(truncatingIfNeeded: Int(sampleRate) * Int(blockAlign))
        var out: [UInt8] = Array("RIFF".utf8) + le32(dataSize &+ 36) + Array("WAVE".utf8)
        out += Array("fmt ".utf8) + le32(16) + le16(formatTag) + le16(channels) + le32(sampleRate) + le32(byteRate)
        out += le16(blockAlign) + le16(bitsPerSample)
        out += Array("data".utf8) + le32(dataSize)
        return out + payload
    }

    /// Writes `bytes` to `path`.
    func write(to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private func le32(_ v: UInt32) -> [UInt8] { [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: v >> $0) } }
}

/// A fresh directory under the system temporary directory.
func hostileDirectory(_ label: String) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exp-\(label)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.path
}

/// A 440 Hz tone at `rate` Hz, amplitude 0.5.
func toneSamples(_ count: Int, rate: Int = 16000, frequency: Double = 440) -> [Float] {
    (0..<count).map { Float(0.5 * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
}
