import AudioFeatures

extension Registries {
    /// The components this package ships, one literal table per kind (STYLE F).
    ///
    /// Kinds without a table here have nothing registered yet: a spec naming one of their types fails validation
    /// with "No <kind> types are registered", never silently.
    public static let builtins: Registries = {
        var registries = Registries()
        registries.install(Registry<any FeatureExtractor, Void>(kind: .feature, [
            "mfcc": Registration(MFCC.Configuration.self, "Mel-frequency cepstral coefficients, [T, n_mfcc] (librosa.feature.mfcc)") { config, _ in try MFCC(config) },
            "logmel": Registration(LogMel.Configuration.self, "Log-power mel spectrogram, [T, n_mels] (librosa power_to_db of melspectrogram)") { config, _ in try LogMel(config) },
            "spectrogram": Registration(Spectrogram.Configuration.self, "STFT magnitude or power, [T, n_fft/2 + 1] (librosa.stft)") { config, _ in try Spectrogram(config) },
        ]))
        return registries
    }()

    /// Feature extractors by type name (`features`).
    public var features: Registry<any FeatureExtractor, Void> {
        get { registry(.feature) }
        set { install(newValue) }
    }
}
