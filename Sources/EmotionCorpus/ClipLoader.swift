import AudioFeatures
import Foundation

/// Turns an audio file into the mono samples a feature extractor consumes; its `cacheKey` names every
/// parameter that changes those samples, so it is part of each feature-cache key.
public protocol AudioLoading: Sendable {
    /// Rate in Hz of the samples `load` returns (must equal the extractor's `sampleRate`).
    var sampleRate: Int { get }
    /// Canonical, stable text of the loading parameters (sample rate, offset, duration, normalisation).
    var cacheKey: String { get }
    /// The samples of the file at `path`.
    /// - Throws: `AudioError` naming the file.
    func load(_ path: String) throws -> [Float]
}

/// Loads a clip with `Audio.load` (as `librosa.load(path, sr=sampleRate, offset=offset, duration=duration)`),
/// then optionally normalises its level.
public struct ClipLoader: AudioLoading, Equatable {
    /// Target sample rate in Hz (`sr`).
    public var sampleRate: Int
    /// Seconds skipped at the start (`offset`, ≥ 0).
    public var offset: Double
    /// Seconds kept after `offset`, or `nil` for the rest (`duration`).
    public var duration: Double?
    /// Loudness normalisation after loading (`LoudnessNormalization`: none, peak to 1.0, RMS to −20 dBFS).
    public var normalization: LoudnessNormalization

    /// A loader; defaults load the whole file unnormalised.
    public init(sampleRate: Int, offset: Double = 0, duration: Double? = nil, normalization: LoudnessNormalization = .none) {
        precondition(sampleRate > 0 && offset >= 0 && (duration ?? 1) > 0,
                     "ClipLoader needs sampleRate > 0, offset ≥ 0, duration > 0; got \(sampleRate), \(offset), \(duration ?? -1)")
        self.sampleRate = sampleRate
        self.offset = offset
        self.duration = duration
        self.normalization = normalization
    }

    public var cacheKey: String {
        let kept = duration.map { String($0) } ?? "all"
        return "mono;sr=\(sampleRate);offset=\(offset);duration=\(kept);normalization=\(normalization.rawValue)"
    }

    public func load(_ path: String) throws -> [Float] {
        let signal = try Audio.load(path, sampleRate: sampleRate, offset: offset, duration: duration)
        return normalization.apply(signal.samples)
    }
}
