import Foundation

/// Keeps a run's DVCLive and TensorBoard files current while it trains; attach with one line:
/// `observers: [..., EcosystemObserver(directory: session.directory)]`.
///
/// On `runStarted` it reads what earlier processes recorded (a resumed run keeps its first epochs), then rewrites
/// both file sets after every epoch and once more with the test metrics when the run ends. A write failure never
/// stops training; the last one is kept in `lastError`.
public final class EcosystemObserver: TrainingObserver {
    private let directory: RunDirectory
    private var artifacts: RunArtifacts?
    /// The most recent write failure, if any.
    public private(set) var lastError: (any Error)?

    /// An observer writing into the run at `directory`.
    public init(directory: RunDirectory) {
        self.directory = directory
    }

    public func handle(_ event: TrainingEvent) -> TrainingDecision {
        switch event {
        case .runStarted(let info):
            do {
                var loaded = try RunArtifacts.read(directory)
                loaded.history = loaded.history.filter { $0.epoch < info.firstEpoch }
                loaded.test = nil
                artifacts = loaded
            } catch {
                lastError = error
            }
        case .epochEnded(let metrics):
            artifacts?.history.removeAll { $0.epoch >= metrics.epoch }
            artifacts?.history.append(metrics)
            flush()
        case .runEnded(let summary):
            artifacts?.test = summary.test
            artifacts?.record.status = summary.status
            flush()
        case .stepEnded, .checkpointSaved:
            break
        }
        return .proceed
    }

    private func flush() {
        guard let artifacts else { return }
        do {
            try EcosystemFiles.write(artifacts, in: directory.url)
        } catch {
            lastError = error
        }
    }
}

/// Writes every ecosystem file set of a run.
public enum EcosystemFiles {
    /// DVCLive files and the TensorBoard event file for `artifacts`.
    /// - Throws: `RunError.writeFailed`.
    public static func write(_ artifacts: RunArtifacts, in run: URL) throws {
        try DVCLiveFiles.write(artifacts, in: run)
        try TensorBoardFiles.write(artifacts, in: run)
    }

    /// (Re)writes them for an existing run directory from its artifacts.
    /// - Throws: `RunError.readFailed`/`writeFailed`.
    public static func write(run url: URL) throws {
        try write(RunArtifacts.read(RunDirectory(existing: url)), in: url)
    }
}
