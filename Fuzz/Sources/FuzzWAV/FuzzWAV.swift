import AudioFeatures
import Foundation

/// The per-process file each input is written to: libsndfile decodes from paths, and `AudioFile` (the one file
/// that imports it) exposes only path-based reads. `/dev/shm` keeps the per-input write in memory when present.
private let scratchPath: String = {
    let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return (directory as NSString).appendingPathComponent("exp-fuzz-wav-\(getpid()).wav")
}()

/// libFuzzer entry: bytes → a file → `AudioFile.info`, `readInterleaved`, `readMono` and a windowed read.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWAV(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    guard FileManager.default.createFile(atPath: scratchPath, contents: data) else {
        preconditionFailure("cannot write the fuzz input to \(scratchPath)")
    }
    defer { unlink(scratchPath) }
    do {
        let info = try AudioFile.info(scratchPath)
        _ = info.duration
        let (samples, read) = try AudioFile.readInterleaved(scratchPath)
        precondition(samples.count == read.frameCount * read.channelCount,
                     "\(samples.count) samples for \(read.frameCount) frames × \(read.channelCount) channels")
        precondition(samples.allSatisfy(\.isFinite), "readInterleaved returned a non-finite sample")
        let mono = try AudioFile.readMono(scratchPath, startFrame: read.frameCount / 2, count: 64)
        precondition(mono.samples.count <= 64, "a 64-frame read returned \(mono.samples.count) samples")
    } catch {
        _ = String(describing: error)
    }
    return 0
}
