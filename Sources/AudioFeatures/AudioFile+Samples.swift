extension AudioFile {
    /// The index of the first NaN or ±Inf, found with a branch-free pass first.
    ///
    /// A float is not finite when all its exponent bits are set; adding one exponent step then carries into
    /// bit 31, which no finite value reaches. The pass is AND/ADD/OR only, so it vectorises.
    static func firstNonFinite(_ samples: UnsafeBufferPointer<Float>) -> Int? {
        let any = samples.withMemoryRebound(to: UInt32.self) { bits in
            var flags: UInt32 = 0
            for b in bits { flags |= (b & 0x7F80_0000) &+ 0x0080_0000 }
            return flags & 0x8000_0000 != 0
        }
        return any ? samples.firstIndex(where: { !$0.isFinite }) : nil
    }

    /// Averages interleaved channels into one (`librosa.to_mono`); mono input is returned unchanged.
    public static func mixDown(_ interleaved: [Float], channelCount: Int) -> [Float] {
        precondition(channelCount > 0 && interleaved.count % channelCount == 0,
                     "mixDown: \(interleaved.count) samples do not split into \(channelCount) channels")
        guard channelCount > 1 else { return interleaved }
        let frames = interleaved.count / channelCount
        // Sum then divide (not multiply by 1/C): the same float32 rounding as numpy's mean.
        let divisor = Float(channelCount)
        var mono = [Float](repeating: 0, count: frames)
        for frame in 0..<frames {
            var sum: Float = 0
            for channel in 0..<channelCount { sum += interleaved[frame * channelCount + channel] }
            mono[frame] = sum / divisor
        }
        return mono
    }
}
