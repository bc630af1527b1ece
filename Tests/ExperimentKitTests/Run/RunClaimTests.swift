import Foundation
import Testing
@testable import ExperimentKit

@Suite struct RunClaimTests {
    @Test func claimIsExclusiveAndReleased() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try RunDirectory.create(root: root, name: "cnn", runID: "cnn-0001")
        let claim = try RunClaim.acquire(directory)
        #expect(!claim.recoveredStaleClaim)
        let owner = try #require(RunClaim.owner(of: directory))
        #expect(owner.pid == getpid())
        let error = try #require(throws: RunError.self) { try RunClaim.acquire(directory) }
        #expect(error.description.hasPrefix("run \(directory.url.path) is in use by process \(getpid()) on "))
        claim.release()
        #expect(!FileManager.default.fileExists(atPath: directory.claim.path))
        let again = try RunClaim.acquire(directory)
        again.release()
    }

    @Test func concurrentClaimersExactlyOneWins() async throws {
        let root = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try RunDirectory.create(root: root, name: "sweep", runID: "trial-7")
        for _ in 0 ..< 10 {
            let winners = await withTaskGroup(of: RunClaim?.self) { group in
                for _ in 0 ..< 8 { group.addTask { try? RunClaim.acquire(directory) } }
                var claims: [RunClaim] = []
                for await claim in group { if let claim { claims.append(claim) } }
                return claims
            }
            #expect(winners.count == 1)
            winners.forEach { $0.release() }
        }
    }

    @Test func claimOfAKilledProcessIsRecovered() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try RunDirectory.create(root: root, name: "cnn", runID: "cnn-0002")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["60"]
        try child.run()
        let pid = child.processIdentifier
        try writeClaim(directory, RunClaim.Owner(pid: pid, host: RunClaim.hostName(), started: "2026-11-25T00:00:00Z",
                                                 processStart: RunClaim.processStartTicks(pid)))
        // The owner is alive: the claim stands.
        #expect(throws: RunError.self) { try RunClaim.acquire(directory) }
        kill(pid, SIGKILL)
        child.waitUntilExit()
        let claim = try RunClaim.acquire(directory)
        #expect(claim.recoveredStaleClaim)
        #expect(RunClaim.owner(of: directory)?.pid == getpid())
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
        #expect(leftovers == [".claim"])
        claim.release()
    }

    @Test func reusedPidIsNotMistakenForTheOwner() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try RunDirectory.create(root: root, name: "cnn", runID: "cnn-0003")
        // Our own pid, but a different process start time: the original owner is gone and the pid was reused.
        let start = try #require(RunClaim.processStartTicks(getpid()))
        try writeClaim(directory, RunClaim.Owner(pid: getpid(), host: RunClaim.hostName(), started: "earlier",
                                                 processStart: start + 1))
        let claim = try RunClaim.acquire(directory)
        #expect(claim.recoveredStaleClaim)
        claim.release()
    }

    @Test func claimFromAnotherHostIsNeverTakenOver() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try RunDirectory.create(root: root, name: "cnn", runID: "cnn-0004")
        try writeClaim(directory, RunClaim.Owner(pid: 999_999, host: "other-node", started: "2026-11-25T01:02:03Z",
                                                 processStart: nil))
        #expect(throws: RunError.claimedByOther(path: directory.url.path, pid: 999_999, host: "other-node",
                                                started: "2026-11-25T01:02:03Z")) {
            try RunClaim.acquire(directory)
        }
    }

    @Test func unreadableClaimIsRecoveredOnlyAfterTheGracePeriod() throws {
        let root = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try RunDirectory.create(root: root, name: "cnn", runID: "cnn-0005")
        try FileManager.default.createDirectory(at: directory.claim, withIntermediateDirectories: false)
        // A claimer that has made the directory but not yet its lock file must not be overrun.
        #expect(throws: RunError.self) { try RunClaim.acquire(directory) }
        let old = Date(timeIntervalSinceNow: -(RunClaim.unreadableClaimGrace + 5))
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: directory.claim.path)
        let claim = try RunClaim.acquire(directory)
        #expect(claim.recoveredStaleClaim)
        claim.release()
    }

    @Test func runDirectoriesStayInsideTheRoot() throws {
        let base = try makeTemporaryDirectory("exp-runs")
        defer { try? FileManager.default.removeItem(at: base) }
        let root = base.appendingPathComponent("runs")
        for name in ["../escape", "a/../../escape", "/etc", "a//b", "."] {
            #expect(throws: RunError.self, "name \(name)") {
                try RunDirectory.create(root: root, name: name, runID: "id")
            }
        }
        #expect(throws: RunError.self) { try RunDirectory.create(root: root, name: "ok", runID: "..") }
        // A symlink planted inside the root that points out of it is refused, not followed.
        let outside = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("evil"), withDestinationURL: outside)
        let error = try #require(throws: RunError.self) {
            try RunDirectory.create(root: root, name: "evil", runID: "id")
        }
        #expect(error.description.contains("resolves outside the runs root"))
        #expect(error.description.hasSuffix("pass --runs-dir DIR to use runs under another root"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        // Nested names are fine, and the root itself may be a symlink (e.g. to scratch space).
        let linkedRoot = base.appendingPathComponent("linked-runs")
        try FileManager.default.createSymbolicLink(at: linkedRoot, withDestinationURL: root)
        let directory = try RunDirectory.create(root: linkedRoot, name: "group/exp", runID: "exp-1")
        #expect(directory.url.path.hasSuffix("/runs/group/exp/exp-1"))
        try directory.prepare()
        #expect(FileManager.default.fileExists(atPath: directory.checkpoints.path))
    }

    private func writeClaim(_ directory: RunDirectory, _ owner: RunClaim.Owner) throws {
        try FileManager.default.createDirectory(at: directory.claim, withIntermediateDirectories: false)
        try JSONEncoder().encode(owner).write(to: directory.claim.appendingPathComponent("lock"))
    }
}
