import Foundation
import NeuralNet
import Testing

/// Tampered checkpoints: a valid file written by `Checkpoint.save` is mutated byte- or header-wise, and loading it
/// must throw one `CheckpointError` naming the file and, where there is one, the tensor; never trap.
@Suite struct HostileCheckpointTests {
    /// Dense(3 → 2): `0.bias` [2] at bytes 0..<8 and `0.weight` [2, 3] at 8..<32 of the data section.
    static func model() throws -> Sequential {
        try Sequential([Dense(inputSize: 3, outputSize: 2)], inputShape: [3])
    }

    /// The bytes `Checkpoint.save` writes for `model()`.
    static func validFile() throws -> Data {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("exp-hostile-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(try model(), metadata: ["kind": "test"], to: url)
        return try Data(contentsOf: url)
    }

    /// Splits a file into its JSON header text and data section.
    static func split(_ data: Data) -> (header: String, body: Data) {
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return (String(decoding: data[8 ..< 8 + length], as: UTF8.self), data.dropFirst(8 + length))
    }

    /// A file with `header` (unpadded) and `body`.
    static func join(_ header: String, _ body: Data) -> Data {
        let bytes = Data(header.utf8)
        return Data((0 ..< 8).map { UInt8(truncatingIfNeeded: bytes.count >> (8 * $0)) }) + bytes + body
    }

    /// A header edit: `old` must occur in the header written by the library.
    static func editing(_ old: String, _ new: String) -> @Sendable (Data) -> Data {
        { data in
            let (header, body) = split(data)
            precondition(header.contains(old), "'\(old)' not in \(header)")
            return join(header.replacingOccurrences(of: old, with: new), body)
        }
    }

    static func withLength(_ length: UInt64) -> @Sendable (Data) -> Data {
        { data in Data((0 ..< 8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }) + data.dropFirst(8) }
    }

    struct Mutation: CustomTestStringConvertible, Sendable {
        let id: String
        let mutate: @Sendable (Data) -> Data
        /// The message after `<file>: `.
        let message: String
        var testDescription: String { id }
    }

    static let mutations: [Mutation] = [
        Mutation(id: "empty file", mutate: { _ in Data() },
                 message: "truncated safetensors file: 0 bytes, expected at least 8 (the header length)"),
        Mutation(id: "cut inside the length", mutate: { $0.prefix(5) },
                 message: "truncated safetensors file: 5 bytes, expected at least 8 (the header length)"),
        Mutation(id: "cut inside the header", mutate: { $0.prefix(40) },
                 message: "safetensors header length 160 is invalid for a file of 40 bytes (must be at most 100000000 and at most the file size − 8)"),
        Mutation(id: "cut inside the data", mutate: { $0.dropLast(4) },
                 message: "tensor '0.weight' has data_offsets [8, 32] outside the data section of 28 bytes"),
        Mutation(id: "header length larger than the file", mutate: withLength(1_000),
                 message: "safetensors header length 1000 is invalid for a file of 200 bytes (must be at most 100000000 and at most the file size − 8)"),
        Mutation(id: "header length 2^60", mutate: withLength(1 << 60),
                 message: "safetensors header length 1152921504606846976 is invalid for a file of 200 bytes (must be at most 100000000 and at most the file size − 8)"),
        Mutation(id: "header length 2^64 - 1", mutate: withLength(.max),
                 message: "safetensors header length 18446744073709551615 is invalid for a file of 200 bytes (must be at most 100000000 and at most the file size − 8)"),
        Mutation(id: "header length zero", mutate: withLength(0), message: "invalid safetensors header: not valid JSON"),
        Mutation(id: "invalid JSON", mutate: editing("{\"__metadata__\"", "{{\"__metadata__\""),
                 message: "invalid safetensors header: not valid JSON"),
        Mutation(id: "header is a list", mutate: { data in join("[1, 2]", split(data).body) },
                 message: "invalid safetensors header: expected a JSON object"),
        Mutation(id: "deeply nested JSON", mutate: { data in
            join("{\"x\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}", split(data).body)
        }, message: "invalid safetensors header: not valid JSON"),
        Mutation(id: "metadata not strings", mutate: editing("\"kind\":\"test\"", "\"kind\":7"),
                 message: "invalid safetensors header: __metadata__ must map strings to strings"),
        Mutation(id: "wrong dtype", mutate: editing("\"dtype\":\"F32\",\"shape\":[2],", "\"dtype\":\"F64\",\"shape\":[2],"),
                 message: "tensor '0.bias' has dtype F64; only F32 is supported"),
        Mutation(id: "dtype not a string", mutate: editing("\"dtype\":\"F32\",\"shape\":[2],", "\"dtype\":32,\"shape\":[2],"),
                 message: "tensor '0.bias': invalid header entry: dtype must be a string such as \"F32\""),
        Mutation(id: "shape disagrees with bytes", mutate: editing("\"shape\":[2,3]", "\"shape\":[3,3]"),
                 message: "tensor '0.weight' of shape [3, 3] needs 36 bytes, its offsets span 24"),
        Mutation(id: "negative dimension", mutate: editing("\"shape\":[2,3]", "\"shape\":[-2,-3]"),
                 message: "tensor '0.weight': invalid header entry: shape must be a list of non-negative integers, got [-2,-3]"),
        Mutation(id: "fractional dimension", mutate: editing("\"shape\":[2,3]", "\"shape\":[2,3.5]"),
                 message: "tensor '0.weight': invalid header entry: shape must be a list of non-negative integers, got [2,3.5]"),
        Mutation(id: "dimensions whose product overflows", mutate: editing("\"shape\":[2,3]", "\"shape\":[4611686018427387904,4]"),
                 message: "tensor '0.weight' of shape [4611686018427387904, 4] needs more bytes than a file can hold, its offsets span 24"),
        Mutation(id: "dimension that wraps to the right byte count", mutate: editing("\"shape\":[2,3]", "\"shape\":[4611686018427387910]"),
                 message: "tensor '0.weight' of shape [4611686018427387910] needs more bytes than a file can hold, its offsets span 24"),
        Mutation(id: "dimension beyond Int64", mutate: editing("\"shape\":[2,3]", "\"shape\":[99999999999999999999]"),
                 message: "tensor '0.weight': invalid header entry: shape must be a list of non-negative integers, got [99999999999999999999]"),
        Mutation(id: "offsets overlap", mutate: editing("\"data_offsets\":[8,32]", "\"data_offsets\":[4,28]"),
                 message: "tensor '0.weight' overlaps tensor '0.bias'"),
        Mutation(id: "offsets past the end", mutate: editing("\"data_offsets\":[8,32]", "\"data_offsets\":[8,40]"),
                 message: "tensor '0.weight' has data_offsets [8, 40] outside the data section of 32 bytes"),
        Mutation(id: "offsets reversed", mutate: editing("\"data_offsets\":[8,32]", "\"data_offsets\":[32,8]"),
                 message: "tensor '0.weight' has data_offsets [32, 8] outside the data section of 32 bytes"),
        Mutation(id: "offsets huge", mutate: editing("\"data_offsets\":[8,32]", "\"data_offsets\":[9223372036854775807,9223372036854775807]"),
                 message: "tensor '0.weight' has data_offsets [9223372036854775807, 9223372036854775807] outside the data section of 32 bytes"),
        Mutation(id: "offsets not a pair", mutate: editing("\"data_offsets\":[8,32]", "\"data_offsets\":[8]"),
                 message: "tensor '0.weight': invalid header entry: data_offsets must be [begin, end], two non-negative integers, got [8]"),
        Mutation(id: "bytes no tensor covers", mutate: { $0 + Data(count: 4) },
                 message: "data section of 36 bytes has bytes at offset 32 that no tensor covers"),
        Mutation(id: "gap between tensors", mutate: editing("\"data_offsets\":[0,8]", "\"data_offsets\":[0,4]")
                 >>> editing("\"shape\":[2],", "\"shape\":[1],"),
                 message: "data section of 32 bytes has bytes at offset 4 that no tensor covers"),
        Mutation(id: "duplicate tensor name", mutate: editing("\"0.weight\"", "\"0.bias\""),
                 message: "tensor '0.bias': invalid header entry: the name appears more than once"),
        Mutation(id: "duplicate name spelt with an escape", mutate: editing("\"0.weight\"", "\"0.bia\\u0073\""),
                 message: "tensor '0.bias': invalid header entry: the name appears more than once"),
        Mutation(id: "missing tensor", mutate: editing("\"0.weight\"", "\"0.weigh\""),
                 message: "missing tensor '0.weight'"),
        Mutation(id: "tensor of another shape", mutate: editing("\"shape\":[2,3]", "\"shape\":[3,2]"),
                 message: "tensor '0.weight' has shape [3, 2], expected [2, 3]"),
    ]

    @Test(arguments: mutations)
    func tamperedCheckpointNamesTheProblem(_ mutation: Mutation) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("exp-hostile-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try mutation.mutate(try Self.validFile()).write(to: url)
        let model = try Self.model()
        let before = model.parameters.map(\.value)
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.load(into: model, from: url) }
        #expect(error?.description == "\(url.path): \(mutation.message)")
        #expect(model.parameters.map(\.value) == before, "a failed load must not assign anything")
    }

    @Test func theUnmutatedFileLoads() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("exp-hostile-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Self.validFile().write(to: url)
        #expect(try Checkpoint.load(into: try Self.model(), from: url) == ["kind": "test"])
        #expect(Self.split(try Self.validFile()).header.hasPrefix("{\"__metadata__\":{\"kind\":\"test\"},\"0.bias\":"))
    }

    @Test func devicesAndDirectoriesAreNotRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exp-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("best.safetensors")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/dev/zero")
        for url in [link, directory] {
            let error = #expect(throws: CheckpointError.self) { try Checkpoint.read(url) }
            #expect(error?.description == "\(url.path): cannot read the checkpoint (not a regular file)")
        }
    }

    @Test(arguments: ["1e400", "nan", "inf", "-inf", "9.3e18", "-1"])
    func tamperedOptimizerCountersAreRefused(step: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("exp-hostile-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let model = try Self.model()
        try Checkpoint.saveOptimizer(Adam(learningRate: 0.01), parameters: model.parameters, to: url)
        let data = try Data(contentsOf: url)
        #expect(Self.split(data).header.contains("\"optimizer.step\":\"0.0\""))
        try Self.editing("\"optimizer.step\":\"0.0\"", "\"optimizer.step\":\"\(step)\"")(data).write(to: url)
        let error = #expect(throws: CheckpointError.self) {
            try Checkpoint.loadOptimizer(into: Adam(learningRate: 0.01), parameters: model.parameters, from: url)
        }
        #expect(error?.description == "\(url.path): metadata 'optimizer.step' is '\(step)', expected 'a whole count from 0 to 2^53'")
    }

    @Test func everyTruncationIsAnError() throws {
        let data = try Self.validFile()
        for length in 0 ..< data.count {
            #expect(throws: CheckpointError.self, "length \(length)") { try SafetensorsFile.decode(data.prefix(length), file: "F") }
        }
    }

    @Test func randomByteFlipsNeverTrap() throws {
        let data = try Self.validFile()
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var rejected = 0
        for _ in 0 ..< 2_000 {
            var copy = data
            for _ in 0 ..< 1 + Int(next() % 3) {
                copy[Int(next() % UInt64(copy.count))] = UInt8(truncatingIfNeeded: next())
            }
            do {
                let file = try SafetensorsFile.decode(copy, file: "F")
                // Anything accepted must be self-consistent.
                for tensor in file.tensors.values { #expect(tensor.storage.count == tensor.shape.reduce(1, *)) }
            } catch is CheckpointError {
                rejected += 1
            }
        }
        #expect(rejected > 500, "most random flips of the header or length should be rejected, got \(rejected)")
    }
}

infix operator >>>: AdditionPrecedence
private func >>> (f: @escaping @Sendable (Data) -> Data, g: @escaping @Sendable (Data) -> Data) -> @Sendable (Data) -> Data {
    { g(f($0)) }
}
