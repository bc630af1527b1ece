import Foundation

/// Local jitter and shimmer (dB) from period marks in the waveform, as openSMILE's `cPitchJitter` computes
/// eGeMAPS `jitterLocal` and `shimmerLocaldB` (`searchRangeRel = 0.1`, `minNumPeriods = 2`, `minCC = 0.5`).
///
/// Frame by frame (10 ms steps, following the smoothed F0), the waveform is walked period by period: the next
/// period length is the lag in `[0.9 T₀, 1.1 T₀]` (samples) whose two adjacent windows of that length correlate
/// best (Pearson, highest local maximum), refined by a parabola; periods with correlation ≤ 0.5 are skipped. Walks
/// continue across voiced frames, so consecutive periods pair up across frame borders.
/// ```
/// jitterLocal   = mean |T_i − T_{i−1}| / mean T_i                    (≤ 1)
/// shimmerLocaldB = 20 log10(1 + mean |A_i − A_{i+1}| / mean (A_i + A_{i+1})/2)
/// ```
/// with `A` the peak-to-peak amplitude of a period. A voiced frame without any period repeats the previous values;
/// unvoiced frames give 0 and reset the walk.
struct EgemapsJitterShimmer: Sendable {
    /// Jitter and shimmer per frame.
    struct Frame: Sendable, Equatable {
        var jitter: Float
        var shimmerDB: Float
    }

    private let samplePeriod: Double
    private let hop: Int
    private let frameLength: Int

    init(sampleRate: Int, hopLength: Int, frameLength: Int) {
        samplePeriod = 1 / Double(sampleRate)
        hop = hopLength
        self.frameLength = frameLength
    }

    /// One value pair per F0 frame; `f0` in Hz (0 = unvoiced), frame `t` starting at sample `t · hop`.
    func callAsFunction(_ samples: [Float], f0: [Float]) -> [Frame] {
        var lastIdx = 0, lastMis = 0
        var lastT0: Float = 0, lastDiff: Float = 0
        var lastJitter: Float = 0, lastShimmer: Float = 0
        var out: [Frame] = []
        out.reserveCapacity(f0.count)
        for (t, f) in f0.enumerated() {
            let startVidx = t * hop
            let toRead0 = hop + lastMis
            var toRead = toRead0
            var t0f = 0, t0minF = 0, t0maxF = 0
            if f > 0 {
                let tf = 1 / Double(f) / samplePeriod
                t0f = Int(tf.rounded())
                t0minF = Int((0.9 * tf).rounded(.down))
                t0maxF = Int((1.1 * tf).rounded(.up))
                toRead = max(toRead, 2 * t0maxF + 2)
            }
            var maxRead = lastMis + frameLength
            toRead = min(toRead, maxRead)
            if startVidx - lastMis != lastIdx {
                lastIdx = startVidx
                toRead = min(toRead, frameLength)
                maxRead = min(maxRead, frameLength)
            }
            let begin = min(max(lastIdx, 0), samples.count)
            let x = Array(samples[begin..<min(begin + toRead, samples.count)])
            var lastPeriod = 0
            var jitterSum: Float = 0, localCount: Float = 0, periods: Float = 0, periodSum: Float = 0
            var ampSum: Float = 0, ampDiffSum: Float = 0
            if f > 0 && t0f > 0 {
                var start = 0
                var cc = [Double](repeating: 0, count: t0maxF - t0minF + 1)
                while start < x.count - 2 * t0maxF - 1 {
                    for lag in t0minF...t0maxF {
                        cc[lag - t0minF] = Self.correlation(x, start, start + lag, lag)
                    }
                    var best = -1
                    var bestValue = 0.0
                    if t0maxF - t0minF - 1 > 1 {
                        for i in 1..<(t0maxF - t0minF - 1) where cc[i - 1] < cc[i] && cc[i] > cc[i + 1] {
                            if best == -1 || cc[i] > bestValue { best = i; bestValue = cc[i] }
                        }
                    }
                    guard best >= 0 else { start += t0f; if start < toRead0 - 1 { lastPeriod = start }; continue }
                    let period = t0minF + best
                    let os = start
                    start += period
                    let a0 = Self.peakToPeak(x, os, period), a1 = Self.peakToPeak(x, start, period)
                    let (vertex, peak) = EgemapsPitchCandidates.parabolaVertex(
                        Double(best - 1), cc[best - 1], Double(best), cc[best], Double(best + 1), cc[best + 1])
                    if peak > 0.5 {
                        let length = Float(abs(Double(t0minF) + vertex) * samplePeriod)
                        periodSum += length
                        periods += 1
                        if lastT0 > 0 {
                            let diff = abs(lastT0 - length)
                            jitterSum += diff
                            localCount += 1
                            lastDiff = diff
                        }
                        lastT0 = length
                        ampSum += (a0 + a1) / 2
                        ampDiffSum += abs(a0 - a1)
                    }
                    if start < toRead0 - 1 { lastPeriod = start }
                }
                lastMis = toRead0 - lastPeriod
            } else {
                lastPeriod = toRead0
                lastMis = 0
                lastT0 = 0; lastDiff = 0
                lastJitter = 0; lastShimmer = 0
            }
            lastIdx += lastPeriod
            if periods > 0 && localCount > 0 && f > 0 {
                lastJitter = (jitterSum / localCount) / (periodSum / periods)
            }
            if periods > 0 && f > 0 { lastShimmer = ampSum > 0 ? ampDiffSum / ampSum : 0 }
            var frame = Frame(jitter: 0, shimmerDB: 0)
            if f > 0 && (periods == 0 || localCount > 0) {
                lastJitter = min(lastJitter, 1)
                frame.jitter = lastJitter
            }
            if f > 0 {
                lastShimmer = min(lastShimmer, 1)
                frame.shimmerDB = Float(20 * log10(Double(lastShimmer + 1)))
            }
            out.append(frame)
        }
        _ = lastDiff
        return out
    }

    /// Pearson correlation of `x[a..<a+n]` and `x[b..<b+n]` (openSMILE `crossCorr`).
    static func correlation(_ x: [Float], _ a: Int, _ b: Int, _ n: Int) -> Double {
        var mx = 0.0, my = 0.0
        for i in 0..<n { mx += Double(x[a + i]); my += Double(x[b + i]) }
        mx /= Double(n); my /= Double(n)
        var cc = 0.0, nx = 0.0, ny = 0.0
        for i in 0..<n {
            let u = Double(x[a + i]) - mx, v = Double(x[b + i]) - my
            cc += u * v; nx += u * u; ny += v * v
        }
        return cc / (nx.squareRoot() * ny.squareRoot())
    }

    /// Peak-to-peak amplitude over `x[s+1 ..< s+n-1]` (openSMILE `amplitudeDiff` skips each end sample).
    static func peakToPeak(_ x: [Float], _ s: Int, _ n: Int) -> Float {
        guard n > 2 else { return 0 }
        var hi = x[s + 1], lo = x[s + 1]
        for i in 1..<(n - 1) { hi = max(hi, x[s + i]); lo = min(lo, x[s + i]) }
        return hi - lo
    }
}
