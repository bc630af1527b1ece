import Foundation

/// A small tmpfs mounted for one test (as root), filled to a chosen free space: a real full disk.
final class SmallDisk {
    let mountPoint: URL
    private var mounted = false

    /// Mounts a tmpfs of `kilobytes` at `mountPoint` (created if needed); nil when this process may not mount
    /// (not root, or no mount permission in this container), or when `EXP_FAULT_TESTS_NO_MOUNT` is set to run the
    /// file-size-limit variant on a machine that could mount.
    init?(at mountPoint: URL, kilobytes: Int) {
        self.mountPoint = mountPoint
        guard getuid() == 0, ProcessInfo.processInfo.environment["EXP_FAULT_TESTS_NO_MOUNT"] == nil else { return nil }
        try? FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        guard Self.command("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0755", "tmpfs", mountPoint.path])
        else { return nil }
        mounted = true
    }

    deinit { unmount() }

    func unmount() {
        guard mounted else { return }
        mounted = Self.command("/bin/umount", [mountPoint.path]) ? false : !Self.command("/bin/umount", ["-l", mountPoint.path])
    }

    /// Bytes still free for an unprivileged writer.
    var freeBytes: Int {
        var info = statvfs()
        guard statvfs(mountPoint.path, &info) == 0 else { return 0 }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }

    var filler: URL { mountPoint.appendingPathComponent("filler") }

    /// Writes `filler` until only `bytes` (rounded down to pages) stay free.
    func fill(leaving bytes: Int) throws {
        let descriptor = open(filler.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { throw FaultTestError("cannot create \(filler.path)") }
        defer { close(descriptor) }
        let page = [UInt8](repeating: 0xA5, count: 4096)
        while freeBytes > bytes {
            let count = page.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, min(4096, freeBytes - bytes)) }
            if count <= 0 { break }
        }
    }

    /// Frees the space `fill` took.
    func drain() { unlink(filler.path) }

    private static func command(_ path: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

/// Every regular file under `directory` with its bytes.
func snapshot(_ directory: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for file in RunIntegrity.files(under: directory) {
        files[String(file.path.dropFirst(directory.path.count))] = try Data(contentsOf: file)
    }
    return files
}
