import Foundation

/// Hand-encoded `tensorboard.Event` protocol buffers: the file-version header and scalar summaries.
///
/// ```
/// message Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
/// message Summary { repeated Value value = 1; }
/// message Value   { string tag = 1; float simple_value = 2; }
/// ```
/// Fields are written in field-number order and zero `step` is left out, exactly as the protobuf runtime does,
/// so the bytes equal those of TensorBoard's own writer (checked against `make_tensorboard_reference.py`).
public enum TensorBoardEvent {
    /// The first event of every file: `file_version: "brain.Event:2"`.
    public static func fileVersion(wallTime: Double) -> Data {
        var event = Data()
        appendDouble(field: 1, wallTime, to: &event)
        appendBytes(field: 3, Data("brain.Event:2".utf8), to: &event)
        return event
    }

    /// An event holding one scalar per `(tag, value)` at `step`.
    public static func scalars(wallTime: Double, step: Int64, values: [(tag: String, value: Float)]) -> Data {
        var summary = Data()
        for (tag, value) in values {
            var entry = Data()
            appendBytes(field: 1, Data(tag.utf8), to: &entry)
            entry.append(0x15) // field 2, wire type 5 (32-bit)
            entry.append(TFRecord.littleEndian(value.bitPattern))
            appendBytes(field: 1, entry, to: &summary)
        }
        var event = Data()
        appendDouble(field: 1, wallTime, to: &event)
        if step != 0 {
            appendVarint(UInt64(2 << 3), to: &event)
            appendVarint(UInt64(bitPattern: step), to: &event)
        }
        appendBytes(field: 5, summary, to: &event)
        return event
    }

    static func appendDouble(field: UInt64, _ value: Double, to data: inout Data) {
        appendVarint(field << 3 | 1, to: &data)
        data.append(TFRecord.littleEndian(value.bitPattern))
    }

    static func appendBytes(field: UInt64, _ bytes: Data, to data: inout Data) {
        appendVarint(field << 3 | 2, to: &data)
        appendVarint(UInt64(bytes.count), to: &data)
        data.append(bytes)
    }

    static func appendVarint(_ value: UInt64, to data: inout Data) {
        var value = value
        while value >= 0x80 {
            data.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        data.append(UInt8(value))
    }
}
