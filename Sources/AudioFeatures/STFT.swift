import Foundation

/// Short-time Fourier transform magnitudes, as `librosa.stft` followed by `np.abs(S) ** power`.
///
/// Frame `t` covers samples `[t * hopLength - p, t * hopLength - p + fftSize)` of the signal extended by
/// `padMode`, with `p = fftSize / 2` when `center` and 0 otherwise. The window (length `windowLength`) is
/// zero-padded on both sides to `fftSize` (`librosa.util.pad_center`). With `n` samples there are
///
/// ```
/// T = 1 + (n + 2p - fftSize) / hopLength      (integer division; 0 when n + 2p < fftSize)
/// ```
///
/// frames, and each has `F = fftSize / 2 + 1` bins. Output layout: `[T, F]`, frames first.
public struct STFT: Sendable, Equatable {
    /// FFT length in samples (> 0), librosa `n_fft`.
    public let fftSize: Int
    /// Samples between frame starts (> 0), librosa `hop_length`.
    public let hopLength: Int
    /// Window length in samples, `1...fftSize`, librosa `win_length`.
    public let windowLength: Int
    /// Window shape, librosa `window`.
    public let window: WindowFunction
    /// Whether frame `t` is centred on sample `t * hopLength`, librosa `center`.
    public var center: Bool
    /// Signal extension when `center`, librosa `pad_mode`.
    public var padMode: PadMode
    /// `window.values(length: windowLength)`, computed once.
    private let windowValues: [Float]

    /// Creates an STFT; `hopLength` defaults to `windowLength / 4` and `windowLength` to `fftSize`, as librosa.stft.
    public init(fftSize: Int = 2048, hopLength: Int? = nil, windowLength: Int? = nil,
                window: WindowFunction = .hann, center: Bool = true, padMode: PadMode = .constant) {
        let windowLength = windowLength ?? fftSize
        precondition(fftSize > 0 && windowLength > 0 && windowLength <= fftSize,
                     "STFT expects 0 < windowLength <= fftSize, got windowLength=\(windowLength), fftSize=\(fftSize)")
        let hop = hopLength ?? max(windowLength / 4, 1)
        precondition(hop > 0, "STFT expects hopLength > 0, got \(hop)")
        self.fftSize = fftSize
        self.hopLength = hop
        self.windowLength = windowLength
        self.window = window
        self.center = center
        self.padMode = padMode
        self.windowValues = window.values(length: windowLength)
    }

    /// Bins per frame, `F = fftSize / 2 + 1`.
    public var binCount: Int { fftSize / 2 + 1 }

    /// Frames for `sampleCount` samples, `T` above.
    public func frameCount(sampleCount: Int) -> Int {
        let padded = sampleCount + (center ? 2 * (fftSize / 2) : 0)
        return padded < fftSize ? 0 : 1 + (padded - fftSize) / hopLength
    }

    /// `|STFT(samples)| ** power` as `[T, F]` (power 1: magnitude, 2: power).
    public func spectrogram(_ samples: [Float], power: Float = 1) -> FeatureMatrix {
        let frames = frameCount(sampleCount: samples.count)
        var values = [Float](repeating: 0, count: frames * binCount)
        let bins = binCount
        values.withUnsafeMutableBufferPointer { out in
            forEachFrame(samples, power: power) { t, spectrum in
                (out.baseAddress! + t * bins).update(from: spectrum, count: bins)
            }
        }
        return FeatureMatrix(frameCount: frames, featureCount: bins, values: values)
    }

    /// Calls `body(t, spectrum)` for each frame with `F` values `|X_t[k]| ** power`, valid only during the call.
    ///
    /// One FFT workspace and one spectrum buffer serve every frame, so nothing is allocated per frame.
    func forEachFrame(_ samples: [Float], power: Float, _ body: (Int, UnsafePointer<Float>) -> Void) {
        let frames = frameCount(sampleCount: samples.count)
        guard frames > 0 else { return }
        let workspace = FFTWorkspace(size: fftSize)
        let leftPad = (fftSize - windowLength) / 2
        let pad = center ? fftSize / 2 : 0
        let bins = binCount
        let spectrum = UnsafeMutablePointer<Float>.allocate(capacity: bins)
        defer { spectrum.deallocate() }
        samples.withUnsafeBufferPointer { x in
            windowValues.withUnsafeBufferPointer { w in
                let n = x.count
                let frame = workspace.input + leftPad
                for t in 0..<frames {
                    // Only the window's support is written; the zero padding around it never changes.
                    let first = t * hopLength - pad + leftPad
                    if first >= 0 && first + windowLength <= n {
                        let source = x.baseAddress! + first
                        for j in 0..<windowLength { frame[j] = source[j] * w[j] }
                    } else {
                        for j in 0..<windowLength { frame[j] = padMode.sample(x, at: first + j) * w[j] }
                    }
                    workspace.execute()
                    let c = workspace.spectrum
                    if power == 2 {
                        for k in 0..<bins { spectrum[k] = c[2 * k] * c[2 * k] + c[2 * k + 1] * c[2 * k + 1] }
                    } else if power == 1 {
                        for k in 0..<bins { spectrum[k] = (c[2 * k] * c[2 * k] + c[2 * k + 1] * c[2 * k + 1]).squareRoot() }
                    } else {
                        for k in 0..<bins {
                            spectrum[k] = powf((c[2 * k] * c[2 * k] + c[2 * k + 1] * c[2 * k + 1]).squareRoot(), power)
                        }
                    }
                    body(t, spectrum)
                }
            }
        }
    }
}
