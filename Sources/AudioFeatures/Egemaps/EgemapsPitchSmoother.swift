import Foundation

/// Viterbi smoothing of pitch candidates as openSMILE's `cPitchSmootherViterbi` does it for eGeMAPS v02
/// (`bufferLength = 40`, `wLocal = 2`, `wTvv = 10`, `wTvuv = 10`, `wThr = 4`, `wRange = 1`; openSMILE's
/// `setWeights` copies `wTvv` into `wTvvd`, so the configured `wTvvd = 5` has no effect and 10 is used).
///
/// States are the `C` candidates (an absent candidate has frequency 0) plus one unvoiced state. Local cost of candidate `i` with voicing `v`
/// and frequency `f`: `wLocal (-ln clip(v, 0.01, 1) + wThr [v < 0.7]) + wRange g(f)` with a range penalty `g`
/// (0 for 100–350 Hz, rising outside); the unvoiced state costs `wLocal · wThr` when any candidate has
/// `v ≥ 0.7`. Voiced-to-voiced transitions cost `wTvv |r| + wTvvd |r - r_prev|`, `r = ln(f_t / f_{t-1})`
/// (`r_prev` is whichever ratio openSMILE evaluated last, as it keeps one running value); voicing changes cost
/// `wTvuv`, and unvoiced-to-unvoiced costs 1. Decisions are made incrementally as openSMILE does: a frame is
/// fixed once all surviving paths agree on it, or forced from the cheapest path when 40 frames are pending.
/// Reference: Luengo et al. (2007), "Evaluation of pitch detection algorithms under real conditions", ICASSP.
struct EgemapsPitchSmoother: Sendable {
    private static let bufferLength = 40
    private static let wLocal = 2.0, wTvv = 10.0, wTvvd = 10.0, wTvuv = 10.0, wThr = 4.0, wRange = 1.0
    private static let voicingThreshold: Float = 0.7

    /// Smoothed F0 in Hz per frame (0 = unvoiced), and how many leading frames were decided before the last
    /// (partial) frame arrived: openSMILE's functionals see only those, as they run before the end-of-input flush.
    static func smooth(_ frames: [EgemapsPitchCandidates.Frame]) -> (f0: [Float], decided: Int) {
        guard let first = frames.first else { return ([], 0) }
        let states = first.frequencies.count + 1
        let unvoiced = states - 1
        let buflen = bufferLength
        var lastChange = 1.0

        func rangeWeight(_ f: Float) -> Double {
            let f = Double(f)
            if f > 0 && f < 100 { return -f / 100 + 1 }
            if f >= 100 && f < 350 { return 0 }
            if f >= 350 && f < 600 { return (f - 350) / 250 }
            if f >= 600 { return 1.2 }
            return 2
        }
        func localCost(_ i: Int, _ frame: EgemapsPitchCandidates.Frame) -> Double {
            if i < unvoiced {
                let pv = min(max(Double(frame.voicings[i]), 0.01), 1)
                let thr = Float(pv) < voicingThreshold ? wThr : 0
                return (-log(pv) + thr) * wLocal + rangeWeight(frame.frequencies[i]) * wRange
            }
            let anyVoiced = frame.voicings.contains { $0 >= voicingThreshold }
            return wLocal * (anyVoiced ? wThr : 0)
        }
        func transitionCost(_ current: Int, _ previous: Int, _ a: EgemapsPitchCandidates.Frame,
                            _ b: EgemapsPitchCandidates.Frame) -> Double {
            if current < unvoiced && previous < unvoiced {
                let f0 = a.frequencies[previous], f1 = b.frequencies[current]
                if f0 == 0 || f1 == 0 { return 999 }
                let r = log(Double(f1 / f0))
                let x = wTvv * abs(r) + wTvvd * abs(r - lastChange)
                lastChange = r
                return x
            }
            if current != previous || current < unvoiced {
                lastChange = 0
                return wTvuv
            }
            // openSMILE's unvoiced-to-unvoiced test never matches (`i == j == n-1`), so this falls through to 1.
            return 1
        }

        var paths = [[Int]](repeating: [Int](repeating: 0, count: buflen), count: states)
        var costs = [Double](repeating: 0, count: states)
        var best = [Int](repeating: 0, count: buflen)
        var output: [Float] = []
        output.reserveCapacity(frames.count)
        var pathIndex = 0, converged = -1, read = 0
        var decided = 0

        func emit(upTo last: Int) {
            while read <= last {
                let state = best[read % buflen]
                output.append(state < unvoiced ? frames[read].frequencies[state] : 0)
                read += 1
            }
        }

        for (t, frame) in frames.enumerated() {
            if pathIndex == 0 {
                for i in 0..<states {
                    costs[i] = localCost(i, frame)
                    paths[i][0] = i
                }
            } else {
                let previous = frames[t - 1]
                var newPaths = paths
                var newCosts = costs
                for i in 0..<states {
                    var minState = 0
                    var minCost = transitionCost(i, 0, previous, frame) + costs[0]
                    for j in 1..<states {
                        let c = transitionCost(i, j, previous, frame) + costs[j]
                        if c < minCost { minState = j; minCost = c }
                    }
                    newCosts[i] = minCost + localCost(i, frame)
                    newPaths[i] = paths[minState]
                    newPaths[i][pathIndex % buflen] = i
                }
                paths = newPaths
                costs = newCosts
            }
            pathIndex += 1
            if pathIndex - converged > buflen {
                var minState = 0
                for i in 1..<states where costs[i] < costs[minState] { minState = i }
                converged += 1
                best[converged % buflen] = paths[minState][converged % buflen]
            } else {
                var n = converged + 1
                while n < pathIndex {
                    let x = paths[0][n % buflen]
                    if (1..<states).contains(where: { paths[$0][n % buflen] != x }) { break }
                    converged += 1
                    best[converged % buflen] = x
                    n += 1
                }
            }
            emit(upTo: converged)
            if t == frames.count - 2 { decided = converged + 1 }
        }
        var minState = 0
        for i in 1..<states where costs[i] < costs[minState] { minState = i }
        while converged + 1 < pathIndex {
            converged += 1
            best[converged % buflen] = paths[minState][converged % buflen]
        }
        emit(upTo: converged)
        return (output, decided)
    }

    /// F0 in semitones above 27.5 Hz as eGeMAPS reports it: 0 when unvoiced, 1 below 29.136 Hz.
    static func semitones(_ f0: Float) -> Float {
        if f0 > 29.136 { return 12 * Float(log(Double(f0 / 27.5))) / Float(log(2.0)) }
        return f0 > 0 ? 1 : 0
    }
}
