/// openSMILE's `cContourSmoother` with `smaWin = 3`: the `_sma3` and `_sma3nz` suffixes of eGeMAPS names.
///
/// `sma3` is the centred three-frame moving average; beyond either end of the contour the edge frame stands in
/// for its missing neighbour (openSMILE reads the contour edge-padded). `sma3nz` averages only the non-zero values of the three
/// and keeps zeros (unvoiced frames) at 0, so voiced-only descriptors are never pulled towards 0.
enum EgemapsSmoothing {
    /// Three-frame moving average with edge padding (`_sma3`).
    static func sma3(_ x: [Float]) -> [Float] {
        let n = x.count
        return (0..<n).map { t in
            let previous = x[max(t - 1, 0)]
            let next = x[min(t + 1, n - 1)]
            return (x[t] + previous + next) / 3
        }
    }

    /// Three-frame average of non-zero values, zeros kept (`_sma3nz`).
    static func sma3NonZero(_ x: [Float]) -> [Float] {
        let n = x.count
        return (0..<n).map { t in
            guard x[t] != 0 else { return 0 }
            var sum = x[t], count: Float = 1
            let previous = x[max(t - 1, 0)], next = x[min(t + 1, n - 1)]
            if previous != 0 { sum += previous; count += 1 }
            if next != 0 { sum += next; count += 1 }
            return sum / count
        }
    }
}
