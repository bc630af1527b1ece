import Foundation
import Testing
@testable import ExperimentKit

/// Feature-cache entries damaged on disk are detected, rebuilt, and the run ends as it would with a clean cache.
@Suite struct CacheCorruptionTests {
    enum Damage: String, CaseIterable, Sendable {
        case truncated, flippedPayloadByte, flippedHeaderByte, wrongVersion, empty

        func apply(to bytes: inout Data) {
            switch self {
            case .truncated: bytes = bytes.prefix(bytes.count - 7)
            case .flippedPayloadByte: bytes[bytes.count - 5] ^= 0x10
            case .flippedHeaderByte: bytes[20] ^= 0x01  // inside the key digest
            case .wrongVersion: bytes[4] = 2  // format version 2 (little endian)
            case .empty: bytes = Data()
            }
        }
    }

    @Test(arguments: Damage.allCases) func damagedEntriesAreRebuiltAndTheRunIsUnchanged(damage: Damage) throws {
        let workspace = try FaultWorkspace("cache-\(damage.rawValue)")
        defer { workspace.remove() }
        try workspace.spec("tiny", epochs: 3)
        let clean = try workspace.exp(["run", "tiny.yaml", "--runs-dir", "clean", "--threads", "1", "--quiet"])
        try #require(clean.succeeded, "\(clean.error)")
        let entries = RunIntegrity.files(under: workspace.cache).filter { $0.pathExtension == "feat" }
        #expect(entries.count == 24)
        var original: [URL: Data] = [:]
        // Damage every other entry, so hits and rebuilds mix in one run.
        for (index, entry) in entries.sorted(by: { $0.path < $1.path }).enumerated() {
            let bytes = try Data(contentsOf: entry)
            original[entry] = bytes
            guard index % 2 == 0 else { continue }
            var damaged = bytes
            damage.apply(to: &damaged)
            #expect(damaged != bytes)
            try damaged.write(to: entry)
        }

        let rerun = try workspace.exp(["run", "tiny.yaml", "--runs-dir", "damaged", "--threads", "1", "--quiet"])
        #expect(rerun.succeeded, "\(rerun.error)")
        let cleanRun = try workspace.runDirectory("clean", "tiny")
        let damagedRun = try workspace.runDirectory("damaged", "tiny")
        #expect(try Data(contentsOf: damagedRun.appendingPathComponent("metrics.json"))
                == Data(contentsOf: cleanRun.appendingPathComponent("metrics.json")))
        // Detected and rebuilt: every entry is again byte-identical to the clean one (a hit never rewrites an entry,
        // so an undetected damaged entry would still be damaged).
        for (entry, bytes) in original {
            #expect((try? Data(contentsOf: entry)) == bytes, "\(entry.lastPathComponent) was not rebuilt")
        }
        let leftovers = RunIntegrity.files(under: workspace.cache).filter { $0.pathExtension != "feat" }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// A writer killed mid-entry leaves its temporary file; the next run removes it unless its process still lives.
    @Test func temporariesOfKilledWritersAreRemoved() throws {
        let workspace = try FaultWorkspace("cache-temporaries")
        defer { workspace.remove() }
        try workspace.spec("tiny", epochs: 1)
        let first = try workspace.exp(["run", "tiny.yaml", "--runs-dir", "a", "--threads", "1", "--quiet"])
        try #require(first.succeeded, "\(first.error)")
        let entry = try #require(RunIntegrity.files(under: workspace.cache).first { $0.pathExtension == "feat" })
        let folder = entry.deletingLastPathComponent()
        let key = entry.deletingPathExtension().lastPathComponent
        // A process that has exited: its pid names no live process (until the pid is reused).
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let abandoned = folder.appendingPathComponent(".\(key).\(gone.processIdentifier).\(UUID().uuidString).tmp")
        let live = folder.appendingPathComponent(".\(key).\(getpid()).\(UUID().uuidString).tmp")
        try Data("half an entry".utf8).write(to: abandoned)
        try Data("being written".utf8).write(to: live)
        let second = try workspace.exp(["run", "tiny.yaml", "--runs-dir", "b", "--threads", "1", "--quiet"])
        #expect(second.succeeded, "\(second.error)")
        #expect(!FileManager.default.fileExists(atPath: abandoned.path))
        #expect(FileManager.default.fileExists(atPath: live.path))
    }
}
