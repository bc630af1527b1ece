import ArgumentParser
import EmotionCorpus
import ExperimentKit
import Foundation

/// What `exp run` and `exp sweep run` do with one spec file: expand its sweep, then list or run the trials.
enum SweepCommand {
    /// Plans the sweep of `file` with `overrides` and runs (or, with `--dry-run`, lists) the trials this process is
    /// responsible for. Returns the number of trials that did not complete.
    /// - Throws: `SpecErrors`/`SweepError` before any trial starts; `ExitCode(75)` for a `--trial` worker whose trial
    ///   another process holds.
    static func run(file: String, overrides: [String], sweep: SweepOptions, runOptions: RunOptions) throws -> Int {
        let registries = RegistryScope.current
        let classCount = Emotion.allCases.count
        let plan = try SweepPlan.make(file: file, overrides: overrides, registries: registries, classCount: classCount,
                                      confirmLarge: sweep.yes || sweep.trial != nil || sweep.dryRun)
        let root = runOptions.runsRoot
        var options = SweepExecutor.Options(runsRoot: root)
        options.retryFailed = sweep.retryFailed
        options.force = runOptions.force
        options.shard = try sweep.shard.map(SweepShard.init(parsing:))
        options.trial = sweep.trial
        options.jobs = sweep.jobs
        options.interrupt = runOptions.interrupt
        // A -j worker's parent already announced its trial.
        if sweep.trial != nil { options.write = { _ in } }
        let selected = try SweepExecutor.selected(plan, options: options)
        if sweep.dryRun {
            print(SweepManifest(plan: plan, root: root).table(trials: Set(selected.map(\.index))), terminator: "")
            return 0
        }
        if !sweep.yes, sweep.trial == nil, plan.trials.count > SweepPlan.confirmationLimit {
            throw SweepError.tooManyTrials(count: plan.trials.count, limit: SweepPlan.confirmationLimit)
        }
        let runner: any TrialRunner
        if sweep.jobs > 1, sweep.trial == nil {
            let threads = SweepExecutor.threadsPerWorker(jobs: sweep.jobs)
            let retry = sweep.retryFailed, force = runOptions.force
            var workers = ProcessTrialRunner(executable: ProcessTrialRunner.currentExecutable, runsRoot: root) { trial in
                ["sweep", "run", file] + overrides
                    + ["--trial", String(trial.index), "--threads", String(threads), "--runs-dir", root.path, "--quiet"]
                    + (retry ? ["--retry-failed"] : []) + (force ? ["--force"] : [])
            }
            workers.interrupt = runOptions.interrupt
            runner = workers
        } else {
            runner = ExperimentTrialRunner(registries: registries, classCount: classCount, options: runOptions)
        }
        let summary = try SweepExecutor.run(plan, options: options, runner: runner)
        if sweep.trial != nil {
            if !summary.busy.isEmpty { throw ExitCode(ProcessTrialRunner.busyExitCode) }
            if summary.ran.isEmpty { throw ExitCode(ProcessTrialRunner.doneElsewhereExitCode) }
        }
        if !plan.isSweep, let (index, status) = summary.skipped.first {
            runOptions.write("\(plan.name)/\(plan.trials[index].runID): already \(status.rawValue), skipped ("
                + (status == .completed ? "--force reruns it" : "--retry-failed reruns it") + ")\n")
        }
        if plan.isSweep, sweep.trial == nil {
            let done = summary.skipped.filter { $0.value == .completed }.count
            let failed = summary.skipped.filter { $0.value == .failed || $0.value == .diverged }.count
            var parts = ["\(summary.ran.count) ran", "\(done) already completed"]
            if failed > 0 { parts.append("\(failed) failed before (--retry-failed reruns them)") }
            // Held: seen running under a live claim before this process tried it, or losing the claim when it did.
            let held = summary.busy.count + summary.skipped.filter { $0.value == .running }.count
            if held > 0 { parts.append("\(held) held by other processes") }
            runOptions.write("\(plan.name): " + parts.joined(separator: ", ") + "; see \(root.path)/\(plan.name)/sweep.json\n")
        }
        return summary.ran.values.filter { $0 != .completed }.count
    }
}
