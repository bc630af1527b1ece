import AudioFeatures
import Foundation
import Testing

/// `exp features` as a child process: one `.npy` per input equal to the library's in-process MFCC, one error line
/// per unreadable input, a non-zero status; and an 8-hour input read with bounded memory.
@Suite struct FeaturesCommandTests {
    static var executable: String {
        (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
            .appendingPathComponent("exp").path
    }

    /// What a finished child reported: exit status, stderr text, peak resident set in MB (from `wait4`).
    struct Child {
        let status: Int32
        let err: String
        let peakRSSMegabytes: Double
    }

    /// Runs `exp arguments` with `posix_spawn` and reaps it with `wait4`, so the peak RSS is this child's alone.
    func exp(_ arguments: [String], environment: [String: String] = [:]) throws -> Child {
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("exp-features-err-\(UUID().uuidString)").path
        defer { unlink(errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv = ([Self.executable] + arguments).map { strdup($0) } + [nil]
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let envp = merged.map { strdup("\($0)=\($1)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, Self.executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Child(status: exitStatus, err: err, peakRSSMegabytes: Double(usage.ru_maxrss) / 1024)
    }

    func workspace() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("exp-features-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    func tone(_ count: Int, rate: Int, frequency: Double) -> [Float] {
        (0..<count).map { Float(0.4 * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
    }

    @Test func writesOneNpyPerInputAndOneErrorLinePerBadInput() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let mono = root + "/mono.wav", stereo = root + "/stereo.flac", text = root + "/notes.wav"
        let missing = root + "/missing.wav", out = root + "/out"
        try AudioFile.write(mono, interleaved: tone(24000, rate: 16000, frequency: 220), sampleRate: 16000)
        let left = tone(33075, rate: 22050, frequency: 330), right = tone(33075, rate: 22050, frequency: 990)
        try AudioFile.write(stereo, interleaved: zip(left, right).flatMap { [$0, $1] }, channelCount: 2,
                            sampleRate: 22050, encoding: .pcm24)
        try Data("this is not audio".utf8).write(to: URL(fileURLWithPath: text))
        let result = try exp(["features", "--sample-rate", "16000", "--n-mfcc", "13", "--n-fft", "512",
                              "--hop-length", "160", "--n-mels", "40", "--out", out, mono, text, stereo, missing])
        #expect(result.status == 1)
        let lines = result.err.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("error: \(text): not a readable audio file (") }, "\(result.err)")
        #expect(lines.contains("error: \(missing): no such file"), "\(result.err)")
        #expect(lines.last == "2 of 4 input(s) failed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["mono.npy", "stereo.npy"])

        let extractor = try MFCC(MFCC.Configuration(
            logMel: LogMel.Configuration(sampleRate: 16000, fftSize: 512, hopLength: 160, melCount: 40),
            coefficientCount: 13))
        for (input, name, seconds) in [(mono, "mono", 1.5), (stereo, "stereo", 1.5)] {
            let expected = extractor.extract(try Audio.load(input, sampleRate: 16000).samples)
            #expect(expected.frameCount == 1 + Int(seconds * 16000) / 160 && expected.featureCount == 13)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(name).npy"))
            #expect(bytes == NPY.encode(expected), "\(name).npy differs from the in-process MFCC")
            let header = String(decoding: bytes.prefix(128), as: UTF8.self)
            #expect(header.contains("'shape': (\(expected.frameCount), 13)"))
            #expect(lines.contains("\(out)/\(name).npy: [\(expected.frameCount), 13]"))
        }
    }

    /// An 8-hour, 16 kHz, 16-bit WAV that is a sparse hole apart from its header and a tone near the end.
    func eightHourFile(in root: String) throws -> String {
        let path = root + "/eight_hours.wav"
        let frames = 8 * 3600 * 16000, dataBytes = UInt32(2 * frames)
        func le32(_ v: UInt32) -> [UInt8] { [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: v >> $0) } }
        let header: [UInt8] = Array("RIFF".utf8) + le32(dataBytes + 36) + Array("WAVEfmt ".utf8) + le32(16)
            + [1, 0, 1, 0] + le32(16000) + le32(32000) + [2, 0, 16, 0] + Array("data".utf8) + le32(dataBytes)
        try Data(header).write(to: URL(fileURLWithPath: path))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(44 + 2 * 28_790 * 16000))
        let pcm = tone(5 * 16000, rate: 16000, frequency: 440).flatMap { sample -> [UInt8] in
            let value = Int16((sample * 32767).rounded())
            return [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
        }
        try handle.write(contentsOf: Data(pcm))
        try handle.truncate(atOffset: UInt64(44 + 2 * frames))
        return path
    }

    @Test func eightHourInputIsReadWithBoundedMemory() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let long = try eightHourFile(in: root)
        let short = root + "/short.wav"
        try AudioFile.write(short, interleaved: tone(48000, rate: 16000, frequency: 440), sampleRate: 16000)
        let options = ["features", "--sample-rate", "16000", "--n-fft", "512", "--hop-length", "160", "--n-mels", "40"]

        // Baseline: a 3-second file. Then 3 s out of the 8-hour one: the same work, the same memory.
        let baseline = try exp(options + ["--duration", "3", "--out", root + "/a", short])
        #expect(baseline.status == 0, "\(baseline.err)")
        let window = try exp(options + ["--offset", "28790", "--duration", "3", "--out", root + "/b", long])
        #expect(window.status == 0, "\(window.err)")
        #expect(window.err.contains("eight_hours.npy: [301, 20]"), "\(window.err)")
        #expect(window.peakRSSMegabytes < baseline.peakRSSMegabytes + 32,
                "8-hour window peak RSS \(window.peakRSSMegabytes) MB vs 3 s file \(baseline.peakRSSMegabytes) MB")
        let a = try Data(contentsOf: URL(fileURLWithPath: root + "/a/short.npy"))
        let b = try Data(contentsOf: URL(fileURLWithPath: root + "/b/eight_hours.npy"))
        #expect(a.count == b.count)

        // The whole file (1.8 GB as float32) is refused from its header, before any allocation.
        let whole = try exp(options + ["--out", root + "/c", long])
        #expect(whole.status == 1)
        #expect(whole.err.contains("error: \(long): 8.0 h of audio (460800000 frames at 16000 Hz) exceeds the decoding limit of 67108864 samples"), "\(whole.err)")
        #expect(whole.peakRSSMegabytes < baseline.peakRSSMegabytes + 32, "whole-file refusal peak RSS \(whole.peakRSSMegabytes) MB")

        // The cap is configurable per process.
        let capped = try exp(options + ["--out", root + "/d", short], environment: ["EXP_MAX_AUDIO_SAMPLES": "1000"])
        #expect(capped.status == 1)
        #expect(capped.err.contains("exceeds the decoding limit of 1000 samples"), "\(capped.err)")
    }
}
