/// Pads `samples` with zeros at the end or cuts them to exactly `count` samples (`librosa.util.fix_length`).
public func fixLength(_ samples: [Float], count: Int) -> [Float] {
    precondition(count >= 0, "fixLength expects count >= 0, got \(count)")
    if samples.count >= count { return Array(samples.prefix(count)) }
    return samples + [Float](repeating: 0, count: count - samples.count)
}

/// Removes leading and trailing silence, as `librosa.effects.trim` (returns the kept samples and their range).
///
/// A frame is non-silent when its RMS (`rms(…, center: true)`) in dB relative to the loudest frame exceeds
/// `-topDB` (`amplitude_to_db(rms, ref=np.max)`, floor 1e-5). The range runs from the first non-silent frame
/// `a` to the last `b`: `a * hopLength ..< min(n, (b + 1) * hopLength)`; all-silent input gives `0..<0`.
///
/// - Parameters:
///   - topDB: Threshold in dB below the peak (> 0), librosa `top_db`, default 60.
///   - frameLength: Samples per analysis frame (> 0), default 2048.
///   - hopLength: Samples between frames (> 0), default 512.
public func trimSilence(_ samples: [Float], topDB: Float = 60, frameLength: Int = 2048,
                        hopLength: Int = 512) -> (samples: [Float], range: Range<Int>) {
    var energy = rms(samples, frameLength: frameLength, hopLength: hopLength).map { $0 * $0 }
    // amplitude_to_db(rms, ref=max, amin=1e-5, top_db=None) == power_to_db(rms², ref=max², amin=1e-10).
    let peak = energy.max() ?? 0
    powerToDB(&energy, ref: .value(Double(peak)), amin: 1e-10, topDB: nil)
    guard let first = energy.firstIndex(where: { $0 > -topDB }),
          let last = energy.lastIndex(where: { $0 > -topDB }) else { return ([], 0..<0) }
    let range = (first * hopLength)..<min(samples.count, (last + 1) * hopLength)
    return (Array(samples[range]), range)
}

/// `samples` scaled so the largest magnitude is `peak` (silence is returned unchanged).
public func peakNormalized(_ samples: [Float], peak: Float = 1) -> [Float] {
    let largest = samples.reduce(Float(0)) { max($0, abs($1)) }
    guard largest > 0 else { return samples }
    let gain = peak / largest
    return samples.map { $0 * gain }
}

/// `samples` scaled so their RMS is `target` (default 0.1, i.e. -20 dBFS); silence is returned unchanged.
public func rmsNormalized(_ samples: [Float], target: Float = 0.1) -> [Float] {
    guard !samples.isEmpty else { return samples }
    let meanSquare = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)
    guard meanSquare > 0 else { return samples }
    let gain = target / Float(meanSquare.squareRoot())
    return samples.map { $0 * gain }
}
