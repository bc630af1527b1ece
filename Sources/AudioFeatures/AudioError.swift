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
        }
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
