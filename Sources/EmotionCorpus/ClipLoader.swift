import AudioFeatures
import Foundation

/// Turns an audio file into the mono samples a feature extractor consumes; its `cacheKey` names every
/// parameter that changes those samples, so it is part of each feature-cache key.
public protocol AudioLoading: Sendable {
    /// Canonical, stable text of the loading parameters (sample rate, offset, duration, normalisation).
    var cacheKey: String { get }
    /// The samples of the file at `path`.
    /// - Throws: `AudioError` naming the file.
    func load(_ path: String) throws -> [Float]
}

/// Loads a clip with `Audio.load` (as `librosa.load(path, sr=sampleRate, offset=offset, duration=duration)`),
/// then optionally normalises its level.
public struct ClipLoader: AudioLoading, Equatable {
    /// How a clip's level is normalised after loading.
    public enum Normalization: String, Sendable, Codable, CaseIterable {
        /// Leave samples as decoded.
        case none
        /// Scale so the largest magnitude is 1 (`librosa.util.normalize`).
        case peak
        /// Scale so the root-mean-square level is `ClipLoader.rmsTarget` (−20 dBFS).
        case rms
    }

    /// RMS level `Normalization.rms` scales to: 0.1, i.e. −20 dBFS.
    public static let rmsTarget: Float = 0.1

    /// Target sample rate in Hz (`sr`).
    public var sampleRate: Int
    /// Seconds skipped at the start (`offset`, ≥ 0).
    public var offset: Double
    /// Seconds kept after `offset`, or `nil` for the rest (`duration`).
    public var duration: Double?
    public var normalization: Normalization

    /// A loader; defaults load the whole file unnormalised.
    public init(sampleRate: Int, offset: Double = 0, duration: Double? = nil, normalization: Normalization = .none) {
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
        return ClipLoader.normalize(signal.samples, normalization)
    }

    /// `samples` scaled per `normalization`; silent input is returned unchanged.
    public static func normalize(_ samples: [Float], _ normalization: Normalization) -> [Float] {
        let scale: Float
        switch normalization {
        case .none:
            return samples
        case .peak:
            let peak = samples.reduce(0) { max($0, abs($1)) }
            guard peak > 0 else { return samples }
            scale = 1 / peak
        case .rms:
            let power = samples.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(samples.count, 1))
            guard power > 0 else { return samples }
            scale = rmsTarget / Float(power.squareRoot())
        }
        return samples.map { $0 * scale }
    }
}
