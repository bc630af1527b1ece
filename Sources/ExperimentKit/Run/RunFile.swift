import Foundation

/// Bounded reads of a run's artifacts: a FIFO, a device or a symlink planted in place of `run.json` (or another
/// artifact) would block the reader or stream forever, so only regular files up to a size limit are read.
public enum RunFile {
    /// The limit for one artifact: `run.json`, `spec.yaml` and `metrics.json` are kilobytes in real runs.
    public static let maxBytes = 16 << 20

    /// The bytes of `url`, or nil when nothing is there.
    /// - Throws: `RunError.readFailed` naming `url` when it is not a regular file (checked without following a
    ///   symlink) or holds more than `limit` bytes.
    public static func contents(_ url: URL, limit: Int = maxBytes) throws -> Data? {
        var info = stat()
        guard lstat(url.path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw RunError.readFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw RunError.readFailed(path: url.path, reason: "not a regular file (\(kind(info.st_mode)))")
        }
        guard info.st_size <= limit else {
            throw RunError.readFailed(path: url.path, reason: "the file is \(info.st_size) bytes, above the limit of \(limit)")
        }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw RunError.readFailed(path: url.path, reason: "permission denied")
        }
        defer { try? handle.close() }
        // One byte past the limit tells a file that grew since `lstat` from one at the limit.
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw RunError.readFailed(path: url.path, reason: error.localizedDescription)
        }
        guard data.count <= limit else {
            throw RunError.readFailed(path: url.path, reason: "the file grew above the limit of \(limit) bytes")
        }
        return data
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFLNK: return "a symbolic link"
        case S_IFDIR: return "a directory"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        default: return "mode \(String(mode, radix: 8))"
        }
    }
}
