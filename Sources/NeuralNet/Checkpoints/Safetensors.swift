import Foundation

/// The contents of one safetensors file: named F32 tensors and a `__metadata__` string map.
///
/// Layout (https://github.com/huggingface/safetensors): an 8-byte little-endian header length `n`; `n` bytes of JSON
/// `{"__metadata__": {…}, "<name>": {"dtype": "F32", "shape": […], "data_offsets": [begin, end]}, …}` padded with
/// spaces to a multiple of 8; then the little-endian data, offsets relative to its start. Like the reference writer,
/// tensors are stored in name order, the JSON is compact, and the data section is packed without gaps.
public struct SafetensorsFile: Sendable, Equatable {
    /// Tensors by name.
    public var tensors: [String: Tensor]
    /// Free-form string metadata.
    public var metadata: [String: String]

    /// A file with the given tensors and metadata.
    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Largest header accepted when reading (the reference implementation's limit).
    static let maximumHeaderLength: UInt64 = 100_000_000

    /// The serialised bytes.
    public func encoded() -> Data {
        let names = tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var header = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                .map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
            entries.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name] ?? Tensor(shape: [0])
            let end = offset + tensor.count * 4
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += entries.joined(separator: ",") + "}"
        var headerBytes = Data(header.utf8)
        headerBytes.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8))

        var data = Data(capacity: 8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(headerBytes)
        for name in names {
            for value in tensors[name]?.storage ?? [] {
                var bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// Parses and validates `data`, naming `file` in every error.
    ///
    /// - Throws: `CheckpointError` for a short file, an absurd header length, unparsable JSON, a dtype other than F32,
    ///   offsets that disagree with the shape, run out of range, overlap, or leave bytes uncovered.
    public static func decode(_ data: Data, file: String) throws -> SafetensorsFile {
        guard data.count >= 8 else { throw CheckpointError.truncated(file: file, size: data.count) }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | (UInt64($1.element) << (8 * UInt64($1.offset))) }
        guard headerLength <= maximumHeaderLength, headerLength <= UInt64(data.count - 8) else {
            throw CheckpointError.headerLength(file: file, length: headerLength, fileSize: data.count)
        }
        let headerEnd = 8 + Int(headerLength)
        let headerData = data.subdata(in: data.startIndex + 8 ..< data.startIndex + headerEnd)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: headerData)
        } catch {
            throw CheckpointError.invalidHeader(file: file, tensor: "", reason: "not valid JSON")
        }
        guard let header = parsed as? [String: Any] else {
            throw CheckpointError.invalidHeader(file: file, tensor: "", reason: "expected a JSON object")
        }
        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let map = raw as? [String: String] else {
                throw CheckpointError.invalidHeader(file: file, tensor: "", reason: "__metadata__ must map strings to strings")
            }
            metadata = map
        }

        if let duplicate = duplicateTopLevelKey(in: headerData) {
            throw CheckpointError.invalidHeader(file: file, tensor: duplicate, reason: "the name appears more than once")
        }

        let dataSize = data.count - headerEnd
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, raw) in header where name != "__metadata__" {
            func invalid(_ reason: String) -> CheckpointError { .invalidHeader(file: file, tensor: name, reason: reason) }
            guard let entry = raw as? [String: Any] else { throw invalid("expected {dtype, shape, data_offsets: [begin, end]}") }
            guard let dtype = entry["dtype"] as? String else { throw invalid("dtype must be a string such as \"F32\"") }
            guard let shape = integers(entry["shape"]) else {
                throw invalid("shape must be a list of non-negative integers, got \(jsonText(entry["shape"]))")
            }
            guard let offsets = integers(entry["data_offsets"]), offsets.count == 2 else {
                throw invalid("data_offsets must be [begin, end], two non-negative integers, got \(jsonText(entry["data_offsets"]))")
            }
            guard dtype == "F32" else { throw CheckpointError.unsupportedDtype(file: file, tensor: name, dtype: dtype) }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end, end <= dataSize else {
                throw CheckpointError.offsetsOutOfRange(file: file, tensor: name, begin: begin, end: end, dataSize: dataSize)
            }
            // Huge dimensions must not wrap around to a plausible byte count.
            guard let byteCount = byteCount(of: shape), byteCount == end - begin else {
                throw CheckpointError.byteCountMismatch(file: file, tensor: name, shape: shape, byteCount: end - begin)
            }
            entries.append((name, shape, begin, end))
        }

        // The reference implementation requires the ranges to tile the data section exactly.
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        for (index, entry) in entries.enumerated() {
            if entry.begin < covered, index > 0 {
                throw CheckpointError.overlappingTensors(file: file, tensor: entry.name, other: entries[index - 1].name)
            }
            if entry.begin > covered { throw CheckpointError.uncoveredBytes(file: file, offset: covered, dataSize: dataSize) }
            covered = entry.end
        }
        if covered != dataSize { throw CheckpointError.uncoveredBytes(file: file, offset: covered, dataSize: dataSize) }

        var tensors: [String: Tensor] = [:]
        data.withUnsafeBytes { bytes in
            for entry in entries {
                let start = headerEnd + entry.begin
                let values = (0..<(entry.end - entry.begin) / 4).map { i in
                    Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)))
                }
                tensors[entry.name] = Tensor(shape: entry.shape, storage: values)
            }
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }
}

/// `4 × Π shape` (F32 bytes), or `nil` if it does not fit in `Int`.
func byteCount(of shape: [Int]) -> Int? {
    var product = 4
    for dimension in shape {
        let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
        if overflow { return shape.contains(0) ? 0 : nil }
        product = next
    }
    return product
}

/// A short JSON rendering of a header value for messages (`null` when absent), cut at 60 characters.
private func jsonText(_ value: Any?) -> String {
    guard let value else { return "nothing" }
    let data = try? JSONSerialization.data(withJSONObject: [value], options: [.fragmentsAllowed])
    let text = data.map { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) } ?? "\(value)"
    return text.count > 60 ? String(text.prefix(60)) + "…" : text
}

/// The first key of the top-level JSON object that occurs twice (JSONSerialization would keep only one of them).
private func duplicateTopLevelKey(in header: Data) -> String? {
    let bytes = [UInt8](header)
    var seen: Set<String> = []
    var depth = 0, index = 0
    while index < bytes.count {
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
        case UInt8(ascii: "\""):
            let start = index
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard depth == 1, index < bytes.count else { break }
            var next = index + 1
            while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
            guard next < bytes.count, bytes[next] == UInt8(ascii: ":"),
                  let key = try? JSONDecoder().decode(String.self, from: Data(bytes[start ... index])) else { break }
            if !seen.insert(key).inserted { return key }
        default: break
        }
        index += 1
    }
    return nil
}

/// An array of non-negative JSON integers (JSONSerialization yields NSNumber), or nil.
private func integers(_ value: Any?) -> [Int]? {
    guard let numbers = value as? [Any] else { return nil }
    var result: [Int] = []
    for number in numbers {
        guard let n = number as? NSNumber else { return nil }
        let exact: Int
        if let value = Int(exactly: n.doubleValue), value.magnitude < 1 << 53 {
            exact = value
        } else if n.stringValue == String(n.int64Value) {
            // Beyond 2^53 `doubleValue` rounds; an integer that prints back unchanged is exact.
            exact = Int(n.int64Value)
        } else {
            return nil
        }
        guard exact >= 0 else { return nil }
        result.append(exact)
    }
    return result
}

/// `text` as a JSON string literal, escaped as serde_json does (the reference writer).
private func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
