import CSoxr

/// Sample-rate conversion with libsoxr at librosa's default quality (the only file that imports libsoxr).
public enum Resampler {
    /// Resamples mono `samples` from `from` Hz to `to` Hz like `librosa.resample(res_type="soxr_hq")`.
    ///
    /// libsoxr runs in one shot with the `SOXR_HQ` recipe on float32 samples, producing
    /// `round(n * to / from)` samples as python-soxr does; the result is then fixed to librosa's length
    /// `ceil(n * to / from)` by zero padding (`librosa.util.fix_length`). Equal rates return the input.
    ///
    /// - Parameters:
    ///   - samples: Mono input, `n` samples.
    ///   - from: Input rate in Hz (> 0), librosa `orig_sr`.
    ///   - to: Output rate in Hz (> 0), librosa `target_sr`.
    /// - Returns: `ceil(n * to / from)` samples.
    /// - Throws: `AudioError.resampleFailed` for a non-positive rate or a libsoxr error.
    public static func resample(_ samples: [Float], from: Int, to: Int) throws -> [Float] {
        guard from > 0, to > 0 else {
            throw AudioError.resampleFailed(path: "(samples)", reason: "rates must be > 0 Hz, got \(from) -> \(to)")
        }
        guard from != to, !samples.isEmpty else { return samples }
        let ratio = Double(to) / Double(from)
        let librosaLength = Int((Double(samples.count) * ratio).rounded(.up))
        let soxrLength = Int(Double(samples.count) * ratio + 0.5)
        var output = [Float](repeating: 0, count: max(librosaLength, soxrLength))
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var produced = 0
        let error: soxr_error_t? = samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                soxr_oneshot(Double(from), Double(to), 1,
                             input.baseAddress, samples.count, nil,
                             out.baseAddress, soxrLength, &produced,
                             &io, &quality, nil)
            }
        }
        if let error {
            throw AudioError.resampleFailed(path: "(samples)", reason: String(cString: error))
        }
        // Samples soxr did not produce stay zero, and a longer soxr output is cut: librosa's fix_length.
        if output.count > librosaLength { output.removeLast(output.count - librosaLength) }
        return output
    }
}

extension Resampler {
    /// The linked libsoxr's version string, e.g. `libsoxr-0.1.3`.
    static var libraryVersion: String { soxr_version().map { String(cString: $0) } ?? "unknown" }
}
