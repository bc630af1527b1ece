import Foundation

/// The largest signal a decode may hold in memory, so a very long or hostile file fails with a clear
/// `AudioError.tooLong` instead of allocating gigabytes.
///
/// The cap counts samples held after decoding: mono frames for `Audio.load`/`AudioFile.readMono` (channels are
/// mixed down chunk by chunk as they are read, so the interleaved data never exists whole), frames × channels for
/// `AudioFile.readInterleaved`. It is checked against the header before anything is allocated, and it applies to
/// the part selected by `offset`/`duration`: reading 3 s out of an 8-hour file seeks to the start and decodes only
/// those 3 s, whatever the file's length.
///
/// The default, 2^26 = 67,108,864 samples (256 MB of Float32), is 70 minutes of 16 kHz audio or 23 minutes at
/// 48 kHz. The environment variable `EXP_MAX_AUDIO_SAMPLES` (a positive integer) replaces it for a process.
public enum AudioLimits {
    /// The built-in cap: 2^26 samples.
    public static let defaultMaximumSamples = 1 << 26
    /// The environment variable that overrides `defaultMaximumSamples`.
    public static let environmentVariable = "EXP_MAX_AUDIO_SAMPLES"

    /// The cap in effect: `EXP_MAX_AUDIO_SAMPLES` when set to a positive integer, else `defaultMaximumSamples`.
    public static var maximumSamples: Int {
        guard let text = ProcessInfo.processInfo.environment[environmentVariable],
              let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else { return defaultMaximumSamples }
        return value
    }

    /// Samples libsndfile fills per read call: bounds the interleaved staging buffer of a mono read to 1 MB.
    static let chunkSamples = 1 << 18
}
