import EmotionCorpus
import Foundation
import Testing

/// `ContentHash` against the FIPS 180-2 / NIST example digests, and streaming against one-shot hashing.
@Suite struct FeatureCacheHashTests {
    struct Vector: Sendable, CustomStringConvertible {
        let message: String
        let digest: String
        var description: String { String(message.prefix(12)) }
    }

    static let vectors: [Vector] = [
        Vector(message: "", digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Vector(message: "abc", digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Vector(message: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
               digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]

    @Test(arguments: vectors) func matchesNistDigest(_ vector: Vector) {
        #expect(ContentHash.hex(of: vector.message) == vector.digest)
    }

    @Test func millionAsMatchesNistDigest() {
        var hash = ContentHash()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hash.update(chunk) }
        #expect(hash.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingInOddPiecesEqualsOneShot() {
        var random = CorpusRandom(seed: 3, 1)
        let bytes = (0..<10_007).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        var pieces = ContentHash()
        var dataPieces = ContentHash()
        var start = 0
        for size in [1, 63, 64, 65, 127, 3, 5000] + [Int](repeating: 1000, count: 10) where start < bytes.count {
            let end = min(bytes.count, start + size)
            pieces.update(bytes[start..<end])
            dataPieces.update(Data(bytes[start..<end]))
            start = end
        }
        let oneShot = ContentHash.hex(of: bytes)
        #expect(pieces.hexDigest() == oneShot)
        #expect(dataPieces.hexDigest() == oneShot)
    }

    @Test func fileHashEqualsBytesHashAndMissingFileThrows() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hash-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = (0..<3_000_001).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let path = directory.appendingPathComponent("a.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try ContentHash.ofFile(path) == ContentHash.hex(of: bytes))
        #expect(throws: ContentHashError.self) { try ContentHash.ofFile(path + ".missing") }
    }
}
