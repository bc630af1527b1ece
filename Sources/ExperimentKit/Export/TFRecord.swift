import Foundation

/// CRC-32C (Castagnoli, reflected polynomial `0x82F63B78`), as TFRecord files checksum with.
public enum CRC32C {
    private static let table: [UInt32] = (0 ..< 256).map { index in
        var crc = UInt32(index)
        for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The CRC-32C of `bytes` (RFC 3720 B.4: `"123456789"` → `0xE3069283`).
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// TensorFlow's masked form, `((crc >> 15) | (crc << 17)) + 0xa282ead8`, so CRCs of CRCs stay well mixed.
    public static func masked(_ bytes: some Sequence<UInt8>) -> UInt32 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

/// TFRecord framing: each record is
/// ```
/// uint64 length (LE) | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
/// ```
/// (tensorflow/core/lib/io/record_writer.cc).
public enum TFRecord {
    /// One framed record.
    public static func frame(_ data: Data) -> Data {
        var output = Data(capacity: data.count + 16)
        let length = littleEndian(UInt64(data.count))
        output.append(length)
        output.append(littleEndian(CRC32C.masked(length)))
        output.append(data)
        output.append(littleEndian(CRC32C.masked(data)))
        return output
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> Data {
        withUnsafeBytes(of: value.littleEndian) { Data($0) }
    }
}
