import Foundation

/// Writes files so that a reader (or a process killed mid-write) sees either the old content or the new, never a torn file.
///
/// The content goes to a hidden temporary file in the same directory, is flushed to disk with `fsync`, and is then
/// renamed over the destination; `rename(2)` within one file system is atomic. The file's `fsync` before the rename
/// means even a power cut leaves the old or the new content, never an empty file; the directory itself is not
/// fsynced per write (a power cut may then keep the previous version, which is still whole), because that second
/// sync per file costs more than the rest of an epoch's bookkeeping.
public enum AtomicFile {
    /// Prefix of the temporary files, so stale ones left by a killed process can be recognised and removed.
    public static let temporaryPrefix = ".tmp-"

    /// Atomically replaces the file at `url` with `data`.
    /// - Parameter durable: Also fsync the directory, so the rename itself survives a power cut (for the files that
    ///   commit a run's outcome; a kill never needs it).
    /// - Throws: `RunError.writeFailed` naming the path and the system error (e.g. a full disk); no temporary file is left behind.
    public static func write(_ data: Data, to url: URL, durable: Bool = false) throws {
        let temporary = temporaryURL(for: url)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(url, errno) }
        let fault: FaultInjection.Point = url.pathExtension == "safetensors" ? .writeCheckpoint : .writeArtifact
        let result = writeAll(data, to: descriptor) {
            // The fault tests kill the process here, leaving a torn temporary file behind as a real kill would.
            FaultInjection.killIfArrived(.write)
            FaultInjection.killIfArrived(fault)
        }
        close(descriptor)
        guard result == 0 else {
            unlink(temporary.path)
            throw failure(url, result)
        }
        try moveIntoPlace(temporary, url, durable: durable)
    }

    /// A fresh temporary name beside `url`, recognisable by `temporaryPrefix`, for writers that produce the file
    /// themselves before `commit(_:to:)`.
    public static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(
            "\(temporaryPrefix)\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0 ... .max))")
    }

    /// Flushes the finished file `temporary` (from `temporaryURL(for:)`) to disk and renames it over `url`.
    /// - Throws: `RunError.writeFailed` naming `url`; `temporary` is removed on failure.
    public static func commit(_ temporary: URL, to url: URL) throws {
        let descriptor = open(temporary.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            unlink(temporary.path)
            throw failure(url, code)
        }
        let synced = fsync(descriptor) == 0 ? 0 : errno
        close(descriptor)
        guard synced == 0 else {
            unlink(temporary.path)
            throw failure(url, synced)
        }
        try moveIntoPlace(temporary, url, durable: false)
    }

    private static func moveIntoPlace(_ temporary: URL, _ url: URL, durable: Bool) throws {
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw failure(url, code)
        }
        guard durable else { return }
        let directory = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw failure(url, errno) }
        defer { close(directory) }
        guard fsync(directory) == 0 else { throw failure(url, errno) }
    }

    /// Atomically replaces the file at `url` with the UTF-8 bytes of `text`.
    /// - Throws: `RunError.writeFailed`.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Atomically writes `value` as JSON with sorted keys, pretty-printed, with a trailing newline.
    /// - Throws: `RunError.writeFailed`.
    public static func writeJSON<T: Encodable>(_ value: T, to url: URL, durable: Bool = false) throws {
        var data = try JSONCoding.encoder().encode(value)
        data.append(0x0A)
        try write(data, to: url, durable: durable)
    }

    /// Removes temporary files that a killed writer left in `directory`, and with `recursive` in its real
    /// subdirectories too (symlinks are not followed).
    public static func removeStaleTemporaries(in directory: URL, recursive: Bool = false) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names {
            let path = directory.appendingPathComponent(name)
            if name.hasPrefix(temporaryPrefix) {
                unlink(path.path)
                continue
            }
            var info = stat()
            if recursive, !name.hasPrefix("."), lstat(path.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                removeStaleTemporaries(in: path, recursive: true)
            }
        }
    }

    /// Writes every byte of `data` and fsyncs; returns 0 or the `errno` of the failing call. `halfway` runs once
    /// half the bytes are written (the fault hook).
    private static func writeAll(_ data: Data, to descriptor: Int32, halfway: () -> Void) -> Int32 {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32 in
            var written = 0
            var reachedHalf = false
            if let base = buffer.baseAddress {
                while written < buffer.count {
                    if !reachedHalf, written >= buffer.count / 2, written > 0 {
                        reachedHalf = true
                        halfway()
                    }
                    let chunk = reachedHalf ? buffer.count - written : max(1, buffer.count / 2) - written
                    let count = Foundation.write(descriptor, base + written, chunk)
                    if count < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    written += count
                }
            }
            return fsync(descriptor) == 0 ? 0 : errno
        }
    }

    static func failure(_ url: URL, _ code: Int32) -> RunError {
        .writeFailed(path: url.path, reason: String(cString: strerror(code)))
    }
}

/// The one JSON configuration every artifact uses, so files diff cleanly between runs.
public enum JSONCoding {
    /// `JSONEncoder` with `[.sortedKeys, .prettyPrinted]`, ISO-8601 dates and non-finite floats as strings.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The compact single-line variant used for `history.jsonl` and `--log-format json`.
    public static func lineEncoder() -> JSONEncoder {
        let encoder = encoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The decoder matching `encoder()`.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
