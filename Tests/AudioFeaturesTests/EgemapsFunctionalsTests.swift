@testable import AudioFeatures
import Foundation
import Testing

/// eGeMAPS v02 functionals against openSMILE 2.6 (`Tests/Reference/make_egemaps_reference.py`), and the
/// statistics on hand-made contours.
@Suite struct EgemapsFunctionalsTests {
    static let clips = EgemapsReference.shared.clips.map(\.name)

    /// The voice-quality and formant functionals (jitter … F3amplitudeLogRelF0).
    static let voiceFamily: Set<String> = Set(EgemapsNames.functionals[30..<58])

    /// All 88 functionals, by openSMILE name, on every reference clip.
    ///
    /// Means and percentiles inherit the ~1e-4 relative agreement of the contours; slope statistics divide
    /// differences of neighbouring frames by 10 ms, so they get an absolute floor of 0.05 units/s on top. Formants
    /// come from the roots of an order-11 polynomial whose coefficients openSMILE rounds to single precision, and
    /// jitter, shimmer and harmonics hinge on period and peak choices, so that family is held to 5 % (+0.005);
    /// on pure tones and hard-clipped voice (no harmonic structure / an ill-conditioned LPC) it is not compared.
    @Test(arguments: clips) func parity(name: String) throws {
        let reference = EgemapsReference.shared
        let clip = try #require(reference.clips.first { $0.name == name })
        let analysis = EgemapsAnalysis(sampleRate: 16000)
        let ours = analysis.namedFunctionals(analysis.contours(try clip.samples()))
        #expect(reference.functionalNames == EgemapsNames.functionals)
        let degenerate = ["sine220", "sine1500_quiet", "clipped_glottal130"].contains(name)
        var compared = 0
        for (i, column) in reference.functionalNames.enumerated() {
            let value = try #require(ours[column], "\(column) missing")
            let expected = clip.functionals[i]
            if Self.voiceFamily.contains(column) {
                if degenerate { continue }
                #expect(abs(Double(value) - expected) <= 0.05 * abs(expected) + 0.005,
                        "\(column): ours \(value), openSMILE \(expected)")
            } else {
                let floor = column.contains("Slope") ? 0.05 : 1e-4
                #expect(abs(Double(value) - expected) <= 2e-3 * abs(expected) + floor,
                        "\(column): ours \(value), openSMILE \(expected)")
            }
            compared += 1
        }
        #expect(compared == (degenerate ? 60 : 88))
    }

    /// The public extractor: shapes, openSMILE names, the cache key and the functionals' order.
    @Test func extractor() throws {
        let clip = try #require(EgemapsReference.shared.clips.first { $0.name == "glottal120_jitter1" })
        let samples = try clip.samples()
        let lld = try Egemaps(level: .lowLevelDescriptors)
        let functionals = try Egemaps(level: .functionals)
        let table = lld.extract(samples)
        #expect(table.frameCount == clip.lld.count && table.featureCount == 25 && lld.featureCount == 25)
        #expect(lld.columnNames == EgemapsReference.shared.lldNames)
        let row = functionals.extract(samples)
        #expect(row.frameCount == 1 && row.featureCount == 88)
        #expect(abs(Double(row[0, 0]) - clip.functionals[0]) < 1e-3, "F0 mean in column 0")
        #expect(abs(Double(table[40, 10]) - clip.lld[40][10]) < 1e-3, "F0 in LLD column 10")
        #expect(lld.cacheKey != functionals.cacheKey && lld.cacheKey.hasPrefix("egemaps_lld"))
        #expect(throws: FeatureConfigurationError.self) { try Egemaps(.init(sampleRate: 4000), level: .functionals) }
        #expect(functionals.extract([Float](repeating: 0, count: 100)).values.allSatisfy { $0.isFinite })
        #expect(lld.extract([Float](repeating: 0, count: 100)).frameCount == 0)
    }

    @Test func momentsAndPercentiles() {
        let (mean, cv) = EgemapsFunctionals.meanAndNormalisedDeviation([1, 2, 3, 4])
        #expect(mean == 2.5 && abs(cv - Float(1.25.squareRoot() / 2.5)) < 1e-6)
        // stddevNorm keeps the sign of the mean (openSMILE's compatible mode).
        #expect(EgemapsFunctionals.meanAndNormalisedDeviation([-1, -3]).stddevNorm == -0.5)
        #expect(EgemapsFunctionals.meanAndNormalisedDeviation([]).mean == 0)
        // Linear interpolation between order statistics: index p (n - 1).
        #expect(EgemapsFunctionals.percentiles([0, 10, 20, 30, 40, 50]) == [10, 25, 40, 30])
    }

    @Test func segments() {
        // A run needs 3 frames to count and a pause of 2 to end it; openSMILE measures a run from its first to its
        // last frame (frames 1…7 → 6), and a run still open at the end of input up to the second-to-last frame.
        let x: [Float] = [0, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1]
        #expect(EgemapsFunctionals.segments(x) { $0 != 0 } == [6, 2])
        #expect(EgemapsFunctionals.segments([1, 1, 0, 0, 1]) { $0 != 0 } == [])
        let s = EgemapsFunctionals.segmentStatistics([6, 2], count: 14)
        #expect(abs(s[0] - 2 / 0.14) < 1e-4 && abs(s[1] - 0.04) < 1e-6 && abs(s[2] - 0.02) < 1e-6)
    }

    @Test func slopesOfATriangle() {
        // 0 → 1 over 10 frames, back to 0 over 10: one rising and one falling slope of 10 units/s.
        let up = (0...10).map { Float($0) / 10 }
        let x = up + up.reversed().dropFirst()
        let s = EgemapsFunctionals.slopes(x)
        #expect(abs(s[0] - 10) < 1e-4 && s[1] == 0)
        #expect(abs(s[2] + 10) < 1e-4 && s[3] == 0, "the fall after the last peak is a signed difference: \(s)")
        #expect(EgemapsFunctionals.peaksPerSecond(x) == 1 / (21 * 0.01))
    }

    @Test func equivalentSoundLevel() {
        #expect(abs(EgemapsFunctionals.equivalentSoundLevel([0.01, 0.03]) - Float(10 * log10(0.02))) < 1e-5)
        #expect(EgemapsFunctionals.equivalentSoundLevel([0, 0]) == -120)
    }
}
