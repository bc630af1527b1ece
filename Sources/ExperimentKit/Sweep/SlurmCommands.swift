import Foundation

/// The Slurm client commands exp calls: `sbatch` to submit a sweep's job array, `squeue` (and `sacct` where the
/// cluster keeps accounting) to read the state of its array tasks.
public struct SlurmCommands: Sendable {
    /// Directories searched for the commands, in order (from `$PATH`).
    public var searchPath: [String]

    /// Commands looked up on `environment["PATH"]`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        searchPath = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
    }

    /// The executable `name` on the search path, or nil.
    public func locate(_ name: String) -> URL? {
        searchPath.lazy.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Submits `script` with `sbatch --parsable` (the script on standard input) from `directory`, which becomes the
    /// jobs' working directory; returns the job id.
    /// - Throws: `SweepError.slurm` when `sbatch` is missing, fails, or prints no job id.
    public func submit(script: String, directory: URL) throws -> String {
        let result = try run("sbatch", ["--parsable"], input: Data(script.utf8), directory: directory)
        guard result.status == 0 else {
            throw SweepError.slurm("sbatch exited with status \(result.status): \(result.error.trimmed)")
        }
        // `--parsable` prints `id` or `id;cluster`.
        let id = result.output.trimmed.split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SweepError.slurm("sbatch printed no job id: '\(result.output.trimmed)'")
        }
        return id
    }

    /// The state of every array task of `jobIDs` that Slurm still knows, keyed `id_task` (`123_4` → `RUNNING`):
    /// from `squeue` (which also lists jobs that ended within the controller's `MinJobAge`), then from `sacct` for
    /// the rest when the cluster keeps accounting. Jobs neither knows are left out.
    public func states(of jobIDs: [String]) -> [String: String] {
        var states: [String: String] = [:]
        for id in jobIDs {
            // One id per call: squeue rejects the whole list when one of its ids has been purged.
            guard let result = try? run("squeue", ["--noheader", "--array", "--states=all", "--format=%i|%T", "--jobs=\(id)"]),
                  result.status == 0 else { continue }
            states.merge(Self.parse(result.output)) { $1 }
        }
        let missing = jobIDs.filter { id in !states.keys.contains { $0.hasPrefix("\(id)_") } }
        if !missing.isEmpty, locate("sacct") != nil,
           let result = try? run("sacct", ["--noheader", "--parsable2", "--allocations", "--format=JobID,State",
                                           "--jobs=\(missing.joined(separator: ","))"]),
           result.status == 0 {
            states.merge(Self.parse(result.output)) { old, _ in old }
        }
        return states
    }

    /// `id|STATE` lines into a map; `CANCELLED by 0` becomes `CANCELLED`.
    static func parse(_ text: String) -> [String: String] {
        var states: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            guard fields.count >= 2, let state = fields[1].split(separator: " ").first else { continue }
            states[fields[0].trimmingCharacters(in: .whitespaces)] = String(state)
        }
        return states
    }

    /// Runs `name arguments`, feeding `input`; returns the exit status, standard output and standard error.
    func run(_ name: String, _ arguments: [String], input: Data? = nil,
             directory: URL? = nil) throws -> (status: Int32, output: String, error: String) {
        guard let executable = locate(name) else {
            throw SweepError.slurm("\(name) not found on PATH (\(searchPath.joined(separator: ":")))")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        // Input comes from an unlinked temporary file, not a pipe: a command that exits without reading it must
        // not kill this process with SIGPIPE.
        if let input {
            let file = FileManager.default.temporaryDirectory
                .appendingPathComponent("exp-\(name)-\(getpid())-\(UInt32.random(in: 0 ... .max))")
            guard FileManager.default.createFile(atPath: file.path, contents: input, attributes: [.posixPermissions: 0o600]),
                  let handle = FileHandle(forReadingAtPath: file.path)
            else { throw SweepError.slurm("cannot write the input of \(name) to \(file.path)") }
            unlink(file.path)
            process.standardInput = handle
        }
        do {
            try process.run()
        } catch {
            throw SweepError.slurm("cannot start \(executable.path): \(error)")
        }
        // Standard error is read on its own thread, so a chatty command cannot fill one pipe while we wait on the other.
        let errorText = ErrorCollector()
        let reader = Thread { errorText.set(error.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), errorText.wait())
    }
}

/// Standard error of a child, handed from its reader thread.
private final class ErrorCollector: @unchecked Sendable {  // `data` is guarded by `done`.
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    func set(_ data: Data) {
        self.data = data
        done.signal()
    }

    func wait() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
