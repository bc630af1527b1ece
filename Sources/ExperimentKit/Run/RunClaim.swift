import Foundation

/// Exclusive ownership of a run directory by this process, so concurrent `exp run`s train each run exactly once.
///
/// A claimer first builds its claim in a private staging directory, `<run>/.claim.new.<pid>.<n>/lock`: it takes an
/// exclusive `flock` on the lock file (held for its lifetime) and writes its pid, host, start time and kernel process
/// start time there. It then renames the staging directory to `<run>/.claim`; renaming onto an existing non-empty
/// directory fails, so of several claimers exactly one succeeds, and `.claim` never exists without a complete, locked
/// owner record, even when a claimer is killed half way. The kernel drops the `flock` when the process dies, however
/// it dies, which makes a stale claim recognisable; the pid and process start time are checked too (a reused pid is
/// not the owner). A claim made on another host is never taken over.
///
/// Recovering a stale claim: take the `flock` on its lock file, check that `.claim/lock` is still that same file,
/// rename `.claim` aside, delete it, and claim again with `mkdir`. Every recoverer needs the `flock` first, so two
/// recoverers cannot both remove the claim, and a fresh claim made meanwhile is never removed.
public final class RunClaim: @unchecked Sendable {  // `descriptor` is guarded by `lock`.
    /// What `.claim/lock` holds.
    public struct Owner: Codable, Sendable, Equatable {
        /// Process id of the owner.
        public var pid: Int32
        /// Host name of the owner.
        public var host: String
        /// When the claim was made (ISO 8601).
        public var started: String
        /// The owner's start time in clock ticks since boot (`/proc/<pid>/stat` field 22); guards against pid reuse.
        public var processStart: UInt64?

        enum CodingKeys: String, CodingKey {
            case pid, host, started
            case processStart = "process_start"
        }

        /// This process.
        public static func current() -> Owner {
            Owner(pid: getpid(), host: hostName(), started: ISO8601DateFormatter().string(from: Date()),
                  processStart: processStartTicks(getpid()))
        }
    }

    /// The claimed run directory.
    public let directory: RunDirectory
    /// Whether a stale claim of a dead process had to be recovered to get this one.
    public let recoveredStaleClaim: Bool
    private var descriptor: Int32
    private let lock = NSLock()

    /// How old an unreadable claim must be before it counts as abandoned rather than in creation.
    static let unreadableClaimGrace: TimeInterval = 30

    /// Claims `directory`.
    /// - Throws: `RunError.claimedByOther` when a live process (or one on another host) owns the run;
    ///   `RunError.writeFailed` on file system errors.
    public static func acquire(_ directory: RunDirectory) throws -> RunClaim {
        var recovered = false
        // Three rounds: claim, or recover a stale claim and claim again; losing twice to other claimers means a live owner.
        for _ in 0 ..< 3 {
            if let descriptor = try claimByRename(directory) {
                removeAbandonedStaging(in: directory)
                return RunClaim(directory: directory, descriptor: descriptor, recovered: recovered)
            }
            try recoverIfStale(directory)
            recovered = true
        }
        throw liveOwnerError(directory)
    }

    static let stagingPrefix = ".claim.new."

    /// Builds a locked claim in a staging directory and renames it to `.claim`; returns the lock's descriptor, or nil
    /// when `.claim` already exists.
    private static func claimByRename(_ directory: RunDirectory) throws -> Int32? {
        // rename(2) replaces an empty directory: an empty `.claim` (an older `exp` between its mkdir and its lock
        // file) must be left to the grace period instead.
        var existing = stat()
        if lstat(directory.claim.path, &existing) == 0 { return nil }
        let staging = directory.url.appendingPathComponent("\(stagingPrefix)\(getpid()).\(UInt32.random(in: 0 ... .max))")
        guard mkdir(staging.path, 0o755) == 0 else { throw AtomicFile.failure(staging, errno) }
        let lock = staging.appendingPathComponent("lock")
        let descriptor: Int32
        do {
            descriptor = try lockOwnFile(lock)
        } catch {
            unlink(lock.path)
            rmdir(staging.path)
            throw error
        }
        if rename(staging.path, directory.claim.path) == 0 { return descriptor }
        let code = errno
        close(descriptor)
        unlink(lock.path)
        rmdir(staging.path)
        guard code == EEXIST || code == ENOTEMPTY else { throw AtomicFile.failure(directory.claim, code) }
        return nil
    }

    /// Removes staging directories of claimers on this host that died before renaming theirs into place.
    private static func removeAbandonedStaging(in directory: RunDirectory) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.url.path)) ?? []
        for name in names where name.hasPrefix(stagingPrefix) {
            guard let pid = Int32(name.dropFirst(stagingPrefix.count).prefix { $0 != "." }),
                  kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(at: directory.url.appendingPathComponent(name))
        }
    }

    private init(directory: RunDirectory, descriptor: Int32, recovered: Bool) {
        self.directory = directory
        self.descriptor = descriptor
        self.recoveredStaleClaim = recovered
    }

    deinit { release() }

    /// Gives the run up: removes `.claim` and drops the lock. Idempotent.
    public func release() {
        lock.lock()
        defer { lock.unlock() }
        guard descriptor >= 0 else { return }
        unlink(directory.claim.appendingPathComponent("lock").path)
        rmdir(directory.claim.path)
        close(descriptor)
        descriptor = -1
    }

    /// The owner recorded in `directory`'s claim, if any.
    public static func owner(of directory: RunDirectory) -> Owner? {
        guard let data = FileManager.default.contents(atPath: directory.claim.appendingPathComponent("lock").path)
        else { return nil }
        return try? JSONDecoder().decode(Owner.self, from: data)
    }

    private static func lockOwnFile(_ lock: URL) throws -> Int32 {
        let descriptor = open(lock.path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw AtomicFile.failure(lock, errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            throw AtomicFile.failure(lock, code)
        }
        // The lock file keeps its inode (the flock lives on it), so it is written in place; a torn write only makes
        // the claim unreadable, which the grace period and the flock already cover.
        var data = (try? JSONCoding.encoder().encode(Owner.current())) ?? Data()
        data.append(0x0A)
        let written = data.withUnsafeBytes { buffer in
            buffer.baseAddress.map { pwrite(descriptor, $0, buffer.count, 0) } ?? 0
        }
        guard written == data.count, fsync(descriptor) == 0 else {
            let code = errno
            close(descriptor)
            throw AtomicFile.failure(lock, code)
        }
        return descriptor
    }

    /// Removes the claim of `directory` if its owner is gone (or returns if it already disappeared); throws if it is live.
    private static func recoverIfStale(_ directory: RunDirectory) throws {
        let lockPath = directory.claim.appendingPathComponent("lock").path
        let descriptor = open(lockPath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if descriptor < 0 {
            let code = errno
            guard code == ENOENT else { throw AtomicFile.failure(directory.claim, code) }
            // Claim removed meanwhile: the caller claims again.
            guard FileManager.default.fileExists(atPath: directory.claim.path) else { return }
            // No lock file: a claim made by `mkdir` alone (older versions), in creation or abandoned.
            guard claimAge(directory) > unreadableClaimGrace else { throw liveOwnerError(directory) }
            try moveAside(directory)
            return
        }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { throw liveOwnerError(directory) }
        var opened = stat(), current = stat()
        guard fstat(descriptor, &opened) == 0, lstat(lockPath, &current) == 0,
              opened.st_ino == current.st_ino, opened.st_dev == current.st_dev
        else {
            return  // Someone else recovered it meanwhile; the caller claims again.
        }
        if let owner = owner(of: directory) {
            guard owner.host == hostName() else { throw liveOwnerError(directory) }
            guard !isAlive(owner) else { throw liveOwnerError(directory) }
        } else if claimAge(directory) <= unreadableClaimGrace {
            throw liveOwnerError(directory)
        }
        try moveAside(directory)
    }

    private static func moveAside(_ directory: RunDirectory) throws {
        let aside = directory.url.appendingPathComponent(".claim.stale.\(getpid()).\(UInt32.random(in: 0 ... .max))")
        guard rename(directory.claim.path, aside.path) == 0 else {
            if errno == ENOENT { return }
            throw AtomicFile.failure(directory.claim, errno)
        }
        try? FileManager.default.removeItem(at: aside)
    }

    private static func liveOwnerError(_ directory: RunDirectory) -> RunError {
        let owner = owner(of: directory)
        return .claimedByOther(path: directory.url.path, pid: owner?.pid ?? 0, host: owner?.host ?? "unknown host",
                               started: owner?.started ?? "unknown time")
    }

    private static func claimAge(_ directory: RunDirectory) -> TimeInterval {
        let attributes = try? FileManager.default.attributesOfItem(atPath: directory.claim.path)
        guard let modified = attributes?[.modificationDate] as? Date else { return 0 }
        return Date().timeIntervalSince(modified)
    }

    /// Whether the recorded owner (on this host) is still the same running process.
    static func isAlive(_ owner: Owner) -> Bool {
        if kill(owner.pid, 0) != 0 && errno == ESRCH { return false }
        if let recorded = owner.processStart, let actual = processStartTicks(owner.pid), recorded != actual {
            return false
        }
        return true
    }

    /// Field 22 of `/proc/<pid>/stat` (start time in clock ticks after boot), or nil where there is no procfs.
    static func processStartTicks(_ pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the parenthesised command name start at field 3 (state); field 22 is index 19 there.
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
