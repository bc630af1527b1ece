import AudioFeatures
import Foundation
import Testing

/// `exp bench features`' workload: every WAV found, each processed exactly once across the workers, failures
/// counted rather than fatal.
@Suite struct FeatureBenchmarkTests {
    @Test(arguments: [1, 2, 3])
    func everyFileIsProcessedOnceAcrossWorkers(_ threads: Int) throws {
        let root = hostileDirectory("bench")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/nested", withIntermediateDirectories: true)
        for (index, name) in ["a.wav", "nested/b.WAV", "c.wav", "nested/d.wav", "e.wav"].enumerated() {
            try AudioFile.write("\(root)/\(name)", interleaved: toneSamples(24000 + 4800 * index, rate: 48000),
                                sampleRate: 48000)
        }
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: root + "/broken.wav"))
        try Data("ignored".utf8).write(to: URL(fileURLWithPath: root + "/notes.txt"))
        let files = try FeatureBenchmark.wavFiles(under: root)
        #expect(files == ["a.wav", "broken.wav", "c.wav", "e.wav", "nested/b.WAV", "nested/d.wav"].map { "\(root)/\($0)" })
        let report = try FeatureBenchmark.run(files: files, threads: threads)
        #expect(report.files == 5 && report.failures == 1 && report.threads == threads)
        // 0.5, 0.6, … 0.9 s at 48 kHz, resampled to 16 kHz: 3.5 s in all.
        #expect(abs(report.audioSeconds - 3.5) < 1e-9)
        #expect(report.filesPerSecond > 0 && report.featuresOnlyFilesPerSecond > 0 && report.peakRSSMegabytes > 0)
    }
}
