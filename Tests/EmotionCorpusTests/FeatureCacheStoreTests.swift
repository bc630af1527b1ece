import AudioFeatures
import EmotionCorpus
import Foundation
import Testing

/// The loader the cache keys on, and the whole chain on the demo corpus with a real extractor.
@Suite struct FeatureCacheStoreTests {
    @Test func loaderResamplesCutsAndNormalises() throws {
        let fixture = try CacheFixture(name: "loader", count: 2)
        defer { fixture.remove() }
        let path = fixture.clips[1].path  // 4,700 samples at 8 kHz
        let native = try ClipLoader(sampleRate: 8_000).load(path)
        #expect(native.count == 4_700)
        #expect(try ClipLoader(sampleRate: 16_000).load(path).count == 9_400)
        let cut = try ClipLoader(sampleRate: 8_000, offset: 0.1, duration: 0.25).load(path)
        #expect(cut == Array(native[800..<2_800]))
        let peak = try ClipLoader(sampleRate: 8_000, normalization: .peak).load(path)
        #expect(abs(peak.map(abs).max()! - 1) < 1e-6)
        let rms = try ClipLoader(sampleRate: 8_000, normalization: .rms).load(path)
        let level = (rms.reduce(0) { $0 + Double($1) * Double($1) } / Double(rms.count)).squareRoot()
        #expect(abs(level - 0.1) < 1e-5)
        #expect(throws: AudioError.self) { try ClipLoader(sampleRate: 8_000).load(path + ".missing") }
    }

    @Test func demoCorpusMfccsAreExtractedOnceThenServedFromTheCache() throws {
        let directory = SynthFixture.temporaryDirectory("store-demo")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let summary = try DemoCorpus.write(to: directory + "/corpus", configuration: .init(actorCount: 1, seed: 3, sampleRate: 8_000))
        let clips = Array(summary.clips.prefix(12))
        let mfcc = try MFCC(MFCC.Configuration(logMel: .init(sampleRate: 16_000, fftSize: 512, hopLength: 160, melCount: 40),
                                               coefficientCount: 13))
        let store = FeatureStore(cache: FeatureCache(directory: directory + "/cache"), extractor: mfcc,
                                 loader: ClipLoader(sampleRate: 16_000, normalization: .peak), showsProgress: false)
        let (first, report1) = try store.features(for: clips)
        #expect(report1 == FeatureStore.Report(hits: 0, misses: 12, extracted: 12, rebuilt: 0))
        let (second, report2) = try store.features(for: clips)
        #expect(report2 == FeatureStore.Report(hits: 12, misses: 0, extracted: 0, rebuilt: 0))
        #expect(first == second)
        for (clip, matrix) in zip(clips, first) {
            let seconds = try AudioFile.info(clip.path).duration
            // librosa's centred frame count: 1 + n / hop at 16 kHz.
            #expect(matrix.featureCount == 13 && matrix.frameCount == 1 + Int((seconds * 16_000).rounded(.up)) / 160)
        }
        // Hashes computed by the corpus scan key the same entries.
        let hashed = try Corpus(name: "demo", root: directory, clips: clips, classes: ["neutral", "calm"]).withContentHashes()
        #expect(hashed.clips.allSatisfy { $0.contentHash != nil })
        let (third, report3) = try store.features(for: hashed.clips)
        #expect(report3.hits == 12 && third == first)
        let (single, cached) = try store.features(forFile: clips[3].path)
        #expect(cached && single == first[3])
    }
}
