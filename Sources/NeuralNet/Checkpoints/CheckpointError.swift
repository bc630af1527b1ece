/// A checkpoint that cannot be written, read or matched to a model; each message names the file and the tensor.
public enum CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be read or written at all.
    case io(file: String, reason: String)
    /// Fewer than the 8 bytes of the header length.
    case truncated(file: String, size: Int)
    /// The declared header length is absurd or runs past the end of the file.
    case headerLength(file: String, length: UInt64, fileSize: Int)
    /// The header is not the expected JSON; `tensor` is empty when the problem is not about one tensor.
    case invalidHeader(file: String, tensor: String, reason: String)
    /// A tensor stored in a dtype other than F32.
    case unsupportedDtype(file: String, tensor: String, dtype: String)
    /// A tensor whose byte range does not hold `shape × 4` bytes.
    case byteCountMismatch(file: String, tensor: String, shape: [Int], byteCount: Int)
    /// A tensor whose offsets are reversed or run past the data section.
    case offsetsOutOfRange(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    /// Two tensors whose byte ranges overlap.
    case overlappingTensors(file: String, tensor: String, other: String)
    /// Bytes of the data section that no tensor covers, starting at `offset`.
    case uncoveredBytes(file: String, offset: Int, dataSize: Int)
    /// A tensor the model needs but the file lacks.
    case missingTensor(file: String, tensor: String)
    /// A tensor in the file that the model does not have.
    case unexpectedTensor(file: String, tensor: String)
    /// A tensor whose shape differs from the model's.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// A `__metadata__` entry that is absent.
    case missingMetadata(file: String, key: String)
    /// A `__metadata__` entry whose value is not what the reader expected.
    case metadataMismatch(file: String, key: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .io(file, reason):
            "\(file): \(reason)"
        case let .truncated(file, size):
            "\(file): truncated safetensors file: \(size) bytes, expected at least 8 (the header length)"
        case let .headerLength(file, length, fileSize):
            "\(file): safetensors header length \(length) is invalid for a file of \(fileSize) bytes "
                + "(must be at most \(SafetensorsFile.maximumHeaderLength) and at most the file size − 8)"
        case let .invalidHeader(file, tensor, reason):
            tensor.isEmpty ? "\(file): invalid safetensors header: \(reason)"
                : "\(file): tensor '\(tensor)': invalid header entry: \(reason)"
        case let .unsupportedDtype(file, tensor, dtype):
            "\(file): tensor '\(tensor)' has dtype \(dtype); only F32 is supported"
        case let .byteCountMismatch(file, tensor, shape, byteCount):
            "\(file): tensor '\(tensor)' of shape \(shape) needs \(NeuralNet.byteCount(of: shape).map { "\($0) bytes" } ?? "more bytes than a file can hold"), its offsets span \(byteCount)"
        case let .offsetsOutOfRange(file, tensor, begin, end, dataSize):
            "\(file): tensor '\(tensor)' has data_offsets [\(begin), \(end)] outside the data section of \(dataSize) bytes"
        case let .overlappingTensors(file, tensor, other):
            "\(file): tensor '\(tensor)' overlaps tensor '\(other)'"
        case let .uncoveredBytes(file, offset, dataSize):
            "\(file): data section of \(dataSize) bytes has bytes at offset \(offset) that no tensor covers"
        case let .missingTensor(file, tensor):
            "\(file): missing tensor '\(tensor)'"
        case let .unexpectedTensor(file, tensor):
            "\(file): unexpected tensor '\(tensor)' (not in the model)"
        case let .shapeMismatch(file, tensor, expected, found):
            "\(file): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .missingMetadata(file, key):
            "\(file): missing metadata key '\(key)'"
        case let .metadataMismatch(file, key, expected, found):
            "\(file): metadata '\(key)' is '\(found)', expected '\(expected)'"
        }
    }
}
