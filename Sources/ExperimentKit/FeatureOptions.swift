import AudioFeatures

// The spec descriptions of AudioFeatures' extractor configurations. Their decoders and checks are AudioFeatures'
// own; these lists only describe the keys (Registration checks that they name exactly `CodingKeys`).

extension FeatureConfigurationError: OptionError {
    /// The snake_case key the error is about.
    public var optionKey: String? { key }
    /// The keras-style message.
    public var optionMessage: String { message }
}

/// Option descriptions shared by the three extractors, by key.
enum SpectralOptionDocs {
    static let all: [String: OptionInfo] = Dictionary(uniqueKeysWithValues: [
        .optional("sample_rate", "int > 0", "Input rate in Hz (librosa sr)", dependentDefault: "data.sample_rate"),
        .optional("n_fft", "int > 0", "FFT length in samples"),
        .optional("hop_length", "int > 0 or null", "Samples between frames"),
        .optional("win_length", "int in 1...n_fft or null", "Window length in samples; null means n_fft"),
        .optional("window", "hann | hamming", "Window shape", choices: WindowFunction.allCases.map(\.rawValue)),
        .optional("center", "bool", "Centre frames on t · hop_length (librosa center)"),
        .optional("pad_mode", "constant | reflect", "Padding when centring", choices: PadMode.allCases.map(\.rawValue)),
        .optional("n_mels", "int > 0", "Mel bands"),
        .optional("fmin", "float >= 0", "Lowest filter edge in Hz"),
        .optional("fmax", "float <= sample_rate / 2 or null", "Highest filter edge in Hz; null means sample_rate / 2"),
        .optional("htk", "bool", "HTK mel formula instead of Slaney's"),
        .optional("norm", "slaney | none", "Mel filter normalisation", choices: MelNormalization.allCases.map(\.rawValue)),
        .optional("power", "float > 0", "Exponent of the STFT magnitude (2 power, 1 magnitude)"),
        .optional("to_db", "bool", "Convert to decibels"),
        .optional("ref", "float != 0 or 'max'", "0 dB reference"),
        .optional("amin", "float > 0 or null", "Floor before the logarithm"),
        .optional("top_db", "float >= 0 or null", "Dynamic range kept below the clip's peak, in dB; null keeps all"),
        .optional("deltas", "bool", "Append Δ and ΔΔ (librosa.feature.delta)"),
        .optional("delta_width", "odd int >= 3", "Delta window in frames"),
        .optional("n_mfcc", "int in 1...n_mels", "Cepstral coefficients kept"),
        .optional("dct_type", "2", "DCT type (only DCT-II, norm ortho)"),
        .optional("lifter", "float >= 0", "Cepstral liftering; 0 disables it"),
    ].map { ($0.name, $0) })

    /// The descriptions of `keys`, in their order.
    static func options<Key: CodingKey & CaseIterable>(_ keys: Key.Type) -> [OptionInfo] {
        keys.allCases.map { key in
            guard let option = all[key.stringValue] else {
                preconditionFailure("no description for feature option '\(key.stringValue)'")
            }
            return option
        }
    }
}

extension MFCC.Configuration: ComponentConfiguration {
    /// Every LogMel option plus `n_mfcc`, `dct_type`, `lifter`.
    public static var options: [OptionInfo] { SpectralOptionDocs.options(CodingKeys.self) }
}

extension LogMel.Configuration: ComponentConfiguration {
    /// STFT, mel and decibel options.
    public static var options: [OptionInfo] { SpectralOptionDocs.options(CodingKeys.self) }
}

extension Spectrogram.Configuration: ComponentConfiguration {
    /// STFT and decibel options.
    public static var options: [OptionInfo] { SpectralOptionDocs.options(CodingKeys.self) }
}

extension Egemaps.Configuration: ComponentConfiguration {
    /// `sample_rate` only: the parameter set is fixed by eGeMAPS v02.
    public static var options: [OptionInfo] { SpectralOptionDocs.options(CodingKeys.self) }
}
