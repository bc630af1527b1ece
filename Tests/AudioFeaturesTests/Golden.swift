import AudioFeatures
import Foundation
import TestSupport
import Testing

/// Golden data written by `Tests/Reference/make_audio_reference.py` (librosa 0.11.0, numpy 2.4.6, soxr 1.1.0).
enum Golden {
    struct Frames: Decodable {
        let frames: [Int]
        let values: [[Double]]
    }

    struct Filterbank: Decodable {
        let starts: [Int]
        let weights: [[Double]]
    }

    struct ParameterSet: Decodable, CustomTestStringConvertible {
        let name: String
        let input: String
        let config: MFCC.Configuration
        let sampleCount: Int
        let frameCount: Int
        let logmel: Frames
        let mfcc: Frames
        let filterbank: Filterbank
        let stftMagnitude: Frames
        var testDescription: String { name }

        enum CodingKeys: String, CodingKey {
            case name, input, config, logmel, mfcc, filterbank
            case sampleCount = "sample_count", frameCount = "frame_count", stftMagnitude = "stft_magnitude"
        }
    }

    struct Features: Decodable { let sets: [ParameterSet] }

    struct Load: Decodable, CustomTestStringConvertible {
        let input: String
        let sampleRate: Int?
        let offset: Double
        let duration: Double?
        let rate: Int
        let count: Int
        let head: [Double]
        let tail: [Double]
        var testDescription: String { "\(input) sr=\(sampleRate.map(String.init) ?? "native") offset=\(offset) duration=\(duration.map { "\($0)" } ?? "none")" }

        enum CodingKeys: String, CodingKey {
            case input, offset, duration, rate, count, head, tail
            case sampleRate = "sample_rate"
        }
    }

    struct Delta: Decodable, CustomTestStringConvertible {
        let width: Int
        let order: Int
        let input: [[Double]]
        let output: [[Double]]
        var testDescription: String { "width=\(width) order=\(order)" }
    }

    struct Trim: Decodable {
        let topDB: Double
        let start: Int
        let end: Int
        enum CodingKeys: String, CodingKey { case start, end, topDB = "top_db" }
    }

    struct Framewise: Decodable, CustomTestStringConvertible {
        let input: String
        let frameLength: Int
        let hopLength: Int
        let rms: [Double]
        let zcr: [Double]
        let trim: [Trim]
        var testDescription: String { "\(input) \(frameLength)/\(hopLength)" }
        enum CodingKeys: String, CodingKey {
            case input, rms, zcr, trim
            case frameLength = "frame_length", hopLength = "hop_length"
        }
    }

    struct Signals: Decodable {
        let loads: [Load]
        let deltas: [Delta]
        let framewise: [Framewise]
    }

    static let features: Features = load(Features.self, "features.json")
    static let signals: Signals = load(Signals.self, "signals.json")

    static func path(_ name: String) -> String { ReferenceData.url("audio/\(name)").path }

    private static func load<T: Decodable>(_ type: T.Type, _ name: String) -> T {
        do {
            return try ReferenceData.load(T.self, "audio/\(name)")
        } catch {
            preconditionFailure("cannot read golden file audio/\(name): \(error)")
        }
    }
}

/// The largest absolute difference between `observed` and `expected`, and where it is.
func maxDifference(_ observed: [Float], _ expected: [Double]) -> (value: Double, index: Int) {
    var worst = (value: 0.0, index: -1)
    for (i, (o, e)) in zip(observed, expected).enumerated() {
        let d = abs(Double(o) - e)
        if d > worst.value || d.isNaN { worst = (d, i) }
    }
    return worst
}
