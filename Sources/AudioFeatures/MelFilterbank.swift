import Foundation

/// The mel scale used to place filter centres, librosa `htk`.
public enum MelScale: String, Codable, Sendable, CaseIterable {
    /// `mel = 2595 log10(1 + f / 700)` (`htk=True`).
    case htk
    /// Slaney's Auditory Toolbox scale: linear below 1 kHz (`f / (200/3)`), logarithmic above (`htk=False`).
    case slaney
}

/// How each triangular filter is scaled, librosa `norm`.
public enum MelNormalization: String, Codable, Sendable, CaseIterable {
    /// Each triangle divided by its width in Hz (`2 / (f[i+2] - f[i])`): constant energy per channel.
    case slaney
    /// Peak 1 (`norm=None`).
    case none
}

/// A bank of `M` triangular mel filters over the `F = fftSize / 2 + 1` STFT bins, as `librosa.filters.mel`.
///
/// ```
/// f = melToHz(linspace(hzToMel(fmin), hzToMel(fmax), M + 2))        // M + 2 edges in Hz
/// w[i, k] = max(0, min((bin[k] - f[i]) / (f[i+1] - f[i]), (f[i+2] - bin[k]) / (f[i+2] - f[i+1])))
/// w[i, k] *= 2 / (f[i+2] - f[i])                                      // norm = slaney only
/// ```
///
/// Weights are computed in Double and rounded to Float as librosa's float32 output is. Each triangle touches
/// few bins, so the bank is stored sparsely (`starts`, `weights`) and applied in `O(F)` per frame.
public struct MelFilterbank: Sendable, Equatable {
    /// Sample rate in Hz, librosa `sr`.
    public let sampleRate: Int
    /// FFT length, librosa `n_fft`.
    public let fftSize: Int
    /// Number of filters `M`, librosa `n_mels`.
    public let melCount: Int
    /// Lowest edge in Hz, librosa `fmin`.
    public let minFrequency: Double
    /// Highest edge in Hz, librosa `fmax`.
    public let maxFrequency: Double
    /// Scale of the filter centres.
    public let scale: MelScale
    /// Scaling of each triangle.
    public let normalization: MelNormalization
    /// First bin with a non-zero weight, per filter (0 for an empty filter).
    public let starts: [Int]
    /// The non-zero run of each filter's weights, starting at `starts[i]`.
    public let weights: [[Float]]
    /// `weights` concatenated, filter `i` at `offsets[i]..<offsets[i + 1]` (the layout `apply` reads).
    private let flatWeights: [Float]
    private let offsets: [Int]

    /// Builds the bank; `maxFrequency` defaults to `sampleRate / 2`.
    ///
    /// - Parameters:
    ///   - sampleRate: Hz (> 0), librosa `sr`.
    ///   - fftSize: FFT length (> 0), librosa `n_fft`.
    ///   - melCount: Filters (> 0), librosa `n_mels`, default 128.
    ///   - minFrequency: Hz (≥ 0), librosa `fmin`, default 0.
    ///   - maxFrequency: Hz (> minFrequency), librosa `fmax`, default `sampleRate / 2`.
    ///   - scale: `.slaney` (default, `htk=False`) or `.htk`.
    ///   - normalization: `.slaney` (default) or `.none`.
    public init(sampleRate: Int, fftSize: Int, melCount: Int = 128, minFrequency: Double = 0,
                maxFrequency: Double? = nil, scale: MelScale = .slaney, normalization: MelNormalization = .slaney) {
        let fmax = maxFrequency ?? Double(sampleRate) / 2
        precondition(sampleRate > 0 && fftSize > 0 && melCount > 0 && minFrequency >= 0 && fmax > minFrequency,
                     "MelFilterbank(sampleRate: \(sampleRate), fftSize: \(fftSize), melCount: \(melCount), minFrequency: \(minFrequency), maxFrequency: \(fmax))")
        self.sampleRate = sampleRate
        self.fftSize = fftSize
        self.melCount = melCount
        self.minFrequency = minFrequency
        self.maxFrequency = fmax
        self.scale = scale
        self.normalization = normalization

        let bins = fftSize / 2 + 1
        let spacing = Double(fftSize) * (1.0 / Double(sampleRate))  // np.fft.rfftfreq(n, d=1/sr)
        let binHz = (0..<bins).map { Double($0) / spacing }
        let edges = MelFilterbank.melFrequencies(count: melCount + 2, min: minFrequency, max: fmax, scale: scale)
        var starts: [Int] = []
        var weights: [[Float]] = []
        for i in 0..<melCount {
            let lowerWidth = edges[i + 1] - edges[i]
            let upperWidth = edges[i + 2] - edges[i + 1]
            let enorm = 2.0 / (edges[i + 2] - edges[i])
            var row: [Float] = []
            var start = -1
            for k in 0..<bins {
                let lower = -(edges[i] - binHz[k]) / lowerWidth
                let upper = (edges[i + 2] - binHz[k]) / upperWidth
                var w = Float(max(0, min(lower, upper)))
                // librosa scales the already-float32 weights in place: round, multiply in Double, round again.
                if normalization == .slaney { w = Float(Double(w) * enorm) }
                if w > 0 {
                    if start < 0 { start = k }
                    row.append(contentsOf: [Float](repeating: 0, count: k - start - row.count))
                    row.append(w)
                }
            }
            starts.append(max(start, 0))
            weights.append(row)
        }
        self.starts = starts
        self.weights = weights
        self.flatWeights = weights.flatMap { $0 }
        self.offsets = weights.reduce(into: [0]) { $0.append($0.last! + $1.count) }
    }

    /// Bins per frame, `F`.
    public var binCount: Int { fftSize / 2 + 1 }

    /// The dense weights `[M, F]`, row-major (librosa's `(n_mels, 1 + n_fft // 2)` array).
    public var matrix: [Float] {
        var dense = [Float](repeating: 0, count: melCount * binCount)
        for i in 0..<melCount {
            for (j, w) in weights[i].enumerated() { dense[i * binCount + starts[i] + j] = w }
        }
        return dense
    }

    /// `mel[f, i] = Σ_k w[i, k] power[k, f]` for up to eight frames at once.
    ///
    /// `block` holds `F` rows of eight lanes (frame `f` of the block in lane `f`), so each weight multiplies
    /// eight frames in one SIMD operation and no horizontal sums are needed; frame `f`'s `M` energies go to
    /// `mel + f * M`.
    func apply(_ block: UnsafePointer<SIMD8<Float>>, frames: Int, into mel: UnsafeMutablePointer<Float>) {
        flatWeights.withUnsafeBufferPointer { w in
            for i in 0..<melCount {
                var sum = SIMD8<Float>()
                let first = offsets[i], count = offsets[i + 1] - first, rows = block + starts[i]
                for j in 0..<count { sum += rows[j] * w[first + j] }
                for f in 0..<frames { mel[f * melCount + i] = sum[f] }
            }
        }
    }

    /// Hz to mel on `scale` (`librosa.hz_to_mel`).
    public static func hzToMel(_ frequency: Double, scale: MelScale) -> Double {
        switch scale {
        case .htk:
            return 2595.0 * log10(1.0 + frequency / 700.0)
        case .slaney:
            let linearStep = 200.0 / 3
            let minLogHz = 1000.0
            let minLogMel = minLogHz / linearStep
            let logStep = log(6.4) / 27.0
            return frequency >= minLogHz ? minLogMel + log(frequency / minLogHz) / logStep : frequency / linearStep
        }
    }

    /// Mel to Hz on `scale` (`librosa.mel_to_hz`).
    public static func melToHz(_ mel: Double, scale: MelScale) -> Double {
        switch scale {
        case .htk:
            return 700.0 * (pow(10.0, mel / 2595.0) - 1.0)
        case .slaney:
            let linearStep = 200.0 / 3
            let minLogHz = 1000.0
            let minLogMel = minLogHz / linearStep
            let logStep = log(6.4) / 27.0
            return mel >= minLogMel ? minLogHz * exp(logStep * (mel - minLogMel)) : linearStep * mel
        }
    }

    /// `count` frequencies in Hz equally spaced in mel from `min` to `max` Hz (`librosa.mel_frequencies`).
    public static func melFrequencies(count: Int, min: Double, max: Double, scale: MelScale) -> [Double] {
        let low = hzToMel(min, scale: scale)
        let high = hzToMel(max, scale: scale)
        guard count > 1 else { return [melToHz(low, scale: scale)] }
        // numpy.linspace: start + i * step, with the last point set to stop exactly.
        let step = (high - low) / Double(count - 1)
        return (0..<count).map { melToHz($0 == count - 1 ? high : Double($0) * step + low, scale: scale) }
    }
}
