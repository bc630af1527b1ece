import AudioFeatures
import ExperimentKit

extension SpectralShape.Configuration: ComponentConfiguration, Validatable {
    /// The option descriptions for validation messages and `exp components`.
    public static var options: [OptionInfo] {
        [.optional("sample_rate", "int > 0", "Input rate in Hz", dependentDefault: "data.sample_rate"),
         .optional("n_fft", "int > 0", "FFT length in samples"),
         .optional("hop_length", "int > 0", "Samples between frames"),
         .optional("n_mels", "int > 0", "Log-mel bands before the three descriptors")]
    }

    public func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(sampleRate, 0, key: CodingKeys.sampleRate),
         ValueIssue.greaterThan(fftSize, 0, key: CodingKeys.fftSize),
         ValueIssue.greaterThan(hopLength, 0, key: CodingKeys.hopLength),
         ValueIssue.greaterThan(melCount, 0, key: CodingKeys.melCount)].compactMap { $0 }
    }
}

extension SpectralShape {
    /// How a spec builds this extractor: `features: {type: spectral_shape, n_mels: 40}`.
    public static let registration = Registration<any FeatureExtractor, Void>(
        Configuration.self, "Log-mel + spectral centroid, bandwidth, flatness, [T, n_mels + 3] (plugin)"
    ) { config, _ in try SpectralShape(config) }
}
