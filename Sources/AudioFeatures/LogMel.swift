/// Log-power mel spectrogram, `librosa.power_to_db(librosa.feature.melspectrogram(y=…), ref, amin, top_db)`.
///
/// Output `[T, C]` with `C = n_mels` (or `3 · n_mels` with `deltas`: the log-mel, then Δ, then ΔΔ per frame).
/// librosa returns `(n_mels, t)`; the transpose to frames-first happens here.
public struct LogMel: FeatureExtractor, Equatable {
    /// Log-mel options, named and defaulted as librosa 0.11 names them (YAML keys in parentheses).
    ///
    /// Defaults: `sample_rate` 22050, `n_fft` 2048, `hop_length` 512, `win_length` null (= `n_fft`), `window`
    /// hann, `center` true, `pad_mode` constant, `n_mels` 128, `fmin` 0, `fmax` null (= `sample_rate / 2`),
    /// `htk` false (Slaney scale), `norm` slaney, `power` 2, `ref` 1.0 (or `"max"`), `amin` 1e-10, `top_db` 80
    /// (null: no clipping), `deltas` false, `delta_width` 9.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Hz (`sample_rate`, librosa `sr`).
        public var sampleRate: Int
        /// FFT length in samples (`n_fft`).
        public var fftSize: Int
        /// Samples between frames (`hop_length`); `null` in YAML/JSON means `win_length / 4`.
        public var hopLength: Int
        /// Window length in samples, ≤ `fftSize`; `nil` means `fftSize` (`win_length`).
        public var windowLength: Int?
        /// Window shape (`window`).
        public var window: WindowFunction
        /// Centre frames on `t · hopLength` (`center`).
        public var center: Bool
        /// Padding used when centring (`pad_mode`).
        public var padMode: PadMode
        /// Mel bands `M` (`n_mels`).
        public var melCount: Int
        /// Lowest filter edge in Hz (`fmin`).
        public var minFrequency: Double
        /// Highest filter edge in Hz, ≤ `sampleRate / 2`; `nil` means `sampleRate / 2` (`fmax`).
        public var maxFrequency: Double?
        /// Mel scale (`htk`: true → `.htk`, false → `.slaney`).
        public var melScale: MelScale
        /// Filter normalisation (`norm`: slaney or none).
        public var normalization: MelNormalization
        /// Exponent of the STFT magnitude (`power`: 2 power, 1 magnitude).
        public var power: Double
        /// 0 dB reference (`ref`).
        public var ref: DecibelReference
        /// Floor before the logarithm (`amin`).
        public var amin: Double
        /// Dynamic range below the clip's peak; `nil` keeps all (`top_db`).
        public var topDB: Double?
        /// Append Δ and ΔΔ (`deltas`, librosa.feature.delta, mode interp).
        public var deltas: Bool
        /// Delta window in frames, odd ≥ 3 (`delta_width`).
        public var deltaWidth: Int

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case sampleRate = "sample_rate", fftSize = "n_fft", hopLength = "hop_length", windowLength = "win_length"
            case window, center, padMode = "pad_mode", melCount = "n_mels", minFrequency = "fmin"
            case maxFrequency = "fmax", melScale = "htk", normalization = "norm", power, ref, amin
            case topDB = "top_db", deltas, deltaWidth = "delta_width"
        }

        /// librosa's defaults, with any of them overridden.
        public init(sampleRate: Int = 22050, fftSize: Int = 2048, hopLength: Int = 512, windowLength: Int? = nil,
                    window: WindowFunction = .hann, center: Bool = true, padMode: PadMode = .constant,
                    melCount: Int = 128, minFrequency: Double = 0, maxFrequency: Double? = nil,
                    melScale: MelScale = .slaney, normalization: MelNormalization = .slaney, power: Double = 2,
                    ref: DecibelReference = .value(1), amin: Double = 1e-10, topDB: Double? = 80,
                    deltas: Bool = false, deltaWidth: Int = 9) {
            self.sampleRate = sampleRate; self.fftSize = fftSize; self.hopLength = hopLength
            self.windowLength = windowLength; self.window = window; self.center = center; self.padMode = padMode
            self.melCount = melCount; self.minFrequency = minFrequency; self.maxFrequency = maxFrequency
            self.melScale = melScale; self.normalization = normalization; self.power = power; self.ref = ref
            self.amin = amin; self.topDB = topDB; self.deltas = deltas; self.deltaWidth = deltaWidth
        }

        /// Decodes the keys present and fills librosa's defaults for the rest, then validates.
        /// - Throws: `FeatureConfigurationError` for an out-of-range value, `DecodingError` for a wrong type.
        public init(from decoder: any Decoder) throws {
            var f = SpectralFields()
            try f.decode(from: decoder, mel: true)
            self.init(fields: f)
            try validate()
        }

        init(fields f: SpectralFields) {
            // An explicit `hop_length: null` means librosa.stft's default, a quarter of the window.
            self.init(sampleRate: f.sampleRate, fftSize: f.fftSize,
                      hopLength: f.hopLength ?? max((f.windowLength ?? f.fftSize) / 4, 1),
                      windowLength: f.windowLength, window: f.window, center: f.center, padMode: f.padMode,
                      melCount: f.melCount, minFrequency: f.minFrequency, maxFrequency: f.maxFrequency,
                      melScale: f.melScale, normalization: f.normalization, power: f.power, ref: f.ref,
                      amin: f.amin ?? 1e-10, topDB: f.topDB, deltas: f.deltas, deltaWidth: f.deltaWidth)
        }

        var fields: SpectralFields {
            SpectralFields(sampleRate: sampleRate, fftSize: fftSize, hopLength: hopLength, windowLength: windowLength,
                           window: window, center: center, padMode: padMode, melCount: melCount,
                           minFrequency: minFrequency, maxFrequency: maxFrequency, melScale: melScale,
                           normalization: normalization, power: power, ref: ref, amin: amin, topDB: topDB,
                           deltas: deltas, deltaWidth: deltaWidth)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(sampleRate, forKey: .sampleRate); try c.encode(fftSize, forKey: .fftSize)
            try c.encode(hopLength, forKey: .hopLength); try c.encodeOrNull(windowLength, forKey: .windowLength)
            try c.encode(window, forKey: .window); try c.encode(center, forKey: .center)
            try c.encode(padMode, forKey: .padMode); try c.encode(melCount, forKey: .melCount)
            try c.encode(minFrequency, forKey: .minFrequency); try c.encodeOrNull(maxFrequency, forKey: .maxFrequency)
            try c.encode(melScale == .htk, forKey: .melScale); try c.encode(normalization, forKey: .normalization)
            try c.encode(power, forKey: .power); try c.encode(ref, forKey: .ref); try c.encode(amin, forKey: .amin)
            try c.encodeOrNull(topDB, forKey: .topDB); try c.encode(deltas, forKey: .deltas)
            try c.encode(deltaWidth, forKey: .deltaWidth)
        }

        /// Rejects out-of-range values: `n_mels must be > 0. Received: n_mels=0`, `fmax` ≤ sr/2, `win_length` ≤ `n_fft`, ….
        /// - Throws: `FeatureConfigurationError` naming the key.
        public func validate() throws { try fields.validate(mel: true) }
    }

    /// The options this extractor was built with.
    public let configuration: Configuration
    let stft: STFT
    let filterbank: MelFilterbank

    /// Builds the extractor (the filter bank is computed once here).
    /// - Throws: `FeatureConfigurationError` when `configuration` is out of range.
    public init(_ configuration: Configuration) throws {
        try configuration.validate()
        self.configuration = configuration
        self.stft = configuration.fields.stft
        self.filterbank = configuration.fields.filterbank
    }

    public var sampleRate: Int { configuration.sampleRate }
    public var featureCount: Int { configuration.melCount * (configuration.deltas ? 3 : 1) }
    public var cacheKey: String { canonicalKey("logmel", configuration) }

    /// Log-mel `[T, C]` of mono `samples` at `sampleRate` (no frames when the clip is shorter than one frame).
    public func extract(_ samples: [Float]) -> FeatureMatrix {
        let logMel = decibels(samples)
        return configuration.deltas ? appendingDeltas(logMel, width: configuration.deltaWidth) : logMel
    }

    /// Mel power `[T, M]`: the STFT power of each frame through the sparse filter bank.
    func melPower(_ samples: [Float]) -> FeatureMatrix {
        let frames = stft.frameCount(sampleCount: samples.count)
        let bands = filterbank.melCount
        var values = [Float](repeating: 0, count: frames * bands)
        values.withUnsafeMutableBufferPointer { out in
            stft.forEachFrame(samples, power: Float(configuration.power)) { t, spectrum in
                filterbank.apply(spectrum, into: out.baseAddress! + t * bands)
            }
        }
        return FeatureMatrix(frameCount: frames, featureCount: bands, values: values)
    }

    /// `power_to_db` of `melPower` over the whole clip, `[T, M]`.
    func decibels(_ samples: [Float]) -> FeatureMatrix {
        var mel = melPower(samples)
        powerToDB(&mel.values, ref: configuration.ref, amin: Float(configuration.amin),
                  topDB: configuration.topDB.map(Float.init))
        return mel
    }
}
