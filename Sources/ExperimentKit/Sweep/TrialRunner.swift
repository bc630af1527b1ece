import Foundation

/// How one trial ended for the process that asked for it.
public enum TrialResult: Sendable, Equatable {
    /// The trial reached this status here (or was found already completed when its run was claimed).
    case finished(SweepManifest.Status)
    /// Another process finished the trial between this process's look at it and its claim.
    case doneElsewhere(SweepManifest.Status)
    /// Another live process holds the trial's run; it is that process's to finish.
    case busy
}

/// Trains one trial. `SweepExecutor` decides which trials to run; a runner only runs them, so tests can drive the
/// whole sweep machinery with fake trials.
public protocol TrialRunner: Sendable {
    /// Runs `trial` of `plan` to an end status.
    func run(_ trial: SweepTrial, of plan: SweepPlan) -> TrialResult
}

/// Runs trials in this process through `Experiment.run` (the `-j 1` path, and each `-j N` worker's).
public struct ExperimentTrialRunner: TrialRunner, @unchecked Sendable {
    // `options` holds a non-Sendable progress closure; SweepExecutor calls an in-process runner from one thread
    // (jobs = 1), and -j N uses `ProcessTrialRunner`, whose children each run one trial.
    /// Registries the trials were validated with.
    public var registries: Registries
    /// Class count of the trials' models.
    public var classCount: Int
    /// Run options (runs root, progress, interrupt).
    public var options: RunOptions

    /// Creates a runner.
    public init(registries: Registries, classCount: Int, options: RunOptions) {
        self.registries = registries
        self.classCount = classCount
        self.options = options
    }

    public func run(_ trial: SweepTrial, of plan: SweepPlan) -> TrialResult {
        do {
            let components = SpecComponents(spec: trial.spec, registries: registries, classCount: classCount)
            let result = try Experiment.run(trial.spec.resolved, components: components, options: options)
            if result.status == .completed {
                CorpusEvaluator.evaluateMissing(trial.spec.evaluate, run: result.directory, registries: registries,
                                                options: options)
            }
            let status = SweepManifest.Status(result.status)
            return result.skipped ? .doneElsewhere(status) : .finished(status)
        } catch RunError.claimedByOther {
            return .busy
        } catch {
            options.write("\(plan.name)/\(trial.runID): \(error)\n")
            return .finished(.failed)
        }
    }
}

/// Runs each trial as a child `exp` process (`-j N`): a crash or leak in one trial cannot touch the others.
public struct ProcessTrialRunner: TrialRunner {
    /// The executable to start (normally this process's own, `/proc/self/exe`).
    public var executable: URL
    /// The child's arguments for a trial, e.g. `sweep run SPEC overrides… --trial K --threads T`.
    public var arguments: @Sendable (SweepTrial) -> [String]
    /// Where the trials' run directories are, to read the outcome.
    public var runsRoot: URL
    /// Raised by SIGINT/SIGTERM to this process: passed on to running children as SIGTERM, so they stop after their
    /// current step with their last checkpoint (schedulers, `timeout` and a pod's init signal only the parent).
    public var interrupt = InterruptFlag()

    /// The exit status a child uses when another process holds its trial.
    public static let busyExitCode: Int32 = 75
    /// The exit status a child uses when its trial turned out to be finished already.
    public static let doneElsewhereExitCode: Int32 = 76

    /// Creates a runner.
    public init(executable: URL, runsRoot: URL, arguments: @escaping @Sendable (SweepTrial) -> [String]) {
        self.executable = executable
        self.runsRoot = runsRoot
        self.arguments = arguments
    }

    /// This process's executable file.
    public static var currentExecutable: URL {
        let link = "/proc/self/exe"
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: link) {
            return URL(fileURLWithPath: resolved)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }

    public func run(_ trial: SweepTrial, of plan: SweepPlan) -> TrialResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments(trial)
        do {
            try process.run()
        } catch {
            FileHandle.standardError.write(Data("\(SweepError.launchFailed("\(executable.path): \(error)"))\n".utf8))
            return .finished(.failed)
        }
        // SIGTERM, not SIGINT: a terminal's Ctrl-C already reached the child through the process group, and a
        // second SIGINT would abort it without its last step's checkpoint.
        let pid = process.processIdentifier
        let forwarding = interrupt.whenRaised { kill(pid, SIGTERM) }
        process.waitUntilExit()
        interrupt.removeHandler(forwarding)
        if process.terminationStatus == Self.busyExitCode { return .busy }
        if process.terminationStatus == Self.doneElsewhereExitCode {
            return .doneElsewhere(SweepManifest.status(of: trial, root: runsRoot))
        }
        let status = SweepManifest.status(of: trial, root: runsRoot)
        // A child killed before writing anything leaves no record: count it as failed (or, when this process passed
        // on an interruption before the child could handle it, interrupted), not pending.
        guard status == .pending else { return .finished(status) }
        return .finished(interrupt.isRaised ? .interrupted : .failed)
    }
}

extension SweepManifest.Status {
    /// The sweep status of a run status.
    public init(_ status: RunStatus) {
        switch status {
        case .running: self = .running
        case .completed: self = .completed
        case .failed: self = .failed
        case .diverged: self = .diverged
        case .interrupted: self = .interrupted
        }
    }
}
