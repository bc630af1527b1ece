/// Mono samples at a known rate: what `Audio.load` returns and every feature extractor consumes.
public struct AudioSignal: Sendable, Equatable {
    /// Mono Float32 samples, nominally in `[-1, 1]`.
    public var samples: [Float]
    /// Samples per second, in Hz (librosa `sr`).
    public var sampleRate: Int

    /// Wraps `samples` recorded at `sampleRate` Hz.
    public init(samples: [Float], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Length in seconds, `samples.count / sampleRate`.
    public var duration: Double { sampleRate > 0 ? Double(samples.count) / Double(sampleRate) : 0 }
}

/// Loading audio files the way `librosa.load` (0.11, soundfile backend) does.
public enum Audio {
    /// Decodes `path`, mixes it down to mono, cuts `offset`/`duration` and resamples to `sampleRate`.
    ///
    /// The rules are librosa 0.11's with the soundfile backend:
    /// - the read starts at frame `Int(offset * nativeRate)` (truncated, as Python's `int`) and reads
    ///   `Int(duration * nativeRate)` frames, or all remaining when `duration` is `nil` or runs past the end;
    /// - channels are averaged (`librosa.to_mono`);
    /// - when `sampleRate` differs from the file's rate, the mono signal is resampled with libsoxr `soxr_hq` to
    ///   `ceil(n * sampleRate / nativeRate)` samples (`Resampler.resample`).
    ///
    /// - Parameters:
    ///   - path: Any file libsndfile decodes (WAV PCM 8/16/24/32, float WAV, FLAC, OGG/Vorbis, …).
    ///   - sampleRate: Target rate in Hz (> 0), librosa `sr`; `nil` keeps the native rate (`sr=None`).
    ///   - offset: Start time in seconds (≥ 0), librosa `offset`.
    ///   - duration: Seconds to read (> 0), librosa `duration`; `nil` reads to the end.
    ///   - maximumSamples: Cap on the samples held, both the decoded mono frames and the resampled output
    ///     (`AudioLimits`); checked from the header before anything is decoded.
    /// - Throws: `AudioError` naming `path`: missing file, not audio, zero frames (also when the offset/duration
    ///   select none), truncated data, unsupported encoding, NaN/Inf samples, offset past the end, a selection
    ///   longer than `maximumSamples`, resampling failure.
    public static func load(
        _ path: String, sampleRate: Int? = nil, offset: Double = 0, duration: Double? = nil,
        maximumSamples: Int = AudioLimits.maximumSamples
    ) throws -> AudioSignal {
        guard offset >= 0, offset.isFinite else {
            throw AudioError.outOfRange(path: path, reason: "offset must be >= 0 seconds, got \(offset)")
        }
        if let duration, !(duration > 0 && duration.isFinite) {
            throw AudioError.outOfRange(path: path, reason: "duration must be > 0 seconds, got \(duration)")
        }
        if let sampleRate, sampleRate <= 0 {
            throw AudioError.outOfRange(path: path, reason: "sample rate must be > 0 Hz, got \(sampleRate)")
        }
        let (mono, info) = try AudioFile.readMono(path, maximumSamples: maximumSamples) { info in
            let rate = Double(info.sampleRate)
            let start = frames(offset * rate)
            let count = duration.map { frames($0 * rate) }
            // The resampled length follows from the header: refuse before decoding rather than after.
            if let target = sampleRate, target != info.sampleRate, start < info.frameCount {
                let selected = min(count ?? Int.max, info.frameCount - start)
                let output = (Double(selected) * Double(target) / rate).rounded(.up)
                if output > Double(maximumSamples) {
                    throw AudioError.tooLong(path: path, frames: frames(output), sampleRate: target, channels: 1,
                                             limit: maximumSamples)
                }
            }
            return (start, count)
        }
        guard let target = sampleRate, target != info.sampleRate else {
            return AudioSignal(samples: mono, sampleRate: info.sampleRate)
        }
        do {
            let resampled = try Resampler.resample(mono, from: info.sampleRate, to: target)
            return AudioSignal(samples: resampled, sampleRate: target)
        } catch let error as AudioError {
            if case .resampleFailed(_, let reason) = error { throw AudioError.resampleFailed(path: path, reason: reason) }
            throw error
        }
    }

    /// `Int(value)` as Python's `int` truncates, saturating where a huge offset or duration would not fit.
    private static func frames(_ value: Double) -> Int {
        value < 9.0e18 ? Int(value) : Int.max
    }
}
