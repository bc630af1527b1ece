import Foundation

/// Mel-frequency cepstral coefficients, as `librosa.feature.mfcc(y=…)` (DCT-II, `norm="ortho"`).
///
/// ```
/// S = power_to_db(melspectrogram(y), ref, amin, top_db)            // [T, M] (LogMel)
/// c[t, k] = w_k Σ_m S[t, m] cos(π k (2m + 1) / (2M)),   w_0 = √(1/M), w_k = √(2/M)
/// c[t, k] *= 1 + (L/2) sin(π (k + 1) / L)                          // lifter L > 0 only
/// ```
///
/// Output `[T, C]` with `C = n_mfcc` (or `3 · n_mfcc` with `deltas`: coefficients, Δ, ΔΔ). librosa returns
/// `(n_mfcc, t)`; the transpose to frames-first happens here.
public struct MFCC: FeatureExtractor, Equatable {
    /// MFCC options: every `LogMel` option plus `n_mfcc`, `dct_type` and `lifter`.
    ///
    /// Defaults (librosa 0.11): `sample_rate` 22050, `n_fft` 2048, `hop_length` 512, `win_length` null
    /// (= `n_fft`), `window` hann, `center` true, `pad_mode` constant, `n_mels` 128, `fmin` 0, `fmax` null
    /// (= `sample_rate / 2`), `htk` false, `norm` slaney, `power` 2, `ref` 1.0, `amin` 1e-10, `top_db` 80,
    /// `n_mfcc` 20, `dct_type` 2 (the only one supported), `lifter` 0 (off), `deltas` false, `delta_width` 9.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The log-mel stage (its `deltas` is ignored: deltas apply to the coefficients).
        public var logMel: LogMel.Configuration
        /// Coefficients kept, `1...n_mels` (`n_mfcc`).
        public var coefficientCount: Int
        /// DCT type (`dct_type`); only 2 is supported.
        public var dctType: Int
        /// Cepstral lifter `L` ≥ 0; 0 disables it (`lifter`).
        public var lifter: Double
        /// Append Δ and ΔΔ of the coefficients (`deltas`).
        public var deltas: Bool { get { logMel.deltas } set { logMel.deltas = newValue } }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case sampleRate = "sample_rate", fftSize = "n_fft", hopLength = "hop_length", windowLength = "win_length"
            case window, center, padMode = "pad_mode", melCount = "n_mels", minFrequency = "fmin"
            case maxFrequency = "fmax", melScale = "htk", normalization = "norm", power, ref, amin
            case topDB = "top_db", deltas, deltaWidth = "delta_width"
            case coefficientCount = "n_mfcc", dctType = "dct_type", lifter
        }

        /// librosa's defaults for the log-mel stage `logMel`, plus the cepstral options.
        public init(logMel: LogMel.Configuration = .init(), coefficientCount: Int = 20, dctType: Int = 2,
                    lifter: Double = 0) {
            self.logMel = logMel
            self.coefficientCount = coefficientCount
            self.dctType = dctType
            self.lifter = lifter
        }

        /// Decodes the keys present and fills librosa's defaults for the rest, then validates.
        /// - Throws: `FeatureConfigurationError` for an out-of-range value, `DecodingError` for a wrong type.
        public init(from decoder: any Decoder) throws {
            var f = SpectralFields()
            try f.decode(from: decoder, mel: true)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(logMel: LogMel.Configuration(fields: f),
                      coefficientCount: try c.value(.coefficientCount, default: 20),
                      dctType: try c.value(.dctType, default: 2),
                      lifter: try c.value(.lifter, default: 0))
            try validate()
        }

        public func encode(to encoder: any Encoder) throws {
            try logMel.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(coefficientCount, forKey: .coefficientCount)
            try c.encode(dctType, forKey: .dctType)
            try c.encode(lifter, forKey: .lifter)
        }

        /// Rejects out-of-range values (`n_mfcc must be in 1...n_mels (40). Received: n_mfcc=64`, …).
        /// - Throws: `FeatureConfigurationError` naming the key.
        public func validate() throws {
            try logMel.validate()
            try Option.require(coefficientCount > 0 && coefficientCount <= logMel.melCount, "n_mfcc",
                               "in 1...n_mels (\(logMel.melCount))", coefficientCount)
            try Option.require(dctType == 2, "dct_type", "2 (DCT-II; types 1 and 3 are not supported)", dctType)
            try Option.require(lifter >= 0 && lifter.isFinite, "lifter", ">= 0", lifter)
        }
    }

    /// The options this extractor was built with.
    public let configuration: Configuration
    private let logMel: LogMel
    /// The DCT split by parity of `k` (see `cepstrum`), transposed and padded for SIMD products.
    private let evenBasis: CepstralBasis
    private let oddBasis: CepstralBasis

    /// Builds the extractor (filter bank and DCT matrix are computed once here).
    /// - Throws: `FeatureConfigurationError` when `configuration` is out of range.
    public init(_ configuration: Configuration) throws {
        try configuration.validate()
        self.configuration = configuration
        var stage = configuration.logMel
        stage.deltas = false
        self.logMel = try LogMel(stage)
        let basis = MFCC.dctBasis(coefficients: configuration.coefficientCount, bands: stage.melCount,
                                  lifter: configuration.lifter)
        let (count, bands) = (configuration.coefficientCount, stage.melCount)
        // Even k use the folded sums s[m] = x[m] + x[M-1-m] (plus the middle band when M is odd), odd k the
        // differences; both over m < ⌈M/2⌉ rows of the original matrix.
        self.evenBasis = CepstralBasis(basis, bands: bands, coefficients: Array(stride(from: 0, to: count, by: 2)),
                                       rows: (bands + 1) / 2)
        self.oddBasis = CepstralBasis(basis, bands: bands, coefficients: Array(stride(from: 1, to: count, by: 2)),
                                      rows: bands / 2)
    }

    public var sampleRate: Int { configuration.logMel.sampleRate }
    public var featureCount: Int { configuration.coefficientCount * (configuration.deltas ? 3 : 1) }
    public var cacheKey: String { canonicalKey("mfcc", configuration) }

    /// MFCC `[T, C]` of mono `samples` at `sampleRate`.
    public func extract(_ samples: [Float]) -> FeatureMatrix {
        let coefficients = cepstrum(logMel.decibels(samples))
        return configuration.deltas ? appendingDeltas(coefficients, width: configuration.logMel.deltaWidth) : coefficients
    }

    /// `[T, M]` log-mel to `[T, K]` coefficients: one small matrix product per clip, halved by symmetry.
    ///
    /// The DCT-II row `k` satisfies `D[k, M-1-m] = (-1)^k D[k, m]`, so even coefficients are products with
    /// `s[m] = x[m] + x[M-1-m]` and odd ones with `d[m] = x[m] - x[M-1-m]`, over half the bands. Coefficients
    /// are accumulated eight at a time in `SIMD8` lanes (no horizontal sums).
    private func cepstrum(_ logMel: FeatureMatrix) -> FeatureMatrix {
        let frames = logMel.frameCount, bands = logMel.featureCount, count = configuration.coefficientCount
        let half = bands / 2
        // Raw buffers: arrays captured by the loop would pay a bounds and exclusivity check per element.
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: (bands + 1) / 2)
        let differences = UnsafeMutablePointer<Float>.allocate(capacity: max(half, 1))
        defer { sums.deallocate(); differences.deallocate() }
        let values = [Float](unsafeUninitializedCapacity: frames * count) { out, initialized in
            logMel.values.withUnsafeBufferPointer { x in
                for t in 0..<frames {
                    let row = x.baseAddress! + t * bands
                    for m in 0..<half {
                        sums[m] = row[m] + row[bands - 1 - m]
                        differences[m] = row[m] - row[bands - 1 - m]
                    }
                    if bands % 2 == 1 { sums[half] = row[half] }
                    evenBasis.multiply(sums, into: out.baseAddress! + t * count)
                    oddBasis.multiply(differences, into: out.baseAddress! + t * count)
                }
            }
            initialized = frames * count
        }
        return FeatureMatrix(frameCount: frames, featureCount: count, values: values)
    }

    /// The orthonormal DCT-II matrix `[K, M]` (scipy `dct(type=2, norm="ortho")`), rows scaled by the lifter.
    static func dctBasis(coefficients: Int, bands: Int, lifter: Double) -> [Float] {
        var basis = [Float](repeating: 0, count: coefficients * bands)
        let m = Double(bands)
        for k in 0..<coefficients {
            let scale = (k == 0 ? (1 / m) : (2 / m)).squareRoot()
            let lift = lifter > 0 ? 1 + (lifter / 2) * sin(Double.pi * Double(k + 1) / lifter) : 1
            for n in 0..<bands {
                basis[k * bands + n] = Float(scale * lift * cos(Double.pi * Double(k) * Double(2 * n + 1) / (2 * m)))
            }
        }
        return basis
    }
}

/// Selected rows `k` of a `[K, M]` DCT matrix restricted to its first `rows` columns, stored transposed as
/// `[rows, ⌈k/8⌉]` SIMD8 blocks so `multiply` accumulates eight coefficients per operation.
private struct CepstralBasis: Sendable, Equatable {
    let coefficients: [Int]
    let rows: Int
    let blocks: Int
    let lanes: [SIMD8<Float>]

    init(_ basis: [Float], bands: Int, coefficients: [Int], rows: Int) {
        self.coefficients = coefficients
        self.rows = rows
        self.blocks = (coefficients.count + 7) / 8
        var lanes = [SIMD8<Float>](repeating: SIMD8<Float>(), count: rows * blocks)
        for m in 0..<rows {
            for (i, k) in coefficients.enumerated() { lanes[m * blocks + i / 8][i % 8] = basis[k * bands + m] }
        }
        self.lanes = lanes
    }

    /// `y[k] = Σ_m v[m] D[k, m]` for this basis's coefficients `k`, written into `y` at index `k`.
    func multiply(_ v: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        lanes.withUnsafeBufferPointer { d in
            coefficients.withUnsafeBufferPointer { k in
                for b in 0..<blocks {
                    // Walk column b by pointer: indexing d[m * blocks + b] costs an overflow check per term.
                    var lane = d.baseAddress! + b
                    var sum = SIMD8<Float>()
                    for m in 0..<rows {
                        sum += lane.pointee * v[m]
                        lane += blocks
                    }
                    for i in 0..<min(8, k.count - 8 * b) { y[k[8 * b + i]] = sum[i] }
                }
            }
        }
    }
}
