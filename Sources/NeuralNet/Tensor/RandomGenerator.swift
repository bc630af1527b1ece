import Foundation

/// A seeded xoshiro256** generator whose whole state is a value, so a run can save and restore it bit-exactly.
///
/// The state is seeded from one `UInt64` with SplitMix64, as recommended by the xoshiro authors
/// (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2021).
public struct RandomGenerator: RandomNumberGenerator, Codable, Sendable, Equatable {
    /// The four state words; restoring them resumes the exact same stream.
    public var state: [UInt64]

    /// A generator whose stream is fully determined by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        var words: [UInt64] = []
        for _ in 0..<4 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            words.append(Self.splitMix64Finalizer(splitMix))
        }
        state = words
    }

    /// SplitMix64's output mixing of one counter value (also used to derive unrelated seeds from one seed).
    static func splitMix64Finalizer(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        precondition(state.count == 4, "RandomGenerator state must have 4 words, got \(state.count)")
        let result = rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotl(state[3], 45)
        return result
    }

    /// A uniform value in `[0, 1)` with 24 random bits.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform value in `[low, high)`.
    public mutating func nextUniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * nextUniform()
    }

    /// A standard normal value (Box–Muller in Double).
    public mutating func nextNormal() -> Float {
        let u1 = (Double(next() >> 11) + 0.5) * 0x1.0p-53
        let u2 = Double(next() >> 11) * 0x1.0p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
