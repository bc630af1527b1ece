import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

/// `kill -9` at seeded random points of `exp run`: from outside after a random delay, and from inside at a training
/// step, halfway through a checkpoint write or halfway through another artifact's write (`EXP_FAULT_POINT`). After
/// every kill the run directory must hold no torn file and be complete or resumable; every run, resumed as often as
/// it was killed, must end with the metrics and history of an uninterrupted run.
@Suite struct KillTests {
    enum Kind: CaseIterable {
        case external, step, writeCheckpoint, writeArtifact
    }

    static let requiredKills = 20

    @Test func twentyKillsLeaveEveryRunCompleteOrResumableAndResumeToTheSameMetrics() throws {
        let workspace = try FaultWorkspace("kill")
        defer { workspace.remove() }
        try workspace.spec("tiny")
        let reference = try workspace.exp(["run", "tiny.yaml", "--runs-dir", "reference", "--threads", "1", "--quiet"])
        try #require(reference.succeeded, "\(reference.error)")
        let referenceRun = try workspace.runDirectory("reference", "tiny")
        let referenceMetrics = try Data(contentsOf: referenceRun.appendingPathComponent("metrics.json"))
        let referenceHistory = try Self.history(referenceRun)

        var random = RandomGenerator(seed: 20_261_126)
        var kills: [Kind: Int] = [:]
        var runs = 0
        var attempts = 0
        var killsMidWrite = 0
        var current = "killed-0"
        func finish(_ runsDir: String) throws {
            let run = try workspace.runDirectory(runsDir, "tiny")
            let integrity = RunIntegrity(run)
            #expect(integrity.torn.isEmpty, "\(integrity.torn)")
            #expect(integrity.temporaries.isEmpty, "left behind: \(integrity.temporaries)")
            #expect(integrity.record?.status == .completed)
            #expect(try Data(contentsOf: run.appendingPathComponent("metrics.json")) == referenceMetrics,
                    "\(runsDir): metrics differ from the uninterrupted run")
            #expect(try Self.history(run) == referenceHistory, "\(runsDir): history differs")
            #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent(".claim").path))
        }
        while kills.values.reduce(0, +) < Self.requiredKills, attempts < 80 {
            attempts += 1
            let kind = Kind.allCases[Int.random(in: 0 ... 3, using: &random)]
            var environment: [String: String] = [:]
            switch kind {
            case .external: break
            case .step: environment[FaultInjection.variable] = "step:\(Int.random(in: 1 ... 18, using: &random))"
            case .writeCheckpoint: environment[FaultInjection.variable] = "write-checkpoint:\(Int.random(in: 1 ... 9, using: &random))"
            case .writeArtifact: environment[FaultInjection.variable] = "write-artifact:\(Int.random(in: 1 ... 90, using: &random))"
            }
            let delay = Double(Int.random(in: 100 ... 1500, using: &random)) / 1000
            let child = try workspace.start(["run", "tiny.yaml", "--runs-dir", current, "--threads", "1", "--quiet"],
                                            environment: environment)
            if kind == .external {
                Thread.sleep(forTimeInterval: delay)
                child.kill9()
            }
            let ending = child.wait()
            if ending.killed {
                #expect(ending.status == SIGKILL)
                kills[kind, default: 0] += 1
                // Killed before it created the run directory: nothing to check.
                guard let run = try workspace.existingRunDirectory(current, "tiny") else { continue }
                let integrity = RunIntegrity(run)
                #expect(integrity.torn.isEmpty, "after kill \(kills.values.reduce(0, +)) (\(kind)): \(integrity.torn)")
                #expect(integrity.unusable == nil, "after kill (\(kind)): \(integrity.unusable ?? "")")
                if !integrity.temporaries.isEmpty { killsMidWrite += 1 }
                continue
            }
            // The kill point lay beyond this process's work: it completed the run, which must match the reference.
            #expect(ending.succeeded, "\(ending.error)")
            try finish(current)
            runs += 1
            current = "killed-\(runs)"
        }
        #expect(kills.values.reduce(0, +) == Self.requiredKills, "only \(kills) kills in \(attempts) attempts")
        #expect(Kind.allCases.allSatisfy { kills[$0, default: 0] > 0 }, "kill kinds: \(kills)")
        // The write kills really land inside a write: they leave a torn temporary, which the resume removes.
        #expect(killsMidWrite >= kills[.writeCheckpoint, default: 0] + kills[.writeArtifact, default: 0])
        print("KillTests: \(kills) over \(attempts) processes, \(runs + 1) run directories, \(killsMidWrite) mid-write")
        // The last run directory may still be mid-way: resume it without faults.
        if FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent(current).path) {
            let resumed = try workspace.exp(["run", "tiny.yaml", "--runs-dir", current, "--threads", "1", "--quiet"])
            #expect(resumed.succeeded, "\(resumed.error)")
            try finish(current)
        }
    }

    /// Epoch, learning rate, train and validation metrics of each history line (timings left out).
    static func history(_ run: URL) throws -> [String] {
        try HistoryLog.read(run.appendingPathComponent("history.jsonl")).map {
            "\($0.epoch) \($0.learningRate) \($0.train) \(String(describing: $0.validation))"
        }
    }
}
