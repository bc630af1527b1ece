import Foundation
@testable import ExperimentKit

/// Writes `body` under a small valid spec header into a fresh directory; returns the spec path.
func writeSweepSpec(_ body: String, name: String = "tiny", split: String = "{type: speaker_kfold, k: 3}",
                    directory: URL) throws -> String {
    let url = directory.appendingPathComponent("\(name).yaml")
    let text = """
        name: \(name)
        seed: 7
        data: {corpus: ravdess, root: data/none}
        split: \(split)
        training: {epochs: 1}

        """ + body
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// Plans a sweep against the built-in registries (8 classes, as `exp` uses).
func makePlan(_ file: String, _ overrides: [String] = [], confirmLarge: Bool = true) throws -> SweepPlan {
    try SweepPlan.make(file: file, overrides: overrides, registries: .builtins, classCount: 8, confirmLarge: confirmLarge)
}

/// A trial runner that trains nothing: it opens each trial's run through the real `RunSession` (claims included)
/// and records a scripted outcome, counting how often each trial was actually started.
final class FakeTrialRunner: TrialRunner, @unchecked Sendable {  // `starts` is guarded by `lock`.
    let root: URL
    let outcome: @Sendable (SweepTrial) -> RunStatus
    let delay: TimeInterval
    private let lock = NSLock()
    private var starts: [Int: Int] = [:]

    init(root: URL, delay: TimeInterval = 0, outcome: @escaping @Sendable (SweepTrial) -> RunStatus = { _ in .completed }) {
        self.root = root
        self.delay = delay
        self.outcome = outcome
    }

    /// Trial index → number of times it was trained (fresh or resumed).
    var startCounts: [Int: Int] { lock.withLock { starts } }

    func run(_ trial: SweepTrial, of plan: SweepPlan) -> TrialResult {
        let session: RunSession
        do {
            session = try RunSession(root: root, name: plan.name, id: trial.runID, resolvedSpec: trial.spec.resolved.yaml,
                                     seed: 7, threads: 1, expVersion: "test", force: false)
        } catch RunError.claimedByOther {
            return .busy
        } catch {
            return .finished(.failed)
        }
        if case .skip(let status) = session.plan { return .doneElsewhere(SweepManifest.Status(status)) }
        lock.withLock { starts[trial.index, default: 0] += 1 }
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        let status = outcome(trial)
        do {
            try session.finish(TrainingLoop.Outcome(status: status, epochsCompleted: 1, bestEpoch: 1, test: nil,
                                                    error: status == .completed ? nil : "scripted \(status.rawValue)",
                                                    elapsedSeconds: 0.01))
        } catch {
            return .finished(.failed)
        }
        return .finished(SweepManifest.Status(status))
    }
}
