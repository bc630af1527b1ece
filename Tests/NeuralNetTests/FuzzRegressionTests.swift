import Foundation
import NeuralNet
import Testing
import TestSupport

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

    /// Found by `FuzzSafetensors` in 2.7 million executions: a shape entry of -9223372036854775807 becomes exactly
    /// `Int.min` through `doubleValue`, and taking its absolute value trapped on overflow.
    @Test func shapeNearIntMinIsAnInvalidHeaderNotATrap() throws {
        let found = try Data(contentsOf: ReferenceData.url("fuzz/safetensors-shape-int-min.safetensors"))
        let header = #"{"w":{"dtype":"F32","shape":[-9223372036854775807,4],"data_offsets":[0,4]}}"#
        var written = Data(count: 8)
        written[0] = UInt8(header.utf8.count)
        written += Data(header.utf8) + Data(count: 4)
        for (data, tensor) in [(found, "0\t0615t"), (written, "w")] {
            #expect { try SafetensorsFile.decode(data, file: "int-min.safetensors") } throws: { error in
                guard case CheckpointError.invalidHeader("int-min.safetensors", tensor, let reason)? =
                    error as? CheckpointError else { return false }
                return reason.hasPrefix("shape must be a list of non-negative integers")
            }
        }
    }
}
