import Foundation

/// Frames, windows and FFT magnitude spectra as openSMILE's `cFramer`, `cWindower`, `cTransformFFT` and
/// `cFFTmagphase` produce them for eGeMAPS v02.
///
/// Frame `t` covers samples `[t · hop, t · hop + L)` (openSMILE `frameCenterSpecial = left`); only whole frames
/// are analysed, so `T = 1 + (n - L) / hop` (0 when `n < L`). Each windowed frame is zero-padded to the next power
/// of two `N` (openSMILE pads symmetrically, which changes only the phase) and yields `N / 2 + 1` unnormalised
/// magnitudes `|X[k]|` at `k · sampleRate / N` Hz.
struct EgemapsFraming: Sendable {
    /// Window shapes used by eGeMAPS: 20 ms Hamming (energy, spectral, cepstral) and 60 ms Gaussian (pitch).
    enum Shape: Sendable {
        /// `0.54 - 0.46 cos(2πi / (L - 1))` (openSMILE `smileDsp_winHam`).
        case hamming
        /// `exp(-½ ((i - (L-1)/2) / (σ (L-1)/2))²)` (openSMILE `smileDsp_winGau`).
        case gaussian(sigma: Double)
    }

    /// Frame length `L` in samples (> 0).
    let frameLength: Int
    /// Samples between frame starts (> 0).
    let hopLength: Int
    /// FFT length `N`, the smallest power of two ≥ `frameLength`.
    let fftSize: Int
    /// The window, `L` values.
    let window: [Float]

    /// A framing of `frameSeconds` long frames every `hopSeconds`, both rounded to whole samples as openSMILE does.
    init(sampleRate: Int, frameSeconds: Double, hopSeconds: Double = 0.010, shape: Shape) {
        precondition(sampleRate > 0, "EgemapsFraming expects sampleRate > 0, got \(sampleRate)")
        frameLength = max(1, Int((frameSeconds * Double(sampleRate)).rounded()))
        hopLength = max(1, Int((hopSeconds * Double(sampleRate)).rounded()))
        var n = 1
        while n < frameLength { n *= 2 }
        fftSize = n
        let count = Double(frameLength)
        window = (0..<frameLength).map { i -> Float in
            let x = Double(i)
            switch shape {
            case .hamming:
                return Float(0.54 - 0.46 * cos(2 * Double.pi * x / (count - 1)))
            case .gaussian(let sigma):
                let s = min(max(sigma, 0.01), 0.5)
                let u = (x - (count - 1) / 2) / (s * (count - 1) / 2)
                return Float(exp(-0.5 * u * u))
            }
        }
    }

    /// Bins per spectrum, `N / 2 + 1`.
    var binCount: Int { fftSize / 2 + 1 }

    /// Frames in a clip of `sampleCount` samples (whole frames only).
    func frameCount(sampleCount: Int) -> Int {
        sampleCount < frameLength ? 0 : 1 + (sampleCount - frameLength) / hopLength
    }

    /// Frame `t`'s raw (unwindowed) samples, zero-padded past the end of the clip.
    func frame(_ samples: [Float], _ t: Int) -> [Float] {
        let start = t * hopLength
        let end = min(start + frameLength, samples.count)
        var x = start < end ? Array(samples[start..<end]) : []
        x.append(contentsOf: repeatElement(0, count: frameLength - x.count))
        return x
    }

    /// Magnitude spectra of the first `frames` frames (default: every whole frame), `[T][N/2 + 1]`; frames
    /// reaching past the clip are zero-padded.
    func magnitudes(_ samples: [Float], frames: Int? = nil) -> [[Float]] {
        let frames = frames ?? frameCount(sampleCount: samples.count)
        guard frames > 0 else { return [] }
        let workspace = FFTWorkspace(size: fftSize)
        let bins = binCount
        var result: [[Float]] = []
        result.reserveCapacity(frames)
        samples.withUnsafeBufferPointer { x in
            for t in 0..<frames {
                let start = t * hopLength
                for i in 0..<frameLength {
                    workspace.input[i] = start + i < x.count ? x[start + i] * window[i] : 0
                }
                for i in frameLength..<fftSize { workspace.input[i] = 0 }
                workspace.execute()
                let s = workspace.spectrum
                result.append([Float](unsafeUninitializedCapacity: bins) { m, initialized in
                    for k in 0..<bins {
                        let re = s[2 * k], im = s[2 * k + 1]
                        m[k] = (re * re + im * im).squareRoot()
                    }
                    initialized = bins
                })
            }
        }
        return result
    }
}
