@testable import AudioFeatures
import Foundation
import TestSupport

/// Golden data written by `Tests/Reference/make_egemaps_reference.py` (opensmile 2.6.0, eGeMAPSv02).
struct EgemapsReference: Decodable {
    struct Clip: Decodable {
        let name: String
        let file: String
        let lld: [[Double]]
        let functionals: [Double]

        /// The clip's samples as openSMILE read them (16-bit WAV, `x / 32768`).
        func samples() throws -> [Float] {
            try Audio.load(ReferenceData.url("egemaps/" + file).path).samples
        }

        /// LLD column `c` over all frames.
        func column(_ c: Int) -> [Double] { lld.map { $0[c] } }
    }

    let lldNames: [String]
    let functionalNames: [String]
    let clips: [Clip]

    enum CodingKeys: String, CodingKey {
        case clips, lldNames = "lld_names", functionalNames = "functional_names"
    }

    static let shared: EgemapsReference = {
        do { return try ReferenceData.load(EgemapsReference.self, "egemaps/egemaps_reference.json") } catch {
            preconditionFailure("cannot load egemaps/egemaps_reference.json: \(error)")
        }
    }()
}
