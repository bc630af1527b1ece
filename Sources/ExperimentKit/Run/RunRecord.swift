import Foundation
import NeuralNet

/// Which clips went to which side of the split, recorded so a run can be audited and reproduced.
public struct SplitMembership: Codable, Sendable, Equatable {
    /// Clip identifiers (corpus-relative paths) used for training.
    public var train: [String]
    /// Clip identifiers used for validation (empty without a validation side).
    public var validation: [String]
    /// Clip identifiers used for the final test.
    public var test: [String]

    /// Creates the record.
    public init(train: [String], validation: [String], test: [String]) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}

/// Wall-clock facts of a run.
public struct RunTimings: Codable, Sendable, Equatable {
    /// When the run directory was first claimed.
    public var created: Date
    /// When the current (or last) process started working on it.
    public var started: Date
    /// When the run reached a final status.
    public var ended: Date?
    /// Seconds of training and evaluation summed over every process that worked on the run.
    public var elapsedSeconds: Double

    enum CodingKeys: String, CodingKey {
        case created, started, ended
        case elapsedSeconds = "elapsed_seconds"
    }

    /// Creates the record.
    public init(created: Date, started: Date, ended: Date? = nil, elapsedSeconds: Double = 0) {
        self.created = created
        self.started = started
        self.ended = ended
        self.elapsedSeconds = elapsedSeconds
    }
}

/// The OpenBLAS kernel a run's process computed with, and who chose it (`exp env` explains the choice).
public struct BLASKernelRecord: Codable, Sendable, Equatable {
    /// Kernel name as `openblas_get_corename` reports it, e.g. `SkylakeX`.
    public var kernel: String
    /// `openblas` (its own detection), `exp` (a faster kernel than OpenBLAS detected) or `user` (OPENBLAS_CORETYPE).
    public var chosenBy: KernelChooser

    enum CodingKeys: String, CodingKey {
        case kernel
        case chosenBy = "chosen_by"
    }

    /// Creates the record.
    public init(kernel: String, chosenBy: KernelChooser) {
        self.kernel = kernel
        self.chosenBy = chosenBy
    }

    /// The kernel of this process.
    public static var current: BLASKernelRecord {
        BLASKernelRecord(kernel: BLASRuntime.kernelName, chosenBy: BLASRuntime.kernelChooser)
    }
}

/// The contents of `run.json`: identity, status, provenance and timings (schema: `docs/schema/run.schema.json`).
public struct RunRecord: Codable, Sendable, Equatable {
    /// Version of the `run.json` layout.
    public var schemaVersion: Int = 1
    /// Run id: readable slug plus a hash of the resolved spec.
    public var id: String
    /// Experiment name.
    public var name: String
    /// Current status.
    public var status: RunStatus
    /// Error text for `failed` and `diverged`.
    public var error: String?
    /// Seed every random stream of the run derives from.
    public var seed: UInt64
    /// Worker threads used for compute.
    public var threads: Int
    /// Version of `exp` that produced the run.
    public var expVersion: String
    /// `git rev-parse HEAD` of the working directory, when it is a git checkout.
    public var gitCommit: String?
    /// Host of the process that last worked on the run.
    public var host: String
    /// BLAS kernel of the process that last worked on the run.
    public var blas: BLASKernelRecord?
    /// Content hash of the data the run used (clip list and audio), from the corpus layer.
    public var dataFingerprint: String?
    /// Clips per split side.
    public var split: SplitMembership?
    /// The class names the model was trained with, in output order (after `labels` mapping).
    public var classes: [String]?
    /// Epochs completed and checkpointed.
    public var epochsCompleted: Int
    /// Epoch of `checkpoints/best.safetensors`.
    public var bestEpoch: Int?
    /// Number of processes that resumed the run after an interruption or kill.
    public var resumes: Int
    /// Timings.
    public var timings: RunTimings

    enum CodingKeys: String, CodingKey {
        case id, name, status, error, seed, threads, host, blas, split, classes, resumes, timings
        case schemaVersion = "schema_version"
        case expVersion = "exp_version"
        case gitCommit = "git_commit"
        case dataFingerprint = "data_fingerprint"
        case epochsCompleted = "epochs_completed"
        case bestEpoch = "best_epoch"
    }

    /// A fresh record in status `running`.
    public init(id: String, name: String, seed: UInt64, threads: Int, expVersion: String, gitCommit: String?,
                host: String, created: Date) {
        self.id = id
        self.name = name
        self.status = .running
        self.seed = seed
        self.threads = threads
        self.expVersion = expVersion
        self.gitCommit = gitCommit
        self.host = host
        self.epochsCompleted = 0
        self.resumes = 0
        self.timings = RunTimings(created: created, started: created)
    }

    /// Reads `run.json` at `url`, or nil when there is none.
    /// - Throws: `RunError.readFailed` when the file exists but is not a regular file of at most `RunFile.maxBytes`
    ///   or not a valid record.
    public static func read(_ url: URL) throws -> RunRecord? {
        guard let data = try RunFile.contents(url) else { return nil }
        do {
            return try JSONCoding.decoder().decode(RunRecord.self, from: data)
        } catch {
            throw RunError.readFailed(path: url.path, reason: "not a valid run record (\(error))")
        }
    }

    /// Writes the record atomically.
    /// - Throws: `RunError.writeFailed`.
    public func write(_ url: URL) throws {
        try AtomicFile.writeJSON(self, to: url)
    }
}

/// Provenance of the `exp` build and checkout, for `run.json`.
public enum Provenance {
    /// `git rev-parse HEAD` in `directory` (nil outside a checkout or without git).
    public static func gitCommit(in directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        -> String? {
        // Read .git directly rather than spawning git: it works without git installed and costs no subprocess.
        var gitDirectory = directory.appendingPathComponent(".git")
        if let text = try? String(contentsOf: gitDirectory, encoding: .utf8), text.hasPrefix("gitdir:") {
            let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            gitDirectory = URL(fileURLWithPath: path, relativeTo: directory).standardizedFileURL
        }
        guard let head = try? String(contentsOf: gitDirectory.appendingPathComponent("HEAD"), encoding: .utf8)
        else { return nil }
        let trimmed = head.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("ref: ") else { return isCommitHash(trimmed) ? trimmed : nil }
        let reference = String(trimmed.dropFirst(5))
        for base in [gitDirectory, commonDirectory(of: gitDirectory)] {
            if let value = try? String(contentsOf: base.appendingPathComponent(reference), encoding: .utf8) {
                let hash = value.trimmingCharacters(in: .whitespacesAndNewlines)
                if isCommitHash(hash) { return hash }
            }
            if let packed = try? String(contentsOf: base.appendingPathComponent("packed-refs"), encoding: .utf8) {
                for line in packed.split(separator: "\n") where line.hasSuffix(" " + reference) {
                    let hash = String(line.prefix { $0 != " " })
                    if isCommitHash(hash) { return hash }
                }
            }
        }
        return nil
    }

    private static func commonDirectory(of gitDirectory: URL) -> URL {
        guard let text = try? String(contentsOf: gitDirectory.appendingPathComponent("commondir"), encoding: .utf8)
        else { return gitDirectory }
        let path = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return URL(fileURLWithPath: path, relativeTo: gitDirectory).standardizedFileURL
    }

    private static func isCommitHash(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy(\.isHexDigit)
    }
}
