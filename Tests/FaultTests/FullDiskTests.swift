import Foundation
import Testing
@testable import ExperimentKit

/// A full disk under the feature cache, under a run's checkpoints, and under the whole runs root at several fill
/// levels: `exp` exits non-zero naming the file it could not write, earlier runs stay byte-identical, no partial or
/// temporary file is left, and once space is back the same command finishes the run with the reference metrics.
///
/// The disk is a small tmpfs mounted for the test (root only). Where mounting is not allowed the same scenarios run
/// with a file-size limit (`RLIMIT_FSIZE`, writes fail with `EFBIG`) instead, so the test always exercises a real
/// failed write.
@Suite(.serialized) struct FullDiskTests {
    static let noSpace = "No space left on device"
    static let tooLarge = "File too large"

    /// A workspace with a completed earlier run `early` in `runs`, a reference run of `big` (an LSTM of 48 units,
    /// so checkpoints are tens of KB) in `reference`, and the feature cache warm.
    static func prepared(_ label: String, coefficients: Int = 8) throws -> (FaultWorkspace, reference: Data) {
        let workspace = try FaultWorkspace(label)
        try workspace.spec("early", epochs: 2)
        try workspace.spec("big", epochs: 3, hidden: 48, coefficients: coefficients)
        let reference = try workspace.exp(["run", "big.yaml", "--runs-dir", "reference", "--threads", "1", "--quiet"])
        try #require(reference.succeeded, "\(reference.error)")
        let metrics = try Data(contentsOf: workspace.runDirectory("reference", "big").appendingPathComponent("metrics.json"))
        return (workspace, metrics)
    }

    /// The run of `big` in `runs` holds no torn or temporary file and, after `retry` (`--retry-failed`: a run that
    /// failed on a full disk restarts, one cut short while committing an epoch resumes), completes with `reference`.
    static func expectRecoverable(_ workspace: FaultWorkspace, runs: String, reference: Data,
                                  retry: () throws -> Child.Ending) throws {
        if let run = try workspace.existingRunDirectory(runs, "big") {
            let integrity = RunIntegrity(run)
            #expect(integrity.torn.isEmpty, "\(integrity.torn)")
            #expect(integrity.temporaries.isEmpty, "left behind: \(integrity.temporaries)")
            let claims = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasPrefix(".claim") }
            #expect(claims.isEmpty, "claim left behind: \(claims)")
        }
        let retried = try retry()
        #expect(retried.succeeded, "\(retried.error)")
        let run = try workspace.runDirectory(runs, "big")
        #expect(try Data(contentsOf: run.appendingPathComponent("metrics.json")) == reference)
    }

    @Test func fullFeatureCache() throws {
        // 40 coefficients: 2.8 KB cache entries, larger than the spec and the first run.json.
        let (workspace, reference) = try Self.prepared("disk-cache", coefficients: 40)
        defer { workspace.remove() }
        let early = try workspace.exp(["run", "early.yaml", "--runs-dir", "runs", "--threads", "1", "--quiet"])
        try #require(early.succeeded, "\(early.error)")
        let before = try snapshot(workspace.root.appendingPathComponent("runs"))
        let cache = workspace.root.appendingPathComponent("small-cache")
        let arguments = ["run", "big.yaml", "--runs-dir", "runs", "--threads", "1", "--quiet"]
        let ending: Child.Ending
        let disk = SmallDisk(at: cache, kilobytes: 64)
        if let disk {
            try disk.fill(leaving: 0)
            ending = try workspace.exp(arguments, environment: ["EXP_CACHE": cache.path])
            #expect(ending.error.contains(Self.noSpace), "\(ending.error)")
        } else {
            // A 2 KB limit lets the spec and the first run.json through and fails the first cache entry.
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            ending = try workspace.exp(arguments, environment: ["EXP_CACHE": cache.path], fileSizeLimit: 2048)
            #expect(ending.error.contains(Self.tooLarge), "\(ending.error)")
        }
        #expect(!ending.killed && ending.status != 0)
        #expect(ending.error.contains(cache.path + "/v1/"), "the error names the cache entry: \(ending.error)")
        let cacheFiles = RunIntegrity.files(under: cache).map(\.lastPathComponent)
        #expect(cacheFiles.allSatisfy { $0 == "filler" }, "partial cache files: \(cacheFiles)")
        let after = try snapshot(workspace.root.appendingPathComponent("runs"))
        #expect(after.filter { $0.key.hasPrefix("/early/") } == before, "the earlier run changed")
        disk?.unmount()
        try Self.expectRecoverable(workspace, runs: "runs", reference: reference) {
            try workspace.exp(arguments + ["--retry-failed"], environment: ["EXP_CACHE": cache.path])
        }
    }

    @Test func fullCheckpointDirectory() throws {
        let (workspace, reference) = try Self.prepared("disk-checkpoints")
        defer { workspace.remove() }
        let early = try workspace.exp(["run", "early.yaml", "--runs-dir", "runs", "--threads", "1", "--quiet"])
        try #require(early.succeeded, "\(early.error)")
        let before = try snapshot(workspace.root.appendingPathComponent("runs/early"))
        let id = try workspace.runDirectory("reference", "big").lastPathComponent
        let checkpoints = workspace.root.appendingPathComponent("runs/big/\(id)/checkpoints")
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        let arguments = ["run", "big.yaml", "--runs-dir", "runs", "--threads", "1", "--quiet"]
        let ending: Child.Ending
        let disk = SmallDisk(at: checkpoints, kilobytes: 64)
        if let disk {
            try disk.fill(leaving: 8192)
            ending = try workspace.exp(arguments)
            #expect(ending.error.contains(Self.noSpace), "\(ending.error)")
        } else {
            // The model file is ~45 KB and every other file of the run smaller than 16 KB.
            ending = try workspace.exp(arguments, fileSizeLimit: 16_384)
            #expect(ending.error.contains(Self.tooLarge), "\(ending.error)")
        }
        #expect(!ending.killed && ending.status != 0)
        #expect(ending.error.contains(checkpoints.path), "the error names the checkpoint: \(ending.error)")
        let record = try #require(try RunRecord.read(checkpoints.deletingLastPathComponent().appendingPathComponent("run.json")))
        #expect(record.status == .failed)
        #expect(record.error?.contains(checkpoints.path) == true, "\(record.error ?? "")")
        let leftovers = RunIntegrity.files(under: checkpoints).map(\.lastPathComponent).filter { $0 != "filler" }
        #expect(leftovers.allSatisfy { !$0.hasPrefix(".") }, "temporaries left: \(leftovers)")
        #expect(try snapshot(workspace.root.appendingPathComponent("runs/early")) == before)
        disk?.drain()
        disk?.unmount()
        try Self.expectRecoverable(workspace, runs: "runs", reference: reference) {
            try workspace.exp(arguments + ["--retry-failed"])
        }
    }

    /// The whole runs root on the small disk, with an earlier run on it, filled to several levels so the failing
    /// write falls on different files (spec and record, history, checkpoints, exporter files).
    @Test(arguments: [0, 12, 40, 96, 240]) func fullRunsRoot(freeKilobytes: Int) throws {
        let (workspace, reference) = try Self.prepared("disk-root-\(freeKilobytes)")
        defer { workspace.remove() }
        let mount = workspace.root.appendingPathComponent("disk")
        let arguments = ["run", "big.yaml", "--runs-dir", "disk/runs", "--threads", "1", "--quiet"]
        let disk = SmallDisk(at: mount, kilobytes: 1024)
        let limit = disk == nil ? 1024 * max(1, freeKilobytes / 2) : nil
        let early = try workspace.exp(["run", "early.yaml", "--runs-dir", "disk/runs", "--threads", "1", "--quiet"])
        try #require(early.succeeded, "\(early.error)")
        let before = try snapshot(mount.appendingPathComponent("runs"))
        try disk?.fill(leaving: freeKilobytes * 1024)
        let ending = try workspace.exp(arguments, fileSizeLimit: limit)
        print("fullRunsRoot, \(freeKilobytes) KB free: \(ending.error)", terminator: "")
        #expect(!ending.killed && ending.status != 0, "\(ending.error)")
        #expect(ending.error.contains(disk == nil ? Self.tooLarge : Self.noSpace), "\(ending.error)")
        #expect(ending.error.contains("cannot write \(mount.path)/runs/big/"), "the error names the file: \(ending.error)")
        let after = try snapshot(mount.appendingPathComponent("runs"))
        #expect(after.filter { $0.key.hasPrefix("/early/") } == before.filter { $0.key.hasPrefix("/early/") },
                "the earlier run changed")
        let temporaries = RunIntegrity.files(under: mount).filter { $0.lastPathComponent.hasPrefix(AtomicFile.temporaryPrefix) }
        #expect(temporaries.isEmpty, "\(temporaries)")
        disk?.drain()
        try Self.expectRecoverable(workspace, runs: "disk/runs", reference: reference) {
            try workspace.exp(arguments + ["--retry-failed"])
        }
        disk?.unmount()
    }
}
