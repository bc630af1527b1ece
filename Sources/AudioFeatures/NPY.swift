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
        for value in matrix.values {
            let bits = value.bitPattern.littleEndian
            data.append(contentsOf: [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)])
        }
        return data
    }

    /// Writes `matrix` to `path` atomically (temporary file in the same directory, then rename).
    /// - Throws: `AudioError.writeFailed` naming `path`.
    public static func write(_ matrix: FeatureMatrix, to path: String) throws {
        try AtomicFile.write(encode(matrix), to: path)
    }
}

/// Atomic replacement of a file: write a temporary sibling, flush it, rename it over the target.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw AudioError.writeFailed(path: path, reason: "\(error.localizedDescription)")
        }
        guard rename(temporary.path, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw AudioError.writeFailed(path: path, reason: reason)
        }
    }
}
