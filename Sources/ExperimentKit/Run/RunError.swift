import Foundation

/// A failure of the runner's file system work: claiming a run directory, writing or reading an artifact.
public enum RunError: Error, CustomStringConvertible, Equatable {
    /// A file or directory could not be written; `reason` is the system's explanation (e.g. "No space left on device").
    case writeFailed(path: String, reason: String)
    /// An artifact could not be read or decoded.
    case readFailed(path: String, reason: String)
    /// The run's directory would resolve outside the runs root (a `..` component or a symlink pointing out).
    case outsideRunsRoot(path: String, root: String)
    /// Another live process holds the run.
    case claimedByOther(path: String, pid: Int32, host: String, started: String)
    /// An argument or value the runner cannot use.
    case invalid(String)

    public var description: String {
        switch self {
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason)"
        case let .readFailed(path, reason):
            return "cannot read \(path): \(reason)"
        case let .outsideRunsRoot(path, root):
            return "run directory \(path) resolves outside the runs root \(root); "
                + "run names must be plain relative names and symlinks out of the root are not followed; "
                + "pass --runs-dir DIR to use runs under another root"
        case let .claimedByOther(path, pid, host, started):
            return "run \(path) is in use by process \(pid) on \(host) (started \(started)); "
                + "wait for it to finish or remove its lock file if that process is gone"
        case let .invalid(message):
            return message
        }
    }
}
