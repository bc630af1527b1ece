import Foundation
import NeuralNet

/// libFuzzer entry: bytes → `SafetensorsFile.decode` (header length, JSON header, dtypes, shapes, byte ranges).
///
/// A file that decodes must survive a round trip: encoding it and decoding again gives the same tensors, so the
/// reader and the writer agree on every layout the reader accepts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    do {
        let file = try SafetensorsFile.decode(data, file: "fuzz.safetensors")
        let again = try SafetensorsFile.decode(file.encoded(), file: "fuzz.safetensors")
        // NaN payloads are legal tensor values and compare unequal, so compare bit patterns.
        precondition(again.metadata == file.metadata, "metadata changed in a round trip")
        precondition(again.tensors.keys.sorted() == file.tensors.keys.sorted(), "tensor names changed in a round trip")
        for (name, tensor) in file.tensors {
            guard let other = again.tensors[name] else { continue }
            precondition(other.shape == tensor.shape, "\(name): shape \(tensor.shape) became \(other.shape)")
            precondition(other.storage.map(\.bitPattern) == tensor.storage.map(\.bitPattern), "\(name): values changed")
        }
    } catch {
        _ = String(describing: error)
    }
    return 0
}
