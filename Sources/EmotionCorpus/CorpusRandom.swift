import Foundation

/// A small seeded generator (SplitMix64) whose streams are derived from integer paths such as
/// `(seed, epoch, clip)`, so every random decision is reproducible and independent of evaluation order.
///
/// SplitMix64 is Steele, Lea & Flood, "Fast splittable pseudorandom number generators" (OOPSLA 2014); the
/// constants are those of Java's `SplittableRandom` and Vigna's reference `splitmix64.c`.
public struct CorpusRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts the plain SplitMix64 stream whose internal state is `state` (Vigna's `splitmix64.c` seeding).
    public init(state: UInt64) {
        self.state = state
    }

    /// Starts the stream for `path` under `seed`: a different stream for every distinct path
    /// (e.g. `CorpusRandom(seed: 7, path: [epoch, clip])`).
    public init(seed: UInt64, path: [UInt64]) {
        var mixed = CorpusRandom.mix(seed ^ 0x6A09_E667_F3BC_C908)
        for component in path {
            // Mixing after each component makes (a, b) and (b, a) different streams.
            mixed = CorpusRandom.mix(mixed &+ 0x9E37_79B9_7F4A_7C15 ^ CorpusRandom.mix(component &+ 0xBB67_AE85_84CA_A73B))
        }
        state = mixed
    }

    /// Convenience for integer paths: `CorpusRandom(seed: 7, 3, 12)`.
    public init(seed: Int, _ path: Int...) {
        self.init(seed: UInt64(bitPattern: Int64(seed)), path: path.map { UInt64(bitPattern: Int64($0)) })
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return CorpusRandom.mix(state)
    }

    /// A uniform `Double` in `[0, 1)` with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform `Double` in `[lower, upper)`.
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * nextUnit()
    }

    /// A standard normal deviate (Box–Muller; one of the pair is discarded so the stream stays stateless).
    public mutating func normal() -> Double {
        let u1 = max(nextUnit(), 0x1.0p-60)
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A uniform integer in `0..<upperBound` without modulo bias (Lemire's multiply-and-reject).
    ///
    /// Written here rather than using `Int.random(in:using:)` so streams stay identical across Swift versions.
    public mutating func index(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "CorpusRandom.index(below:) needs a positive bound, got \(upperBound)")
        let bound = UInt64(upperBound)
        let threshold = (0 &- bound) % bound
        while true {
            let product = next().multipliedFullWidth(by: bound)
            if product.low >= threshold { return Int(product.high) }
        }
    }

    /// A Fisher–Yates permutation of `0..<count`.
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        shuffle(&order)
        return order
    }

    /// Shuffles `values` in place (Fisher–Yates, Durstenfeld's variant).
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, index(below: i + 1))
        }
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
