import Foundation

/// Analysis windows, periodic as `scipy.signal.get_window(name, n, fftbins=True)` returns them for the STFT.
public enum WindowFunction: String, Codable, Sendable, CaseIterable {
    /// `w[n] = 0.5 - 0.5 cos(2πn/N)`, librosa's default `"hann"`.
    case hann
    /// `w[n] = 0.54 - 0.46 cos(2πn/N)`, `"hamming"`.
    case hamming

    /// The periodic window of `length` samples (computed in Double, as scipy does, then rounded to Float).
    public func values(length: Int) -> [Float] {
        precondition(length > 0, "window length must be > 0, got \(length)")
        let alpha: Double = self == .hann ? 0.5 : 0.54
        let n = Double(length)
        return (0..<length).map { Float(alpha - (1 - alpha) * cos(2 * Double.pi * Double($0) / n)) }
    }
}

/// How the signal is extended past its ends when frames are centred (`numpy.pad` modes librosa allows).
public enum PadMode: String, Codable, Sendable, CaseIterable {
    /// Zeros, librosa 0.10+'s default `"constant"`.
    case constant
    /// Mirror without repeating the edge sample: `…, x[2], x[1], x[0], x[1], x[2], …`.
    case reflect

    /// The sample at index `i` of the signal extended by this mode (`i` may lie outside `0..<samples.count`).
    @inline(__always)
    func sample(_ samples: UnsafeBufferPointer<Float>, at i: Int) -> Float {
        let n = samples.count
        if i >= 0 && i < n { return samples[i] }
        switch self {
        case .constant:
            return 0
        case .reflect:
            guard n > 1 else { return n == 1 ? samples[0] : 0 }
            let period = 2 * (n - 1)
            var j = i % period
            if j < 0 { j += period }
            return samples[j < n ? j : period - j]
        }
    }
}
