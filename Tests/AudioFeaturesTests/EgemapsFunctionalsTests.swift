@testable import AudioFeatures
import Foundation
import Testing

/// eGeMAPS v02 functionals against openSMILE 2.6 (`Tests/Reference/make_egemaps_reference.py`), and the
/// statistics on hand-made contours.
@Suite struct EgemapsFunctionalsTests {
    static let clips = EgemapsReference.shared.clips.map(\.name)

    /// Every functional implemented so far, by openSMILE name, on every reference clip.
    ///
    /// Means and percentiles inherit the ~1e-4 relative agreement of the contours; slope statistics divide
    /// differences of neighbouring frames by 10 ms, so they get an absolute floor of 0.05 units/s on top.
    @Test(arguments: clips) func parity(name: String) throws {
        let reference = EgemapsReference.shared
        let clip = try #require(reference.clips.first { $0.name == name })
        let analysis = EgemapsAnalysis(sampleRate: 16000)
        let ours = analysis.functionals(analysis.contours(try clip.samples()))
        var compared = 0
        for (i, column) in reference.functionalNames.enumerated() {
            guard let value = ours[column] else { continue }
            compared += 1
            let expected = clip.functionals[i]
            let floor = column.contains("Slope") ? 0.05 : 1e-4
            #expect(abs(Double(value) - expected) <= 2e-3 * abs(expected) + floor,
                    "\(column): ours \(value), openSMILE \(expected)")
        }
        #expect(compared == 60)
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
