/// Root-mean-square energy per frame, as `librosa.feature.rms(y=…)` (one value per frame, `[T]`).
///
/// ```
/// rms[t] = sqrt(mean(x[t·hop + j]², j = 0..<frameLength))
/// ```
/// With `center` the signal is first extended by `frameLength / 2` samples per side with `padMode` (zeros by
/// default), giving `T = 1 + n / hopLength` frames; otherwise `T = 1 + (n - frameLength) / hopLength`.
///
/// - Parameters:
///   - frameLength: Samples per frame (> 0), librosa `frame_length`, default 2048.
///   - hopLength: Samples between frames (> 0), librosa `hop_length`, default 512.
///   - center: librosa `center`, default true.
///   - padMode: librosa `pad_mode`, default `.constant`.
public func rms(_ samples: [Float], frameLength: Int = 2048, hopLength: Int = 512, center: Bool = true,
                padMode: PadMode = .constant) -> [Float] {
    precondition(frameLength > 0 && hopLength > 0, "rms expects frameLength, hopLength > 0, got \(frameLength), \(hopLength)")
    let pad = center ? frameLength / 2 : 0
    let padded = samples.count + 2 * pad
    guard padded >= frameLength else { return [] }
    let frames = 1 + (padded - frameLength) / hopLength
    return samples.withUnsafeBufferPointer { x in
        (0..<frames).map { t in
            var sum = 0.0
            for j in 0..<frameLength {
                let v = Double(padMode.sample(x, at: t * hopLength + j - pad))
                sum += v * v
            }
            return Float((sum / Double(frameLength)).squareRoot())
        }
    }
}

/// Fraction of sign changes per frame, as `librosa.feature.zero_crossing_rate` (`[T]`).
///
/// Samples with `|x| ≤ 1e-10` count as zero, zero counts as positive (`zero_pos=True`), and a crossing at
/// frame position `j ≥ 1` is a change of sign bit between samples `j - 1` and `j`; the rate divides by
/// `frameLength`. With `center` the signal is extended by repeating its edge samples (librosa pads `"edge"`).
///
/// - Parameters:
///   - frameLength: Samples per frame (> 0), default 2048.
///   - hopLength: Samples between frames (> 0), default 512.
///   - center: librosa `center`, default true.
public func zeroCrossingRate(_ samples: [Float], frameLength: Int = 2048, hopLength: Int = 512,
                             center: Bool = true) -> [Float] {
    precondition(frameLength > 0 && hopLength > 0,
                 "zeroCrossingRate expects frameLength, hopLength > 0, got \(frameLength), \(hopLength)")
    guard !samples.isEmpty else { return [] }
    let pad = center ? frameLength / 2 : 0
    let padded = samples.count + 2 * pad
    guard padded >= frameLength else { return [] }
    let frames = 1 + (padded - frameLength) / hopLength
    let negative: [Bool] = samples.map { abs($0) > 1e-10 && $0.sign == .minus }
    let last = samples.count - 1
    func isNegative(_ i: Int) -> Bool { negative[min(max(i, 0), last)] }
    return (0..<frames).map { t in
        let start = t * hopLength - pad
        var count = 0
        for j in 1..<max(frameLength, 1) where isNegative(start + j) != isNegative(start + j - 1) { count += 1 }
        return Float(count) / Float(frameLength)
    }
}
