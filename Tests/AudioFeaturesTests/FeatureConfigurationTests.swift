import AudioFeatures
import Foundation
import Testing

/// Decoding fills librosa's defaults, validation rejects out-of-range values with keras-style messages.
@Suite struct FeatureConfigurationTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test func emptyMappingGivesLibrosaDefaults() throws {
        let mfcc = try decode(MFCC.Configuration.self, "{}")
        #expect(mfcc == MFCC.Configuration())
        #expect(mfcc.logMel.sampleRate == 22050 && mfcc.logMel.fftSize == 2048 && mfcc.logMel.hopLength == 512)
        #expect(mfcc.logMel.melCount == 128 && mfcc.coefficientCount == 20 && mfcc.logMel.topDB == 80)
        #expect(mfcc.logMel.melScale == .slaney && mfcc.logMel.normalization == .slaney && mfcc.lifter == 0)
        let spectrogram = try decode(Spectrogram.Configuration.self, "{}")
        #expect(spectrogram.power == 1 && spectrogram.hopLength == nil && spectrogram.amin == nil)
        #expect(try Spectrogram(spectrogram).stft.hopLength == 512)
        let quarter = try decode(LogMel.Configuration.self, #"{"n_fft": 512, "win_length": 400, "hop_length": null}"#)
        #expect(quarter.hopLength == 100)
    }

    @Test func snakeCaseKeysDecodeAndRoundTrip() throws {
        let json = """
        {"sample_rate": 16000, "n_fft": 512, "hop_length": 160, "win_length": 400, "window": "hamming",
         "center": false, "pad_mode": "reflect", "n_mels": 64, "fmin": 20, "fmax": 7600, "htk": true, "norm": "none",
         "power": 1, "n_mfcc": 40, "dct_type": 2, "lifter": 22, "ref": "max", "amin": 1e-5, "top_db": null,
         "deltas": true, "delta_width": 5}
        """
        let c = try decode(MFCC.Configuration.self, json)
        #expect(c.logMel.windowLength == 400 && c.logMel.window == .hamming && !c.logMel.center)
        #expect(c.logMel.padMode == .reflect && c.logMel.melScale == .htk && c.logMel.normalization == MelNormalization.none)
        #expect(c.logMel.ref == .max && c.logMel.topDB == nil && c.deltas && c.logMel.deltaWidth == 5)
        let encoded = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(MFCC.Configuration.self, from: encoded) == c)
        let keys = Set(MFCC.Configuration.CodingKeys.allCases.map(\.rawValue))
        let written = try JSONSerialization.jsonObject(with: encoded) as? [String: Any]
        #expect(Set(written?.keys.map { $0 } ?? []) == keys)
        #expect(try MFCC(c).featureCount == 120)
    }

    struct ErrorCase: CustomTestStringConvertible, Sendable {
        let json: String
        let message: String
        var testDescription: String { json }
    }

    static let errors = [
        ErrorCase(json: #"{"n_mels": 0}"#, message: "n_mels must be > 0. Received: n_mels=0"),
        ErrorCase(json: #"{"sample_rate": 16000, "fmax": 9000}"#, message: "fmax must be <= sample_rate / 2 (8000.0). Received: fmax=9000.0"),
        ErrorCase(json: #"{"n_fft": 512, "win_length": 1024}"#, message: "win_length must be in 1...n_fft (512). Received: win_length=1024"),
        ErrorCase(json: #"{"n_mels": 40, "n_mfcc": 41}"#, message: "n_mfcc must be in 1...n_mels (40). Received: n_mfcc=41"),
        ErrorCase(json: #"{"dct_type": 3}"#, message: "dct_type must be 2 (DCT-II; types 1 and 3 are not supported). Received: dct_type=3"),
        ErrorCase(json: #"{"window": "hanning"}"#, message: "window must be one of hann, hamming. Received: window=hanning"),
        ErrorCase(json: #"{"hop_length": 0}"#, message: "hop_length must be > 0. Received: hop_length=0"),
        ErrorCase(json: #"{"delta_width": 4}"#, message: "delta_width must be odd and >= 3. Received: delta_width=4"),
        ErrorCase(json: #"{"lifter": -1}"#, message: "lifter must be >= 0. Received: lifter=-1.0"),
        ErrorCase(json: #"{"top_db": -3}"#, message: "top_db must be >= 0 or null. Received: top_db=-3.0"),
        ErrorCase(json: #"{"fmin": 9000, "fmax": 8000}"#, message: "fmin must be < fmax (8000.0). Received: fmin=9000.0"),
    ]

    @Test(arguments: errors) func outOfRangeValuesAreRejected(_ c: ErrorCase) {
        do {
            _ = try decode(MFCC.Configuration.self, c.json)
            Issue.record("\(c.json) decoded without error")
        } catch let error as FeatureConfigurationError {
            #expect(error.description == c.message)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func cacheKeyNamesTheExtractorAndChangesWithEveryOutputAffectingField() throws {
        let base = try MFCC(.init())
        var changed = MFCC.Configuration()
        changed.logMel.amin = 1e-5
        #expect(base.cacheKey.hasPrefix("mfcc {"))
        #expect(base.cacheKey != (try MFCC(changed)).cacheKey)
        #expect(base.cacheKey == (try MFCC(try decode(MFCC.Configuration.self, "{}"))).cacheKey)
        #expect(try LogMel(.init()).cacheKey.hasPrefix("logmel {"))
    }

    @Test func featureCountIsKnownBeforeAudio() throws {
        #expect(try LogMel(.init(melCount: 64, deltas: true)).featureCount == 192)
        #expect(try MFCC(.init(coefficientCount: 13)).featureCount == 13)
        #expect(try Spectrogram(.init(fftSize: 512)).featureCount == 257)
        let extracted = try LogMel(.init(sampleRate: 16000, fftSize: 512, hopLength: 160, melCount: 64, deltas: true))
            .extract([Float](repeating: 0.01, count: 1600))
        #expect(extracted.featureCount == 192 && extracted.frameCount == 11)
    }
}
