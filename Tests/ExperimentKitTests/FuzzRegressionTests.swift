import ExperimentKit
import Foundation
import Testing

/// The spec and `--where` fuzz harnesses (`Fuzz/Sources/FuzzSpec`, `FuzzWhere`): their seeds parse, and every
/// input the fuzzer found to crash a parser is a fixed, clearly reported error.
@Suite struct SpecFuzzRegressionTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    static func seedNames(_ harness: String) -> [String] {
        let names = try? FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent(harness).path)
        return (names ?? []).sorted()
    }

    @Test func everyHarnessHasSeeds() {
        for harness in ["spec", "where"] { #expect(Self.seedNames(harness).count >= 4, "\(harness)") }
    }

    @Test(arguments: seedNames("spec"))
    func specSeedParsesAsAMapping(_ name: String) throws {
        let url = Self.corpus.appendingPathComponent("spec/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        if name == "quoted.yaml" {
            // The seed is a two-document stream on purpose; specs are one document.
            #expect(throws: SpecErrors.self) { try SpecLoader().parse(text, file: name) }
            return
        }
        let tree = try SpecLoader().parse(text, file: name)
        #expect(tree.entries?.isEmpty == false)
    }

    @Test(arguments: seedNames("where"))
    func whereSeedParses(_ name: String) throws {
        let text = try String(contentsOf: Self.corpus.appendingPathComponent("where/\(name)"), encoding: .utf8)
        _ = try WhereExpression.parse(text)
    }
}
