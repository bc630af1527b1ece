import Foundation

/// The statistics eGeMAPS v02 takes over its contours, as openSMILE's `cFunctionals` family computes them
/// (`cFunctionalMoments`, `cFunctionalPercentiles`, `cFunctionalPeaks2`, `cFunctionalSegments`).
///
/// Contours arrive at one value per 10 ms frame. `nonZero` variants (openSMILE `nonZeroFuncts = 1`) first drop
/// exact zeros (unvoiced frames); an empty input yields zeros. Standard deviations divide by the count.
enum EgemapsFunctionals {
    /// Frame period in seconds (openSMILE's input period for every eGeMAPS functional).
    static let period: Float = 0.01

    /// The values of `x` that are not exactly 0.
    static func nonZero(_ x: [Float]) -> [Float] { x.filter { $0 != 0 } }

    /// Arithmetic mean (accumulated in double, returned in single precision as openSMILE passes it on).
    static func mean(_ x: [Float]) -> Float {
        guard !x.isEmpty else { return 0 }
        var sum = 0.0
        for v in x { sum += Double(v) }
        return Float(sum / Double(x.count))
    }

    /// `amean` and `stddevNorm` (openSMILE's compatible mode 2: `σ / μ` with the sign of `μ`, `σ` when
    /// `μ = 0`, and 0 for a constant contour).
    static func meanAndNormalisedDeviation(_ x: [Float]) -> (mean: Float, stddevNorm: Float) {
        guard !x.isEmpty else { return (0, 0) }
        let mu = mean(x)
        var m2 = 0.0
        for v in x { let d = Double(v) - Double(mu); m2 += d * d }
        m2 /= Double(x.count)
        guard m2 > 0 else { return (mu, 0) }
        let denominator = mu == 0 ? 1 : Double(mu)
        return (mu, Float(m2.squareRoot() / denominator))
    }

    /// Linearly interpolated percentiles 20, 50, 80 and `pctlrange0-2` (`|p80 - p20|`).
    static func percentiles(_ x: [Float]) -> [Float] {
        guard !x.isEmpty else { return [0, 0, 0, 0] }
        let sorted = x.sorted()
        func at(_ p: Double) -> Float {
            let index = p * Double(sorted.count - 1)
            let i1 = min(max(Int(index.rounded(.down)), 0), sorted.count - 1)
            let i2 = min(max(Int(index.rounded(.up)), 0), sorted.count - 1)
            guard i1 != i2 else { return sorted[i1] }
            return sorted[i1] * Float(Double(i2) - index) + sorted[i2] * Float(index - Double(i1))
        }
        let p = [at(0.2), at(0.5), at(0.8)]
        return p + [abs(p[2] - p[0])]
    }

    /// The peaks and valleys that survive `cFunctionalPeaks2`'s pruning with `relThresh = 0.1`, in order.
    private struct Extremum { var isMaximum: Bool; var value: Float; var index: Int }

    private static func extrema(_ x: [Float]) -> [Extremum] {
        let n = x.count
        guard n > 0 else { return [] }
        let range = (x.max() ?? 0) - (x.min() ?? 0)
        let threshold = 0.1 * range
        func below(_ diff: Float) -> Bool { diff < threshold }
        var list: [Extremum?] = []
        if n > 4 {
            for i in 2..<(n - 2) {
                if x[i] > x[i - 1] && x[i] > x[i + 1] { list.append(Extremum(isMaximum: true, value: x[i], index: i)) }
                else if x[i] < x[i - 1] && x[i] < x[i + 1] { list.append(Extremum(isMaximum: false, value: x[i], index: i)) }
            }
        }
        // Step 2a: drop maxima that rise too little from the previous extremum and the last minimum.
        var lastValue = x[0], lastMin = x[0], lastMax = x[0]
        var minFlag = false
        var lastMaxIndex: Int? = nil
        for k in 0..<list.count {
            guard let e = list[k] else { continue }
            if e.isMaximum {
                if below(abs(e.value - lastValue)) {
                    if below(e.value - lastMin) {
                        list[k] = nil
                    } else if e.value > lastMax * 1.05 {
                        if let m = lastMaxIndex { list[m] = nil }
                        lastMax = e.value
                        lastMaxIndex = k
                        minFlag = false
                    } else if minFlag {
                        lastMax = e.value
                        lastMaxIndex = k
                        minFlag = false
                    } else {
                        list[k] = nil
                        minFlag = false
                    }
                } else {
                    minFlag = false
                    lastMax = e.value
                    lastMaxIndex = k
                }
            } else if !below(abs(e.value - lastValue)) {
                minFlag = true
                lastMin = e.value
            }
            lastValue = e.value
        }
        // Step 2b: drop minima too close below the preceding maximum.
        lastMax = x[0]
        for k in 0..<list.count {
            guard let e = list[k] else { continue }
            if !e.isMaximum {
                if below(lastMax - e.value) { list[k] = nil }
            } else {
                lastMax = e.value
            }
        }
        // Step 3: of consecutive extrema of one kind keep the most extreme (the earlier one on ties).
        var kept: [Extremum] = []
        for case let e? in list {
            if let last = kept.last, last.isMaximum == e.isMaximum {
                if e.isMaximum ? e.value > last.value : e.value < last.value { kept[kept.count - 1] = e }
            } else {
                kept.append(e)
            }
        }
        return kept
    }

    /// Rising and falling slope statistics (`meanRisingSlope`, `stddevRisingSlope`, `meanFallingSlope`,
    /// `stddevFallingSlope`) in units per second, as `cFunctionalPeaks2` with `norm = seconds`.
    static func slopes(_ x: [Float]) -> [Float] {
        let n = x.count
        guard n > 0 else { return [0, 0, 0, 0] }
        let list = extrema(x)
        let t = period
        var rising: [Float] = [], falling: [Float] = []
        var lastMax = x[0], lastMaxPos = 0, lastMin = x[0], lastMinPos = 0
        var lastIsMax: Bool? = nil
        for e in list {
            if e.isMaximum {
                lastMax = e.value; lastMaxPos = e.index
                if lastMaxPos - lastMinPos > 0 {
                    rising.append((lastMax - lastMin) / (Float(lastMaxPos - lastMinPos) * t)); lastIsMax = true
                }
            } else {
                lastMin = e.value; lastMinPos = e.index
                if lastMinPos - lastMaxPos > 0 {
                    falling.append((lastMax - lastMin) / (Float(lastMinPos - lastMaxPos) * t)); lastIsMax = false
                }
            }
        }
        // The stretch after the last extremum counts too (openSMILE's sign: a signed difference, not a drop).
        var risingAll = rising, fallingAll = falling
        switch lastIsMax {
        case true?:
            if n - 1 - lastMaxPos > 0 { fallingAll.append((x[n - 1] - lastMax) / (Float(n - 1 - lastMaxPos) * t)) }
        case false?:
            if n - 1 - lastMinPos > 0 { risingAll.append((x[n - 1] - lastMin) / (Float(n - 1 - lastMinPos) * t)) }
        case nil:
            let s = (x[n - 1] - x[0]) / Float(n)
            if s > 0 { risingAll = [s] } else if s < 0 { fallingAll = [s] }
        }
        func meanOf(_ v: [Float]) -> Float {
            guard !v.isEmpty else { return 0 }
            var s: Float = 0
            for x in v { s += x }
            return v.count > 1 ? s / Float(v.count) : s
        }
        let meanRising = meanOf(risingAll), meanFalling = meanOf(fallingAll)
        // The deviations run over the slopes between extrema only, divided by the full count.
        func deviation(_ v: [Float], _ mu: Float, _ count: Int) -> Float {
            var s: Float = 0
            for x in v { s += (x - mu) * (x - mu) }
            if count > 1 { s /= Float(count) }
            return s > 0 ? s.squareRoot() : 0
        }
        return [meanRising, deviation(rising, meanRising, risingAll.count),
                meanFalling, deviation(falling, meanFalling, fallingAll.count)]
    }

    /// Peaks per second (`cFunctionalPeaks2` `numPeaks` with `norm = seconds`).
    static func peaksPerSecond(_ x: [Float]) -> Float {
        guard !x.isEmpty else { return 0 }
        let peaks = extrema(x).filter(\.isMaximum).count
        return Float(peaks) / (Float(x.count) * period)
    }

    /// Lengths in frames of runs where `inside(x[i])` holds (`cFunctionalSegments`, `nonX`/`eqX` algorithms:
    /// a run needs 3 frames to start and 2 frames outside to end; `segMinLng = 3`, `pauseMinLng = 2`).
    static func segments(_ x: [Float], inside: (Float) -> Bool) -> [Int] {
        let minLength = 3, pauseLength = 2
        var lengths: [Int] = []
        var startIndex = 0, state = 0, start = 0, end = 0
        for i in 0..<x.count {
            if inside(x[i]) {
                if state == 1 {
                    end = 0
                    start += 1
                    if start >= minLength { start = 0; state = 2 }
                } else if state == 0 {
                    start += 1
                    startIndex = i
                    state = 1
                } else {
                    end = 0
                }
            } else {
                if state == 2 {
                    start = 0
                    end += 1
                    if end >= pauseLength {
                        state = 0
                        lengths.append(i - end - startIndex)
                        end = 0
                    }
                } else if state == 1 {
                    end += 1
                    if end >= pauseLength { state = 0; end = 0; start = 0 }
                }
            }
        }
        if state == 2 {
            end += 1
            lengths.append(x.count - end - startIndex)
        }
        return lengths
    }

    /// Segment statistics in seconds: `[perSecond, meanLength, stddevLength]` over a contour of `count` frames.
    static func segmentStatistics(_ lengths: [Int], count: Int) -> [Float] {
        guard count > 0 else { return [0, 0, 0] }
        var total: Float = 0
        for l in lengths { total += Float(l) }
        let mu = lengths.count > 1 ? total / Float(lengths.count) : total
        var deviation: Float = 0
        if lengths.count > 1 {
            for l in lengths { deviation += (Float(l) - mu) * (Float(l) - mu) }
            deviation = (deviation / Float(lengths.count)).squareRoot()
        }
        return [Float(lengths.count) / (period * Float(count)), mu * period, deviation * period]
    }

    /// `equivalentSoundLevel_dBp`: `10 log10` of the mean frame mean-square (floored at 1e-12).
    static func equivalentSoundLevel(_ meanSquares: [Float]) -> Float {
        let m = mean(meanSquares)
        let floor: Float = 0.000000000001
        return Float(10 / log(10.0)) * Float(log(Double(m > floor ? m : floor)))
    }
}
