import ArgumentParser
import ExperimentKit

/// The sweep flags of `exp run` (and `exp sweep run`), included with `@OptionGroup`.
struct SweepOptions: ParsableArguments {
    @Flag(name: .customLong("dry-run"), help: "Print the trial table (run id, swept values, status) and exit.")
    var dryRun = false

    @Flag(name: .customLong("retry-failed"), help: "Rerun failed and diverged trials (others that are done are skipped).")
    var retryFailed = false

    @Flag(help: "Run sweeps of more than 1,000 trials.")
    var yes = false

    @Option(name: [.customShort("j"), .customLong("jobs")], help: "Trials at once, each in its own process.")
    var jobs = 1

    @Option(help: "Run only share I of N of the trials (I/N, 0 <= I < N); shards never overlap.")
    var shard: String?

    @Option(help: ArgumentHelp("Run only trial K (how -j workers are started).", visibility: .hidden))
    var trial: Int?

    func validate() throws {
        guard jobs > 0 else { throw ValidationError("-j must be > 0. Received: \(jobs)") }
        if let shard {
            do { _ = try SweepShard(parsing: shard) } catch { throw ValidationError("\(error)") }
        }
        if let trial, trial < 0 { throw ValidationError("--trial must be >= 0. Received: \(trial)") }
    }

    /// Splits `exp run` arguments into spec files and overrides (`key=value`, `+key=…`, `~key`).
    static func partition(_ arguments: [String]) -> (specs: [String], overrides: [String]) {
        (arguments.filter { !Override.looksLikeOverride($0) }, arguments.filter(Override.looksLikeOverride))
    }
}
