import AudioFeatures
import CustomLayerPlugin
import Foundation
import NeuralNet
import Testing

/// Properties of the plugin feature (librosa `test_spectral_*` style): a pure tone's centroid sits at its
/// frequency with a narrow bandwidth and a near-zero flatness; white noise is flat.
@Suite struct SpectralShapeTests {
    let extractor: SpectralShape

    init() throws {
        extractor = try SpectralShape(.init(sampleRate: 16000, fftSize: 512, hopLength: 160, melCount: 20))
    }

    @Test func aToneHasItsFrequencyAsCentroidAndIsNotFlat() {
        let samples = (0..<16000).map { Float(sin(2 * Double.pi * 1000 * Double($0) / 16000)) * 0.5 }
        let features = extractor.extract(samples)
        #expect(features.featureCount == 23 && extractor.featureCount == 23)
        #expect(features.frameCount == 1 + 16000 / 160)
        // An interior frame: away from the zero padding of the centred STFT.
        let t = features.frameCount / 2
        #expect(abs(features[t, 20] - 1.0) < 0.01, "centroid \(features[t, 20]) kHz")
        #expect(features[t, 21] < 0.1, "bandwidth \(features[t, 21]) kHz")
        #expect(features[t, 22] < 1e-3, "flatness \(features[t, 22])")
    }

    @Test func whiteNoiseIsFlatAndCentredAtAQuarterOfTheRate() {
        var generator = RandomGenerator(seed: 3)
        let samples = (0..<16000).map { _ in generator.nextNormal() * 0.1 }
        let features = extractor.extract(samples)
        let t = features.frameCount / 2
        #expect(features[t, 22] > 0.3, "flatness \(features[t, 22])")
        #expect(abs(features[t, 20] - 4.0) < 0.5, "centroid \(features[t, 20]) kHz")
    }

    @Test func silenceGivesZeroCentroidAndUnitFlatness() {
        let features = extractor.extract([Float](repeating: 0, count: 1600))
        #expect(features[0, 20] == 0 && features[0, 21] == 0)
        #expect(abs(features[0, 22] - 1) < 1e-6)
    }
}
