import AudioFeatures
import Foundation
import Testing

/// librosa-style property tests (`test_melfb`, STFT framing, MFCC under the orthonormal DCT).
@Suite struct SpectralPropertyTests {
    struct BankCase: CustomTestStringConvertible, Sendable {
        let sampleRate: Int, fftSize: Int, melCount: Int, scale: MelScale, normalization: MelNormalization
        var testDescription: String { "sr=\(sampleRate) n_fft=\(fftSize) n_mels=\(melCount) \(scale) \(normalization)" }
    }

    static let banks = [
        BankCase(sampleRate: 16000, fftSize: 512, melCount: 40, scale: .htk, normalization: .none),
        BankCase(sampleRate: 22050, fftSize: 2048, melCount: 128, scale: .slaney, normalization: .slaney),
        BankCase(sampleRate: 48000, fftSize: 1024, melCount: 64, scale: .htk, normalization: .slaney),
    ]

    @Test(arguments: banks) func filterBankShapeNonNegativityAndAscendingPeaks(_ c: BankCase) {
        let bank = MelFilterbank(sampleRate: c.sampleRate, fftSize: c.fftSize, melCount: c.melCount,
                                 scale: c.scale, normalization: c.normalization)
        let dense = bank.matrix
        let bins = c.fftSize / 2 + 1
        #expect(dense.count == c.melCount * bins)
        #expect(dense.allSatisfy { $0 >= 0 })
        var previousPeak = -1
        for i in 0..<c.melCount {
            let row = dense[i * bins..<(i + 1) * bins]
            guard let peak = row.indices.max(by: { row[$0] < row[$1] }) else { continue }
            #expect(row[peak] > 0, "filter \(i) is empty")
            #expect(peak - i * bins >= previousPeak, "filter \(i) peaks at bin \(peak - i * bins) before \(previousPeak)")
            previousPeak = peak - i * bins
            if c.normalization == .none { #expect(row[peak] <= 1) }
        }
    }

    @Test(arguments: [(16000, 512, 1000.0), (22050, 2048, 440.0), (48000, 1024, 9375.0)])
    func pureTonePeaksInItsBin(_ sampleRate: Int, _ fftSize: Int, _ frequency: Double) {
        let samples = (0..<(4 * fftSize)).map { Float(0.5 * sin(2 * Double.pi * frequency * Double($0) / Double(sampleRate))) }
        let spectrum = STFT(fftSize: fftSize, hopLength: fftSize / 4, center: false).spectrogram(samples, power: 2)
        let expectedBin = Int((frequency * Double(fftSize) / Double(sampleRate)).rounded())
        for t in 0..<spectrum.frameCount {
            let row = spectrum.values[t * spectrum.featureCount..<(t + 1) * spectrum.featureCount]
            let peak = row.indices.max(by: { row[$0] < row[$1] })! - t * spectrum.featureCount
            #expect(peak == expectedBin, "frame \(t) peaks at bin \(peak)")
        }
    }

    @Test(arguments: [(1000, 512, 160, false), (16000, 400, 160, false), (511, 512, 128, false), (1000, 512, 160, true), (7, 2048, 512, true)])
    func frameCountFollowsTheFormula(_ n: Int, _ fftSize: Int, _ hop: Int, _ center: Bool) {
        let stft = STFT(fftSize: fftSize, hopLength: hop, center: center)
        let expected = center ? 1 + n / hop : (n < fftSize ? 0 : 1 + (n - fftSize) / hop)
        #expect(stft.frameCount(sampleCount: n) == expected)
        #expect(stft.spectrogram([Float](repeating: 0.1, count: n)).frameCount == expected)
    }

    @Test func firstCoefficientIsScaledSumOfLogMel() throws {
        var logMelConfiguration = LogMel.Configuration(sampleRate: 16000, fftSize: 512, hopLength: 160, windowLength: 400,
                                                       melCount: 40, topDB: nil)
        logMelConfiguration.maxFrequency = 8000
        let mfcc = try MFCC(.init(logMel: logMelConfiguration, coefficientCount: 13))
        let logMel = try LogMel(logMelConfiguration)
        var generator = SplitMix64(seed: 7)
        let samples = (0..<4000).map { _ in Float(generator.nextUnit() - 0.5) }
        let c = mfcc.extract(samples), s = logMel.extract(samples)
        #expect(c.frameCount == s.frameCount && c.featureCount == 13)
        for t in 0..<c.frameCount {
            let sum = (0..<40).reduce(0.0) { $0 + Double(s[t, $1]) }
            #expect(abs(Double(c[t, 0]) - sum / sqrt(40)) <= 1e-3 * abs(sum / sqrt(40)) + 1e-3)
        }
    }

    @Test func powerToDBClipsToTopDBBelowThePeak() {
        let values = powerToDB([1, 1e-3, 1e-12, 100], ref: .value(1), amin: 1e-10, topDB: 80)
        #expect(values.map { ($0 * 1000).rounded() / 1000 } == [0, -30, -60, 20])
        let relative = powerToDB([4, 2, 1], ref: .max, amin: 1e-10, topDB: nil)
        #expect(abs(relative[0]) < 1e-6 && abs(relative[1] + 3.0103) < 1e-3 && abs(relative[2] + 6.0206) < 1e-3)
    }

    @Test func fixLengthPadsAndCuts() {
        #expect(fixLength([1, 2, 3], count: 5) == [1, 2, 3, 0, 0])
        #expect(fixLength([1, 2, 3], count: 2) == [1, 2])
    }

    @Test func normalisationHelpersHitTheirTargets() {
        let samples: [Float] = [0.1, -0.4, 0.2, 0]
        #expect(peakNormalized(samples).map(abs).max() == 1)
        let scaled = rmsNormalized(samples, target: 0.05)
        let rms = (scaled.reduce(0.0) { $0 + Double($1 * $1) } / 4).squareRoot()
        #expect(abs(rms - 0.05) < 1e-6)
        #expect(peakNormalized([0, 0]) == [0, 0])
    }

    @Test func resamplerLengthIsLibrosasCeiling() throws {
        for (n, from, to) in [(1000, 48000, 16000), (1001, 22050, 16000), (1, 16000, 48000)] {
            let out = try Resampler.resample([Float](repeating: 0.25, count: n), from: from, to: to)
            #expect(out.count == Int((Double(n) * Double(to) / Double(from)).rounded(.up)))
        }
    }
}

/// A small seeded generator (SplitMix64) so test signals are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// The FFT behind the STFT (split real transform for even sizes, FFTW r2c for odd) against a naive DFT.
@Suite struct FourierTransformTests {
    @Test(arguments: [16, 15, 512, 9])
    func stftMagnitudeMatchesANaiveDFT(_ size: Int) {
        var generator = SplitMix64(seed: UInt64(size))
        let samples = (0..<(3 * size)).map { _ in Float(generator.nextUnit() * 2 - 1) }
        let stft = STFT(fftSize: size, hopLength: size, window: .hamming, center: false)
        let window = WindowFunction.hamming.values(length: size)
        let observed = stft.spectrogram(samples, power: 1)
        #expect(observed.frameCount == 3 && observed.featureCount == size / 2 + 1)
        for t in 0..<3 {
            for k in 0...(size / 2) {
                var re = 0.0, im = 0.0
                for n in 0..<size {
                    let x = Double(samples[t * size + n] * window[n])
                    re += x * cos(-2 * Double.pi * Double(k * n) / Double(size))
                    im += x * sin(-2 * Double.pi * Double(k * n) / Double(size))
                }
                let expected = (re * re + im * im).squareRoot()
                #expect(abs(Double(observed[t, k]) - expected) <= 1e-4 * Double(size), "frame \(t) bin \(k)")
            }
        }
    }
}

/// Extractors share FFT plans across threads; concurrent results must equal serial ones bit for bit.
@Suite struct ConcurrentExtractionTests {
    @Test func concurrentExtractionMatchesSerial() throws {
        var generator = SplitMix64(seed: 11)
        let samples = (0..<9000).map { _ in Float(generator.nextUnit() - 0.5) }
        // Sizes no other test uses, so plan creation itself also races.
        let extractors = try [384, 640, 768, 896].map { size in
            try MFCC(.init(logMel: .init(sampleRate: 16000, fftSize: size, hopLength: 128, melCount: 32), coefficientCount: 13))
        }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var matrices: [Int: FeatureMatrix] = [:]
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let matrix = extractors[i % 4].extract(samples)
            results.lock.lock()
            defer { results.lock.unlock() }
            if let previous = results.matrices[i % 4] { #expect(previous == matrix) }
            results.matrices[i % 4] = matrix
        }
        for (i, extractor) in extractors.enumerated() {
            #expect(results.matrices[i] == extractor.extract(samples))
        }
    }
}
