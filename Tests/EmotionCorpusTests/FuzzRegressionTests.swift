import EmotionCorpus
import Foundation
import Testing

/// The manifest fuzz harness (`Fuzz/Sources/FuzzManifest`): its seeds parse, and every input the fuzzer found to
/// crash the reader is a fixed, clearly reported error.
@Suite struct ManifestFuzzRegressionTests {
    static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/manifest")

    /// The seeds list clips that do not exist next to them, so each parses fully and ends as an empty corpus.
    @Test(arguments: [("basic.csv", 2), ("bom_crlf.csv", 2), ("columns.csv", 2), ("header_only.csv", 0)])
    func seedParsesEveryRow(_ name: String, rows: Int) throws {
        let path = Self.seeds.appendingPathComponent(name).path
        #expect { try ManifestSource(.init(path: path)).load() } throws: { error in
            guard case CorpusError.emptyCorpus(let named, let reason)? = error as? CorpusError else { return false }
            return named == path && reason == "\(rows) rows, \(rows) skipped"
        }
    }
}
