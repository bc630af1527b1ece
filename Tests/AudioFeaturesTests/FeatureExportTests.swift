import AudioFeatures
import Foundation
import Testing

/// `.npy` output (what `exp features` writes) and per-file failure reporting.
@Suite struct FeatureExportTests {
    @Test func npyHeaderAndDataAreNumpyVersionOne() {
        let matrix = FeatureMatrix(frameCount: 2, featureCount: 3, values: [1, -2, 0.5, 3, 4, 1e-3])
        let bytes = [UInt8](NPY.encode(matrix))
        #expect(Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(header.hasSuffix("\n"))
        let payload = Array(bytes[(10 + headerLength)...])
        #expect(payload.count == 24)
        let decoded = (0..<6).map { i in
            Float(bitPattern: UInt32(payload[4 * i]) | UInt32(payload[4 * i + 1]) << 8
                  | UInt32(payload[4 * i + 2]) << 16 | UInt32(payload[4 * i + 3]) << 24)
        }
        #expect(decoded == matrix.values)
    }

    @Test func writesOneFilePerInputAndReportsTheFailures() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("exp-export-\(UUID().uuidString)").path
        let set = Golden.features.sets[0]
        let extractor = try MFCC(set.config)
        let missing = out + "-missing.wav"
        let outcomes = try FeatureExport.run(inputs: [Golden.path(set.input), missing, Golden.path("features.json")],
                                             outputDirectory: out, extractor: extractor)
        #expect(outcomes.count == 3)
        guard case .success(let written) = outcomes[0].result else {
            Issue.record("the golden input failed: \(outcomes[0].result)")
            return
        }
        #expect(written.path == out + "/speech_48k_stereo.npy")
        #expect(written.frames == set.frameCount && written.features == extractor.featureCount)
        let expected = extractor.extract(try Audio.load(Golden.path(set.input), sampleRate: extractor.sampleRate).samples)
        #expect(try Data(contentsOf: URL(fileURLWithPath: written.path)) == NPY.encode(expected))
        guard case .failure(let missingError) = outcomes[1].result, case .failure(let textError) = outcomes[2].result else {
            Issue.record("bad inputs did not fail")
            return
        }
        #expect(missingError.description == "\(missing): no such file")
        #expect(textError.description.hasPrefix("\(Golden.path("features.json")): not a readable audio file"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(leftovers == ["speech_48k_stereo.npy"])
    }
}
