import Foundation

/// NumPy `.npy` files (format version 1.0) holding one `FeatureMatrix` as float32, C order, shape `[T, C]`.
///
/// `numpy.load(path)` returns an array of shape `(frames, features)` and dtype `<f4`.
public enum NPY {
    /// The file bytes: magic, version, a header dict padded to a multiple of 64 bytes, then little-endian floats.
    public static func encode(_ matrix: FeatureMatrix) -> Data {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(matrix.frameCount), \(matrix.featureCount)), }"
        let unpadded = 6 + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.reserveCapacity(data.count + 4 * matrix.values.count)
        // One copy of the whole matrix: a four-byte append per value costs more than the MFCC of the clip.
        let littleEndian = 1.littleEndian == 1 ? matrix.values
            : matrix.values.map { Float(bitPattern: $0.bitPattern.littleEndian) }
        littleEndian.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// Writes `matrix` to `path` atomically (temporary file in the same directory, then rename).
    /// - Throws: `AudioError.writeFailed` naming `path`.
    public static func write(_ matrix: FeatureMatrix, to path: String) throws {
        try AtomicFile.write(encode(matrix), to: path)
    }
}

/// Atomic replacement of a file: write a temporary sibling, rename it over the target.
///
/// A reader sees the old file or the whole new one, never a partial write. There is no `fsync` per file (as
/// `numpy.save`): feature files are derived data, and a sync per file cost more than the features of a clip.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AudioError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        var failure: String?
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw AudioError.writeFailed(path: path, reason: failure)
        }
    }
}
