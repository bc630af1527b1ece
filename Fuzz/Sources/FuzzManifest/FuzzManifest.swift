import EmotionCorpus
import Foundation

/// A per-process directory holding the manifest under test; listed clips resolve against it and do not exist,
/// so every row exercises the bad-file path as well as the CSV and column checks.
private let scratchDirectory: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let directory = (base as NSString).appendingPathComponent("exp-fuzz-manifest-\(getpid())")
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory
}()

/// libFuzzer entry: bytes → a manifest file → `ManifestSource.load` (RFC 4180 parsing, header, column checks).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let buffer = UnsafeBufferPointer(start: bytes, count: count)
    // Listed paths are opened for probing; keep the fuzzer away from device and kernel files (a FIFO or
    // /dev/stdin would block), which says nothing about the parser.
    let text = String(decoding: buffer, as: UTF8.self)
    if text.contains("/dev") || text.contains("/proc") || text.contains("/sys") { return -1 }
    let path = (scratchDirectory as NSString).appendingPathComponent("manifest.csv")
    guard FileManager.default.createFile(atPath: path, contents: Data(buffer)) else {
        preconditionFailure("cannot write the fuzz input to \(path)")
    }
    do {
        let corpus = try ManifestSource(.init(path: path, onBadFile: .skip)).load()
        _ = corpus.clips.count
    } catch {
        _ = String(describing: error)
    }
    return 0
}
