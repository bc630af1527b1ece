// The on-disk feature cache: its entry format, its key and its error.

import AudioFeatures
import Foundation

/// Why the feature cache could not store an entry.
public enum FeatureCacheError: Error, CustomStringConvertible, Equatable, Sendable {
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unwritable(let path, let reason): return "\(path): cannot write feature-cache entry (\(reason))"
        }
    }
}

/// An on-disk cache of per-clip feature matrices, keyed by audio content and the full feature configuration.
///
/// Entries live at `<directory>/v<version>/<2 hex>/<64 hex>.feat`, one file each:
/// ```
/// offset  size  field
///      0     4  magic "EXPF"
///      4     4  format version (UInt32 LE)
///      8     4  T, frames (UInt32 LE)
///     12     4  C, features per frame (UInt32 LE)
///     16    32  SHA-256 key digest (guards against a misplaced or renamed file)
///     48     8  FNV-1a 64 checksum of the payload bytes (UInt64 LE)
///     56  4·T·C payload, Float32 LE, row-major [T, C]
/// ```
/// Writes go to a temporary file in the entry's folder and are renamed into place, so a reader never sees a
/// partial entry and concurrent writers of the same entry simply replace each other's identical bytes. Any
/// entry that fails a check on read (size, magic, version, key, checksum) is deleted and reported as corrupt.
public struct FeatureCache: Sendable {
    /// Bumped whenever the entry layout or the meaning of a key changes; old entries are then never read.
    public static let formatVersion: UInt32 = 1
    static let magic: [UInt8] = Array("EXPF".utf8)
    static let headerSize = 56

    /// Root folder of the cache.
    public let directory: String

    /// A cache rooted at `directory` (created on first write).
    public init(directory: String) {
        self.directory = directory
    }

    /// `$EXP_CACHE` when set and non-empty, else `.cache/exp` under `currentDirectory`.
    public static func defaultDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> String {
        if let configured = environment["EXP_CACHE"], !configured.isEmpty { return configured }
        return URL(fileURLWithPath: currentDirectory).appendingPathComponent(".cache/exp").path
    }

    /// The outcome of looking an entry up.
    public enum Lookup: Sendable, Equatable {
        case hit(FeatureMatrix)
        case miss
        /// The entry existed but failed `reason`; it has been removed.
        case corrupt(reason: String)
    }

    /// The file that holds the entry for `key`.
    public func path(for key: FeatureCacheKey) -> String {
        let hex = key.hex
        return "\(directory)/v\(FeatureCache.formatVersion)/\(hex.prefix(2))/\(hex).feat"
    }

    /// Reads the entry for `key`, deleting it when it is corrupt.
    public func read(_ key: FeatureCacheKey) -> Lookup {
        let path = path(for: key)
        guard let data = FileManager.default.contents(atPath: path) else { return .miss }
        switch FeatureCache.decode(Array(data), key: key) {
        case .success(let matrix):
            return .hit(matrix)
        case .failure(let reason):
            // Another process may already have replaced it with a good entry; removing that costs one rebuild.
            unlink(path)
            return .corrupt(reason: reason.text)
        }
    }

    /// Stores `matrix` as the entry for `key`, atomically.
    /// - Throws: `FeatureCacheError.unwritable` naming the entry.
    public func write(_ matrix: FeatureMatrix, for key: FeatureCacheKey) throws {
        let path = path(for: key)
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FeatureCacheError.unwritable(path: path, reason: error.localizedDescription)
        }
        let temporary = "\(folder)/.\(key.hex).\(getpid()).\(UUID().uuidString).tmp"
        if let reason = FeatureCache.writeNew(FeatureCache.encode(matrix, key: key), to: temporary) {
            unlink(temporary)
            throw FeatureCacheError.unwritable(path: path, reason: reason)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FeatureCacheError.unwritable(path: path, reason: reason)
        }
    }

    /// Writes `bytes` to a new file at `path`; returns nil or the system's reason for the failure (e.g. "No space
    /// left on device"), leaving whatever was written for the caller to remove.
    ///
    /// No fsync: an entry torn by a power cut fails its checksum and is rebuilt, and a sync per entry would cost
    /// more than extracting small clips.
    static func writeNew(_ bytes: [UInt8], to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Foundation.write(descriptor, base + written, bytes.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            written += count
        }
        return nil
    }

    /// Removes temporary files (`.<key>.<pid>.<uuid>.tmp`) that writers on this host left when they were killed;
    /// those of live processes are kept.
    public func removeAbandonedTemporaries() {
        let root = "\(directory)/v\(FeatureCache.formatVersion)"
        for folder in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where folder.count == 2 {
            let path = "\(root)/\(folder)"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            where name.hasPrefix(".") && name.hasSuffix(".tmp") {
                let fields = name.split(separator: ".")
                guard fields.count == 4, let pid = Int32(fields[1]), kill(pid, 0) != 0, errno == ESRCH else { continue }
                unlink("\(path)/\(name)")
            }
        }
    }

    struct DecodeFailure: Error { let text: String }

    static func encode(_ matrix: FeatureMatrix, key: FeatureCacheKey) -> [UInt8] {
        var bytes = magic
        bytes.reserveCapacity(headerSize + 4 * matrix.values.count)
        appendLittleEndian(&bytes, formatVersion)
        appendLittleEndian(&bytes, UInt32(matrix.frameCount))
        appendLittleEndian(&bytes, UInt32(matrix.featureCount))
        bytes += key.digest
        var payload = [UInt8]()
        payload.reserveCapacity(4 * matrix.values.count)
        for value in matrix.values { appendLittleEndian(&payload, value.bitPattern) }
        appendLittleEndian(&bytes, fnv1a64(payload))
        return bytes + payload
    }

    static func decode(_ bytes: [UInt8], key: FeatureCacheKey) -> Result<FeatureMatrix, DecodeFailure> {
        guard bytes.count >= headerSize else { return .failure(DecodeFailure(text: "\(bytes.count)-byte file is shorter than the header")) }
        guard Array(bytes[0..<4]) == magic else { return .failure(DecodeFailure(text: "bad magic")) }
        let version = readLittleEndian(bytes, at: 4, as: UInt32.self)
        guard version == formatVersion else {
            return .failure(DecodeFailure(text: "format version \(version), expected \(formatVersion)"))
        }
        let frames = Int(readLittleEndian(bytes, at: 8, as: UInt32.self))
        let features = Int(readLittleEndian(bytes, at: 12, as: UInt32.self))
        guard Array(bytes[16..<48]) == key.digest else { return .failure(DecodeFailure(text: "entry belongs to another key")) }
        let expected = headerSize + 4 * frames * features
        guard bytes.count == expected else {
            return .failure(DecodeFailure(text: "\(bytes.count) bytes, expected \(expected) for \(frames) × \(features)"))
        }
        let payload = bytes[headerSize...]
        guard fnv1a64(payload) == readLittleEndian(bytes, at: 48, as: UInt64.self) else {
            return .failure(DecodeFailure(text: "payload checksum mismatch"))
        }
        var values = [Float](repeating: 0, count: frames * features)
        for i in values.indices {
            values[i] = Float(bitPattern: readLittleEndian(bytes, at: headerSize + 4 * i, as: UInt32.self))
        }
        return .success(FeatureMatrix(frameCount: frames, featureCount: features, values: values))
    }

    /// FNV-1a, 64-bit (Fowler, Noll, Vo): offset basis 0xcbf29ce484222325, prime 0x100000001b3.
    static func fnv1a64<Bytes: Collection>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
        for shift in stride(from: 0, to: T.bitWidth, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    private static func readLittleEndian<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: T.Type) -> T {
        var value: T = 0
        for i in 0..<(T.bitWidth / 8) { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }
}

/// The identity of one cache entry: the audio's content hash and the canonical text of everything that
/// shapes its features (format version, loading parameters, extractor `cacheKey`).
public struct FeatureCacheKey: Hashable, Sendable {
    /// SHA-256 of the audio file's bytes (hex).
    public let contentHash: String
    /// Canonical configuration text the digest covers.
    public let configuration: String
    /// SHA-256 over version, content hash and configuration.
    public let digest: [UInt8]

    /// The key for audio `contentHash` under loader key `loading` and extractor key `features`.
    public init(contentHash: String, loading: String, features: String) {
        self.contentHash = contentHash
        configuration = "format=\(FeatureCache.formatVersion)\nloading=\(loading)\nfeatures=\(features)"
        var hash = ContentHash()
        hash.update(Array("\(contentHash)\n\(configuration)".utf8))
        digest = hash.finalize()
    }

    /// The digest in hexadecimal (the entry's file name).
    public var hex: String { ContentHash.hex(digest) }
}
