import Foundation

/// Why an audio file could not be read or written; every case names the file.
public enum AudioError: Error, CustomStringConvertible, Equatable, Sendable {
    case missing(path: String)
    case notAudio(path: String, reason: String)
    case empty(path: String)
    case truncated(path: String, expectedFrames: Int, readFrames: Int)
    case unsupported(path: String, reason: String)
    case nonFiniteSamples(path: String, frame: Int)
    case resampleFailed(path: String, reason: String)
    case outOfRange(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    /// The selected part holds more than `limit` samples (`AudioLimits`); `frames` at `sampleRate` Hz, `channels` kept.
    case tooLong(path: String, frames: Int, sampleRate: Int, channels: Int, limit: Int)

    public var description: String {
        switch self {
        case .missing(let path):
            return "\(path): no such file"
        case .notAudio(let path, let reason):
            return "\(path): not a readable audio file (\(reason))"
        case .empty(let path):
            return "\(path): audio file has zero frames"
        case .truncated(let path, let expected, let read):
            return "\(path): truncated audio data: header declares \(expected) frames, only \(read) could be read"
        case .unsupported(let path, let reason):
            return "\(path): unsupported audio encoding (\(reason))"
        case .nonFiniteSamples(let path, let frame):
            return "\(path): sample at frame \(frame) is NaN or infinite"
        case .resampleFailed(let path, let reason):
            return "\(path): resampling failed (\(reason))"
        case .outOfRange(let path, let reason):
            return "\(path): requested samples are out of range (\(reason))"
        case .writeFailed(let path, let reason):
            return "\(path): could not write audio (\(reason))"
        case .tooLong(let path, let frames, let rate, let channels, let limit):
            let seconds = rate > 0 ? Double(frames) / Double(rate) : 0
            let allowed = rate > 0 ? Double(limit / max(channels, 1)) / Double(rate) : 0
            let channelText = channels > 1 ? " × \(channels) channels" : ""
            return "\(path): \(Self.format(seconds)) of audio (\(frames) frames\(channelText) at \(rate) Hz) exceeds the "
                + "decoding limit of \(limit) samples (\(Self.format(allowed)) at this rate); read part of it with an "
                + "offset/duration, or raise \(AudioLimits.environmentVariable)"
        }
    }

    /// Seconds as `12.5 s`, `42.0 min` or `8.0 h`.
    private static func format(_ seconds: Double) -> String {
        if seconds >= 3600 { return String(format: "%.1f h", seconds / 3600) }
        if seconds >= 120 { return String(format: "%.1f min", seconds / 60) }
        return String(format: "%.1f s", seconds)
    }

    /// Maps libsndfile's open-failure text to the case a user can act on.
    static func classifyOpenFailure(path: String, reason: String) -> AudioError {
        let lowered = reason.lowercased()
        if lowered.contains("unsupported") || lowered.contains("not supported") || lowered.contains("unknown format")
            && lowered.contains("encoding") {
            return .unsupported(path: path, reason: reason)
        }
        return .notAudio(path: path, reason: reason)
    }
}
