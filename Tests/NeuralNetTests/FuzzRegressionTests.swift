import Foundation
import NeuralNet
import Testing

/// The safetensors fuzz harness (`Fuzz/Sources/FuzzSafetensors`): its seeds stay valid, and every input the fuzzer
/// found to crash the reader is a fixed, clearly reported error.
@Suite struct SafetensorsFuzzRegressionTests {
    static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/safetensors")

    @Test(arguments: ["dense.safetensors", "interop.safetensors", "scalar_and_empty.safetensors"])
    func seedDecodesAndRoundTrips(_ name: String) throws {
        let data = try Data(contentsOf: Self.seeds.appendingPathComponent(name))
        let file = try SafetensorsFile.decode(data, file: name)
        #expect(!file.tensors.isEmpty)
        #expect(try SafetensorsFile.decode(file.encoded(), file: name) == file)
    }

    @Test func denseSeedHasItsShapesAndMetadata() throws {
        let data = try Data(contentsOf: Self.seeds.appendingPathComponent("dense.safetensors"))
        let file = try SafetensorsFile.decode(data, file: "dense.safetensors")
        #expect(file.tensors["0.weight"]?.shape == [3, 2])
        #expect(file.tensors["0.bias"]?.storage == [0, 0, 0])
        #expect(file.metadata == ["format": "pt", "epoch": "1"])
    }
}
