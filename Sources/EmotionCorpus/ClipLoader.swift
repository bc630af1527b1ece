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
/// optionally trims leading and trailing silence first (`librosa.effects.trim(y, top_db=trimDB)`, so the kept
/// `duration` seconds start where the speech starts), then optionally normalises its level.
public struct ClipLoader: AudioLoading, Equatable {
    /// The loudness normalisation modes (`none`, `peak`, `rms`); kept under this name for existing callers.
    public typealias Normalization = LoudnessNormalization

    /// Target sample rate in Hz (`sr`).
    public var sampleRate: Int
    /// Seconds skipped at the start (`offset`, ≥ 0).
    public var offset: Double
    /// Seconds kept after `offset`, or `nil` for the rest (`duration`).
    public var duration: Double?
    /// Loudness normalisation after loading (`LoudnessNormalization`: none, peak to 1.0, RMS to −20 dBFS).
    public var normalization: LoudnessNormalization
    /// Silence threshold in dB below the loudest frame for trimming before `offset`/`duration` apply (librosa
    /// `top_db`, > 0), or `nil` (default) to keep the file as recorded. Frames of 2048 samples, hop 512, as librosa.
    public var trimDB: Float?

    /// A loader; defaults load the whole file untrimmed and unnormalised.
    public init(sampleRate: Int, offset: Double = 0, duration: Double? = nil, normalization: LoudnessNormalization = .none,
                trimDB: Float? = nil) {
        precondition(sampleRate > 0 && offset >= 0 && (duration ?? 1) > 0,
                     "ClipLoader needs sampleRate > 0, offset ≥ 0, duration > 0; got \(sampleRate), \(offset), \(duration ?? -1)")
        self.sampleRate = sampleRate
        self.offset = offset
        self.duration = duration
        self.normalization = normalization
        self.trimDB = trimDB
        precondition((trimDB ?? 1) > 0, "ClipLoader needs trimDB > 0, got \(trimDB ?? 0)")
    }

    /// `mono;sr=…;offset=…;duration=…;normalization=…`, the loading half of a feature-cache key.
    public var cacheKey: String {
        let kept = duration.map { String($0) } ?? "all"
        let key = "mono;sr=\(sampleRate);offset=\(offset);duration=\(kept);normalization=\(normalization.rawValue)"
        // Untrimmed keys stay as they were, so existing caches remain valid.
        return trimDB.map { key + ";trim_db=\($0)" } ?? key
    }

    /// This loader without the `duration` cut: the whole (trimmed) clip after `offset`, for test-time windows.
    public var wholeClips: ClipLoader {
        var loader = self
        loader.duration = nil
        return loader
    }

    /// Mono samples of `path` at `sampleRate`, cut and normalised.
    /// - Throws: `AudioError` naming the file.
    public func load(_ path: String) throws -> [Float] {
        guard let trimDB else {
            let signal = try Audio.load(path, sampleRate: sampleRate, offset: offset, duration: duration)
            return normalization.apply(signal.samples)
        }
        let signal = try Audio.load(path, sampleRate: sampleRate)
        var samples = trimSilence(signal.samples, topDB: trimDB).samples
        // An all-silent file keeps its samples rather than becoming empty.
        if samples.isEmpty { samples = signal.samples }
        let start = min(samples.count, Int(offset * Double(sampleRate)))
        let end = duration.map { min(samples.count, start + Int($0 * Double(sampleRate))) } ?? samples.count
        return normalization.apply(Array(samples[start..<end]))
    }
}
