/// Linear-frequency STFT magnitude or power, optionally in decibels (`np.abs(librosa.stft(y)) ** power`).
///
/// Output `[T, F]` with `F = n_fft / 2 + 1` bins. librosa returns `(1 + n_fft // 2, t)`; the transpose to
/// frames-first happens here. With `to_db`, power 2 uses `librosa.power_to_db` and power 1
/// `librosa.amplitude_to_db` (i.e. `20 log10`), each with its own librosa default `amin`.
public struct Spectrogram: FeatureExtractor, Equatable {
    /// Spectrogram options, librosa.stft's names and defaults.
    ///
    /// Defaults: `sample_rate` 22050, `n_fft` 2048, `hop_length` null (= `win_length / 4`), `win_length` null
    /// (= `n_fft`), `window` hann, `center` true, `pad_mode` constant, `power` 1 (magnitude), `to_db` false,
    /// `ref` 1.0, `amin` null (1e-5 for power 1, 1e-10 for power 2), `top_db` 80.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Hz (`sample_rate`).
        public var sampleRate: Int
        /// FFT length (`n_fft`).
        public var fftSize: Int
        /// Samples between frames; `nil` means `windowLength / 4` (`hop_length`).
        public var hopLength: Int?
        /// Window length ≤ `fftSize`; `nil` means `fftSize` (`win_length`).
        public var windowLength: Int?
        /// Window shape (`window`).
        public var window: WindowFunction
        /// Centre frames (`center`).
        public var center: Bool
        /// Padding when centring (`pad_mode`).
        public var padMode: PadMode
        /// 1 for magnitude, 2 for power (`power`).
        public var power: Double
        /// Convert to decibels (`to_db`).
        public var toDB: Bool
        /// 0 dB reference (`ref`).
        public var ref: DecibelReference
        /// Floor before the logarithm; `nil` is librosa's default for the power (`amin`).
        public var amin: Double?
        /// Dynamic range kept below the peak; `nil` keeps all (`top_db`).
        public var topDB: Double?

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case sampleRate = "sample_rate", fftSize = "n_fft", hopLength = "hop_length", windowLength = "win_length"
            case window, center, padMode = "pad_mode", power, toDB = "to_db", ref, amin, topDB = "top_db"
        }

        /// librosa.stft's defaults, with any of them overridden.
        public init(sampleRate: Int = 22050, fftSize: Int = 2048, hopLength: Int? = nil, windowLength: Int? = nil,
                    window: WindowFunction = .hann, center: Bool = true, padMode: PadMode = .constant,
                    power: Double = 1, toDB: Bool = false, ref: DecibelReference = .value(1), amin: Double? = nil,
                    topDB: Double? = 80) {
            self.sampleRate = sampleRate; self.fftSize = fftSize; self.hopLength = hopLength
            self.windowLength = windowLength; self.window = window; self.center = center; self.padMode = padMode
            self.power = power; self.toDB = toDB; self.ref = ref; self.amin = amin; self.topDB = topDB
        }

        /// Decodes the keys present and fills librosa's defaults for the rest, then validates.
        /// - Throws: `FeatureConfigurationError` or `DecodingError`.
        public init(from decoder: any Decoder) throws {
            var f = SpectralFields()
            f.hopLength = nil
            f.power = 1
            f.amin = nil
            try f.decode(from: decoder, mel: false)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(sampleRate: f.sampleRate, fftSize: f.fftSize, hopLength: f.hopLength,
                      windowLength: f.windowLength, window: f.window, center: f.center, padMode: f.padMode,
                      power: f.power, toDB: try c.value(.toDB, default: false), ref: f.ref, amin: f.amin,
                      topDB: f.topDB)
            try validate()
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(sampleRate, forKey: .sampleRate); try c.encode(fftSize, forKey: .fftSize)
            try c.encodeOrNull(hopLength, forKey: .hopLength); try c.encodeOrNull(windowLength, forKey: .windowLength)
            try c.encode(window, forKey: .window); try c.encode(center, forKey: .center)
            try c.encode(padMode, forKey: .padMode); try c.encode(power, forKey: .power)
            try c.encode(toDB, forKey: .toDB); try c.encode(ref, forKey: .ref)
            try c.encodeOrNull(amin, forKey: .amin); try c.encodeOrNull(topDB, forKey: .topDB)
        }

        /// Rejects out-of-range values; with `to_db`, `power` must be 1 or 2.
        /// - Throws: `FeatureConfigurationError` naming the key.
        public func validate() throws {
            try SpectralFields(sampleRate: sampleRate, fftSize: fftSize, hopLength: hopLength,
                               windowLength: windowLength, window: window, center: center, padMode: padMode,
                               power: power, ref: ref, amin: amin, topDB: topDB).validate(mel: false)
            if toDB { try Option.require(power == 1 || power == 2, "power", "1 or 2 when to_db is true", power) }
        }
    }

    /// The options this extractor was built with.
    public let configuration: Configuration
    /// The transform, with defaults resolved.
    public let stft: STFT

    /// Builds the extractor.
    /// - Throws: `FeatureConfigurationError` when `configuration` is out of range.
    public init(_ configuration: Configuration) throws {
        try configuration.validate()
        self.configuration = configuration
        self.stft = STFT(fftSize: configuration.fftSize, hopLength: configuration.hopLength,
                         windowLength: configuration.windowLength, window: configuration.window,
                         center: configuration.center, padMode: configuration.padMode)
    }

    public var sampleRate: Int { configuration.sampleRate }
    public var featureCount: Int { configuration.fftSize / 2 + 1 }
    public var cacheKey: String { canonicalKey("spectrogram", configuration) }

    /// `[T, F]` magnitudes (or powers, or decibels) of mono `samples`.
    public func extract(_ samples: [Float]) -> FeatureMatrix {
        var result = stft.spectrogram(samples, power: Float(configuration.power))
        if configuration.toDB {
            let magnitude = configuration.power == 1
            let amin = Float(configuration.amin ?? (magnitude ? 1e-5 : 1e-10))
            powerToDB(&result.values, ref: configuration.ref, amin: amin, topDB: configuration.topDB.map(Float.init),
                      multiplier: magnitude ? 20 : 10)
        }
        return result
    }
}
