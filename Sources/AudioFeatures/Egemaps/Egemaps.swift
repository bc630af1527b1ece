import Foundation

/// The extended Geneva Minimalistic Acoustic Parameter Set (eGeMAPS v02) as openSMILE 2.6 computes it.
///
/// `.lowLevelDescriptors` gives the 25 smoothed frame-level descriptors, `[T, 25]` with one row every 10 ms
/// (`T = 2 + (n − 0.06 s · sampleRate) / hop`, 0 for clips shorter than 60 ms); `.functionals` gives the 88 clip
/// statistics, `[1, 88]`. Columns carry openSMILE's names (`columnNames`) in its order, so a table written from
/// either tool joins with the other. Each descriptor family reproduces one openSMILE component chain (see
/// `EgemapsLoudness`, `EgemapsSpectralBalance`, `EgemapsCepstral`, `EgemapsPitchCandidates` and
/// `EgemapsPitchSmoother`, `EgemapsJitterShimmer`, `EgemapsHarmonics`, `EgemapsFormants`, `EgemapsFunctionals`).
///
/// Reference: Eyben et al. (2016), "The Geneva Minimalistic Acoustic Parameter Set (GeMAPS) for Voice Research
/// and Affective Computing", IEEE Trans. Affective Computing 7(2); openSMILE's `eGeMAPSv02.conf`.
public struct Egemaps: FeatureExtractor, Equatable {
    /// Which table to produce.
    public enum Level: String, Codable, Sendable {
        /// `[T, 25]` frame-level descriptors (openSMILE `FeatureLevel.LowLevelDescriptors`).
        case lowLevelDescriptors = "lld"
        /// `[1, 88]` clip functionals (openSMILE `FeatureLevel.Functionals`).
        case functionals
    }

    /// Options of the `egemaps` and `egemaps_lld` feature types.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Rate in Hz the clip is resampled to before analysis (`sample_rate`, 8000…192000, default 16000).
        /// openSMILE analyses at the file's own rate; frame lengths are in seconds, so any rate ≥ 16 kHz gives
        /// the same descriptors up to resampling (the mel and formant ranges reach 8 and 5.45 kHz).
        public var sampleRate: Int

        public enum CodingKeys: String, CodingKey, CaseIterable { case sampleRate = "sample_rate" }

        public init(sampleRate: Int = 16000) { self.sampleRate = sampleRate }

        /// - Throws: `FeatureConfigurationError` for an out-of-range value, `DecodingError` for a wrong type.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(sampleRate: try c.value(.sampleRate, default: 16000))
            try validate()
        }

        /// - Throws: `FeatureConfigurationError` when `sample_rate` is outside 8000…192000.
        public func validate() throws {
            guard (8000...192_000).contains(sampleRate) else {
                throw FeatureConfigurationError(key: "sample_rate",
                                                message: "sample_rate must be in 8000...192000 Hz. Received: sample_rate=\(sampleRate)")
            }
        }
    }

    public let configuration: Configuration
    public let level: Level
    private let analysis: EgemapsAnalysis

    /// - Throws: `FeatureConfigurationError` for an invalid configuration.
    public init(_ configuration: Configuration = .init(), level: Level) throws {
        try configuration.validate()
        self.configuration = configuration
        self.level = level
        analysis = EgemapsAnalysis(sampleRate: configuration.sampleRate)
    }

    public static func == (a: Egemaps, b: Egemaps) -> Bool { a.configuration == b.configuration && a.level == b.level }

    public var sampleRate: Int { configuration.sampleRate }
    public var featureCount: Int { columnNames.count }
    public var cacheKey: String { canonicalKey(level == .functionals ? "egemaps" : "egemaps_lld", configuration) }

    /// openSMILE's column names, `featureCount` of them.
    public var columnNames: [String] { level == .functionals ? EgemapsNames.functionals : EgemapsNames.lowLevel }

    /// The descriptors of `samples` (mono, at `sampleRate`): `[T, 25]` or `[1, 88]`.
    public func extract(_ samples: [Float]) -> FeatureMatrix {
        let contours = analysis.contours(samples)
        switch level {
        case .lowLevelDescriptors:
            let rows = analysis.lowLevel(contours)
            return FeatureMatrix(frameCount: rows.count, featureCount: 25, values: rows.flatMap { $0 })
        case .functionals:
            return FeatureMatrix(frameCount: 1, featureCount: 88, values: analysis.functionals(contours))
        }
    }
}
