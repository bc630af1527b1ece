import Foundation

/// A coding key made from any string, used to read the options the three extractor configurations share.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The STFT, mel and decibel options common to `Spectrogram`, `LogMel` and `MFCC`, with librosa 0.11 defaults.
struct SpectralFields {
    var sampleRate = 22050
    var fftSize = 2048
    var hopLength: Int? = 512
    var windowLength: Int? = nil
    var window = WindowFunction.hann
    var center = true
    var padMode = PadMode.constant
    var melCount = 128
    var minFrequency = 0.0
    var maxFrequency: Double? = nil
    var melScale = MelScale.slaney
    var normalization = MelNormalization.slaney
    var power = 2.0
    var ref = DecibelReference.value(1)
    var amin: Double? = 1e-10
    var topDB: Double? = 80
    var deltas = false
    var deltaWidth = 9

    /// Reads every shared key present in `decoder`; absent keys keep the defaults set by the caller.
    mutating func decode(from decoder: any Decoder, mel: Bool) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        func key(_ name: String) -> AnyCodingKey { AnyCodingKey(name) }
        sampleRate = try c.value(key("sample_rate"), default: sampleRate)
        fftSize = try c.value(key("n_fft"), default: fftSize)
        hopLength = try c.optional(key("hop_length"), default: hopLength)
        windowLength = try c.optional(key("win_length"), default: windowLength)
        window = try Option.choice(c, key("window"), default: window)
        center = try c.value(key("center"), default: center)
        padMode = try Option.choice(c, key("pad_mode"), default: padMode)
        power = try c.value(key("power"), default: power)
        ref = try c.value(key("ref"), default: ref)
        amin = try c.optional(key("amin"), default: amin)
        topDB = try c.optional(key("top_db"), default: topDB)
        guard mel else { return }
        melCount = try c.value(key("n_mels"), default: melCount)
        minFrequency = try c.value(key("fmin"), default: minFrequency)
        maxFrequency = try c.optional(key("fmax"), default: maxFrequency)
        melScale = try c.value(key("htk"), default: melScale == .htk) ? .htk : .slaney
        normalization = try Option.choice(c, key("norm"), default: normalization)
        deltas = try c.value(key("deltas"), default: deltas)
        deltaWidth = try c.value(key("delta_width"), default: deltaWidth)
    }

    /// Checks ranges with keras-style messages (`n_mels must be > 0. Received: n_mels=0`).
    func validate(mel: Bool) throws {
        try Option.require(sampleRate > 0, "sample_rate", "> 0", sampleRate)
        try Option.require(fftSize > 0, "n_fft", "> 0", fftSize)
        if let hopLength { try Option.require(hopLength > 0, "hop_length", "> 0", hopLength) }
        if let windowLength {
            try Option.require(windowLength > 0 && windowLength <= fftSize, "win_length", "in 1...n_fft (\(fftSize))", windowLength)
        }
        try Option.require(power > 0 && power.isFinite, "power", "> 0", power)
        if case .value(let value) = ref { try Option.require(value != 0 && value.isFinite, "ref", "non-zero or \"max\"", value) }
        if let amin { try Option.require(amin >= Double(Float.leastNormalMagnitude), "amin", "> 0 (at least 1.2e-38)", amin) }
        if let topDB { try Option.require(topDB >= 0, "top_db", ">= 0 or null", topDB) }
        guard mel else { return }
        let nyquist = Double(sampleRate) / 2
        try Option.require(melCount > 0, "n_mels", "> 0", melCount)
        try Option.require(minFrequency >= 0, "fmin", ">= 0", minFrequency)
        if let maxFrequency {
            try Option.require(maxFrequency <= nyquist, "fmax", "<= sample_rate / 2 (\(nyquist))", maxFrequency)
        }
        try Option.require(minFrequency < (maxFrequency ?? nyquist), "fmin", "< fmax (\(maxFrequency ?? nyquist))", minFrequency)
        try Option.require(deltaWidth >= 3 && deltaWidth % 2 == 1, "delta_width", "odd and >= 3", deltaWidth)
    }

    var stft: STFT {
        STFT(fftSize: fftSize, hopLength: hopLength, windowLength: windowLength, window: window, center: center,
             padMode: padMode)
    }

    var filterbank: MelFilterbank {
        MelFilterbank(sampleRate: sampleRate, fftSize: fftSize, melCount: melCount, minFrequency: minFrequency,
                      maxFrequency: maxFrequency, scale: melScale, normalization: normalization)
    }
}

/// `"<name> " + sorted-key JSON of `configuration`: the canonical text used in feature-cache keys.
func canonicalKey<T: Encodable>(_ name: String, _ configuration: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(configuration), let text = String(data: data, encoding: .utf8) else {
        preconditionFailure("\(name) configuration is not JSON-encodable")
    }
    return "\(name) \(text)"
}

/// Appends Δ and ΔΔ columns (`[T, C]` → `[T, 3C]`), shrinking the width to fit clips shorter than it.
///
/// librosa raises when `width > T`; an extractor cannot fail mid-corpus, so it uses the largest odd width
/// that fits (at least 3) and returns zero deltas for clips under 3 frames.
func appendingDeltas(_ features: FeatureMatrix, width: Int) -> FeatureMatrix {
    let frames = features.frameCount, channels = features.featureCount
    let usable = min(width, frames % 2 == 1 ? frames : frames - 1)
    let zeros = FeatureMatrix(frameCount: frames, featureCount: channels,
                              values: [Float](repeating: 0, count: frames * channels))
    let first = usable >= 3 ? deltaUnchecked(features, width: usable, order: 1) : zeros
    let second = usable >= 3 ? deltaUnchecked(features, width: usable, order: 2) : zeros
    var values = [Float]()
    values.reserveCapacity(frames * channels * 3)
    for t in 0..<frames {
        let row = t * channels..<(t + 1) * channels
        values.append(contentsOf: features.values[row])
        values.append(contentsOf: first.values[row])
        values.append(contentsOf: second.values[row])
    }
    return FeatureMatrix(frameCount: frames, featureCount: 3 * channels, values: values)
}
