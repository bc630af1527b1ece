import CSndFile
import Foundation

/// What libsndfile reports about an audio file before any sample is read.
public struct AudioFileInfo: Sendable, Equatable {
    /// Frames per channel declared by the container.
    public var frameCount: Int
    /// Native sample rate in Hz.
    public var sampleRate: Int
    /// Interleaved channel count (1 = mono).
    public var channelCount: Int
    /// Container and encoding, e.g. `"WAV/PCM_16"`, `"FLAC/PCM_24"`, `"OGG/VORBIS"`.
    public var format: String
    /// Duration in seconds, `frameCount / sampleRate`.
    public var duration: Double { sampleRate > 0 ? Double(frameCount) / Double(sampleRate) : 0 }
}

/// Sample encodings `AudioFile.write` can produce (`pcm8` is unsigned 8-bit in WAV, signed in FLAC; `vorbis`
/// needs an `.ogg`/`.oga` path).
public enum AudioEncoding: String, Sendable, CaseIterable, Codable {
    case pcm8, pcm16, pcm24, pcm32, float32, vorbis
}

/// Reading and writing audio files through libsndfile (the only file that touches the C API).
///
/// Every decoding reads Float32 in `[-1, 1]`, as `soundfile.read(dtype="float32")` does (libsndfile scales
/// integer PCM by `1 / 2^(bits-1)`). Multi-channel input is returned interleaved by `readInterleaved` and mixed
/// down by `readMono` as the mean of the channels (`librosa.to_mono`).
public enum AudioFile {
    /// Returns container facts for the file at `path` without decoding samples.
    /// - Throws: `AudioError` naming the file when it is missing or not audio.
    public static func info(_ path: String) throws -> AudioFileInfo {
        let handle = try Handle(path: path, mode: .read)
        return handle.info
    }

    /// Returns container facts like `info`, after the header checks every read makes: at least one frame and one
    /// channel, a positive sample rate, and no data chunk declaring more bytes than the file holds.
    /// - Throws: `AudioError` naming the file: missing, not audio, empty, unsupported or truncated.
    public static func validate(_ path: String) throws -> AudioFileInfo {
        let handle = try Handle(path: path, mode: .read)
        try handle.checkHeader(path: path)
        return handle.info
    }

    /// Reads `count` frames (all remaining when `nil`) from `startFrame`, interleaved `[frame * channels + channel]`.
    ///
    /// A `count` past the end reads what remains, as `soundfile.read(frames=…)` does. Only the selected frames
    /// are decoded (libsndfile seeks to `startFrame`).
    /// - Throws: `AudioError` for a missing, non-audio, empty or truncated file, a start beyond the end, non-finite
    ///   samples, or a selection of more than `maximumSamples` samples (frames × channels, `AudioLimits`).
    public static func readInterleaved(
        _ path: String, startFrame: Int = 0, count: Int? = nil, maximumSamples: Int = AudioLimits.maximumSamples
    ) throws -> (samples: [Float], info: AudioFileInfo) {
        try read(path, mixDown: false, maximumSamples: maximumSamples) { _ in (startFrame, count) }
    }

    /// Reads the frames chosen by `range` from the file's facts (used when the range depends on the native rate).
    /// - Throws: `AudioError`, as `readInterleaved(_:startFrame:count:maximumSamples:)`, or what `range` throws.
    public static func readInterleaved(
        _ path: String, maximumSamples: Int = AudioLimits.maximumSamples,
        range: (AudioFileInfo) throws -> (start: Int, count: Int?)
    ) throws -> (samples: [Float], info: AudioFileInfo) {
        try read(path, mixDown: false, maximumSamples: maximumSamples, range: range)
    }

    /// Reads frames like `readInterleaved` and mixes all channels down to mono (mean of channels,
    /// `librosa.to_mono`), chunk by chunk, so only one chunk of interleaved samples is held at a time.
    /// - Throws: `AudioError`, as `readInterleaved`; `maximumSamples` counts mono frames.
    public static func readMono(
        _ path: String, startFrame: Int = 0, count: Int? = nil, maximumSamples: Int = AudioLimits.maximumSamples
    ) throws -> (samples: [Float], info: AudioFileInfo) {
        try read(path, mixDown: true, maximumSamples: maximumSamples) { _ in (startFrame, count) }
    }

    /// Reads mono frames chosen by `range` from the file's facts (what `Audio.load` uses).
    /// - Throws: `AudioError`, as `readMono(_:startFrame:count:maximumSamples:)`, or what `range` throws.
    public static func readMono(
        _ path: String, maximumSamples: Int = AudioLimits.maximumSamples,
        range: (AudioFileInfo) throws -> (start: Int, count: Int?)
    ) throws -> (samples: [Float], info: AudioFileInfo) {
        try read(path, mixDown: true, maximumSamples: maximumSamples, range: range)
    }

    /// The shared reader: header checks, the size cap before any allocation, a seek, then bounded reads.
    private static func read(
        _ path: String, mixDown: Bool, maximumSamples: Int, range: (AudioFileInfo) throws -> (start: Int, count: Int?)
    ) throws -> (samples: [Float], info: AudioFileInfo) {
        let handle = try Handle(path: path, mode: .read)
        let info = handle.info
        try handle.checkHeader(path: path)
        let (startFrame, count) = try range(info)
        guard startFrame >= 0, startFrame <= info.frameCount else {
            throw AudioError.outOfRange(
                path: path, reason: "start frame \(startFrame) is outside 0...\(info.frameCount)")
        }
        let start = startFrame
        let wanted = min(max(count ?? (info.frameCount - start), 0), info.frameCount - start)
        guard wanted > 0 else { throw AudioError.empty(path: path) }
        let channels = info.channelCount
        let kept = mixDown ? 1 : channels
        let (held, overflow) = wanted.multipliedReportingOverflow(by: kept)
        guard !overflow, held <= maximumSamples else {
            throw AudioError.tooLong(path: path, frames: wanted, sampleRate: info.sampleRate, channels: kept,
                                     limit: maximumSamples)
        }
        if start > 0 {
            guard sf_seek(handle.file, sf_count_t(start), SEEK_SET) >= 0 else {
                throw AudioError.truncated(path: path, expectedFrames: info.frameCount, readFrames: 0)
            }
        }
        // Each libsndfile call fills at most `chunkSamples` interleaved samples: directly into the result when
        // all channels are kept, else into a staging chunk that is averaged into the mono result.
        let chunkFrames = max(1, AudioLimits.chunkSamples / channels)
        var total = 0
        var nonFinite: Int?
        let samples = [Float](unsafeUninitializedCapacity: held) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let staging = kept == channels ? nil : UnsafeMutablePointer<Float>.allocate(capacity: chunkFrames * channels)
            defer { staging?.deallocate() }
            let divisor = Float(channels)
            while total < wanted {
                let ask = min(chunkFrames, wanted - total)
                let target = staging ?? base + total * channels
                let got = Int(sf_readf_float(handle.file, target, sf_count_t(ask)))
                if got <= 0 { break }
                if let index = firstNonFinite(UnsafeBufferPointer(start: target, count: got * channels)) {
                    nonFinite = start + total + index / channels
                    break
                }
                if let staging {
                    // Sum then divide (not multiply by 1/C): the same float32 rounding as numpy's mean.
                    for frame in 0..<got {
                        var sum: Float = 0
                        for channel in 0..<channels { sum += staging[frame * channels + channel] }
                        base[total + frame] = sum / divisor
                    }
                }
                total += got
            }
            initialized = total * kept
        }
        if let frame = nonFinite { throw AudioError.nonFiniteSamples(path: path, frame: frame) }
        guard total == wanted else {
            throw AudioError.truncated(path: path, expectedFrames: start + wanted, readFrames: start + total)
        }
        return (samples, info)
    }

    /// Writes interleaved samples to a WAV file (FLAC when `path` ends in `.flac`, Ogg when it ends in `.ogg` or
    /// `.oga`), atomically.
    ///
    /// The data goes to a temporary file beside `path` that is renamed over it only once complete, so a
    /// crash never leaves a half-written file under the final name.
    /// - Throws: `AudioError.writeFailed` naming the file and libsndfile's reason.
    public static func write(
        _ path: String, interleaved samples: [Float], channelCount: Int = 1, sampleRate: Int,
        encoding: AudioEncoding = .pcm16
    ) throws {
        precondition(channelCount > 0 && samples.count % channelCount == 0,
                     "AudioFile.write: \(samples.count) samples do not split into \(channelCount) channels")
        let lowered = path.lowercased()
        let container: Int32 = lowered.hasSuffix(".flac") ? Int32(SF_FORMAT_FLAC)
            : lowered.hasSuffix(".ogg") || lowered.hasSuffix(".oga") ? Int32(SF_FORMAT_OGG) : Int32(SF_FORMAT_WAV)
        let subtype: Int32
        switch encoding {
        case .pcm8: subtype = container == Int32(SF_FORMAT_WAV) ? Int32(SF_FORMAT_PCM_U8) : Int32(SF_FORMAT_PCM_S8)
        case .pcm16: subtype = Int32(SF_FORMAT_PCM_16)
        case .pcm24: subtype = Int32(SF_FORMAT_PCM_24)
        case .pcm32: subtype = Int32(SF_FORMAT_PCM_32)
        case .float32: subtype = Int32(SF_FORMAT_FLOAT)
        case .vorbis: subtype = Int32(SF_FORMAT_VORBIS)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(base).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp"
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channelCount)
        info.format = container | subtype
        guard sf_format_check(&info) != 0 else {
            throw AudioError.writeFailed(path: path, reason: "libsndfile rejects \(encoding.rawValue) at \(sampleRate) Hz, \(channelCount) channels")
        }
        guard let file = sf_open(temporary, Int32(SFM_WRITE), &info) else {
            throw AudioError.writeFailed(path: path, reason: String(cString: sf_strerror(nil)))
        }
        // Clip rather than wrap: libsndfile converts out-of-range floats to integers with wrap-around otherwise.
        var clip = Int32(SF_TRUE)
        _ = sf_command(file, Int32(SFC_SET_CLIPPING), &clip, Int32(MemoryLayout<Int32>.size))
        let frames = samples.count / channelCount
        let written = samples.withUnsafeBufferPointer { buffer in
            Int(sf_writef_float(file, buffer.baseAddress, sf_count_t(frames)))
        }
        let closeStatus = sf_close(file)
        guard written == frames, closeStatus == 0 else {
            unlink(temporary)
            throw AudioError.writeFailed(path: path, reason: "wrote \(written) of \(frames) frames")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw AudioError.writeFailed(path: path, reason: reason)
        }
    }

    /// An open libsndfile handle that is closed when released.
    private final class Handle {
        enum Mode { case read }
        let file: OpaquePointer
        let info: AudioFileInfo
        /// Frames the WAV data chunk claims when libsndfile found fewer bytes on disk (it shortens silently).
        let declaredFrameCount: Int?

        init(path: String, mode: Mode) throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw AudioError.missing(path: path)
            }
            guard !isDirectory.boolValue else { throw AudioError.notAudio(path: path, reason: "is a directory") }
            var raw = SF_INFO()
            guard let file = sf_open(path, Int32(SFM_READ), &raw) else {
                let reason = String(cString: sf_strerror(nil))
                throw AudioError.classifyOpenFailure(path: path, reason: reason)
            }
            self.file = file
            self.info = AudioFileInfo(
                frameCount: Int(raw.frames), sampleRate: Int(raw.samplerate), channelCount: Int(raw.channels),
                format: Handle.describe(format: raw.format))
            self.declaredFrameCount = Handle.declaredFrames(file: file, info: raw)
        }

        /// Reads libsndfile's open log for a data chunk longer than the file ("data : 32000 (should be 8000)"),
        /// and returns the frame count the header declared.
        static func declaredFrames(file: OpaquePointer, info: SF_INFO) -> Int? {
            var log = [CChar](repeating: 0, count: 4096)
            let length = Int(sf_command(file, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count)))
            guard length > 0 else { return nil }
            let text = String(decoding: log.prefix(min(length, log.count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("data :") && $0.contains("should be") }),
                  let bytes = line.dropFirst("data :".count).split(separator: " ").first.flatMap({ Int($0) })
            else { return nil }
            var bytesPerFrame = 0
            switch info.format & Int32(SF_FORMAT_SUBMASK) {
            case Int32(SF_FORMAT_PCM_S8), Int32(SF_FORMAT_PCM_U8), Int32(SF_FORMAT_ULAW), Int32(SF_FORMAT_ALAW): bytesPerFrame = 1
            case Int32(SF_FORMAT_PCM_16): bytesPerFrame = 2
            case Int32(SF_FORMAT_PCM_24): bytesPerFrame = 3
            case Int32(SF_FORMAT_PCM_32), Int32(SF_FORMAT_FLOAT): bytesPerFrame = 4
            case Int32(SF_FORMAT_DOUBLE): bytesPerFrame = 8
            default: return nil
            }
            return bytes / (bytesPerFrame * max(Int(info.channels), 1))
        }

        /// Rejects headers no read can use: no frames or channels, a non-positive rate, a data chunk longer than
        /// the file.
        func checkHeader(path: String) throws {
            guard info.channelCount > 0 else { throw AudioError.notAudio(path: path, reason: "the header declares 0 channels") }
            guard info.frameCount > 0 else { throw AudioError.empty(path: path) }
            guard info.sampleRate > 0 else {
                throw AudioError.unsupported(path: path, reason: "sample rate \(info.sampleRate) Hz")
            }
            if let declared = declaredFrameCount, declared > info.frameCount {
                throw AudioError.truncated(path: path, expectedFrames: declared, readFrames: info.frameCount)
            }
        }

        deinit { sf_close(file) }

        static func describe(format: Int32) -> String {
            func name(_ value: Int32, _ command: Int32) -> String {
                var format = SF_FORMAT_INFO()
                format.format = value
                guard sf_command(nil, command, &format, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0,
                      let text = format.extension ?? format.name else { return String(value, radix: 16) }
                return String(cString: text).uppercased()
            }
            let major = format & Int32(SF_FORMAT_TYPEMASK)
            let minor = format & Int32(SF_FORMAT_SUBMASK)
            var subtype = SF_FORMAT_INFO()
            subtype.format = minor
            let subtypeName: String
            if sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &subtype, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0,
               let text = subtype.name {
                subtypeName = String(cString: text)
            } else {
                subtypeName = String(minor, radix: 16)
            }
            return "\(name(major, Int32(SFC_GET_FORMAT_INFO)))/\(subtypeName)"
        }
    }
}

extension AudioFile {
    /// The linked libsndfile's version string, e.g. `libsndfile-1.2.0`.
    static var libraryVersion: String { sf_version_string().map { String(cString: $0) } ?? "unknown" }
}
