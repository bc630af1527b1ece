import AudioFeatures
@testable import EmotionCorpus
import Foundation
import Testing

/// Counts calls across threads so tests can prove what was (not) extracted.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func increment() { lock.lock(); count += 1; lock.unlock() }
}

/// A small, exact extractor: per 100-sample frame, the mean, mean square and maximum magnitude.
struct FrameStatsExtractor: FeatureExtractor {
    var sampleRate = 8_000
    var featureCount: Int { 3 }
    var hop = 100
    let calls: CallCounter
    var cacheKey: String { "framestats;sr=\(sampleRate);hop=\(hop)" }

    func extract(_ samples: [Float]) -> FeatureMatrix {
        calls.increment()
        let frames = samples.count / hop
        var values: [Float] = []
        for t in 0..<frames {
            let frame = samples[t * hop..<(t + 1) * hop]
            values += [frame.reduce(0, +) / Float(hop), frame.reduce(0) { $0 + $1 * $1 } / Float(hop),
                       frame.reduce(0) { max($0, abs($1)) }]
        }
        return FeatureMatrix(frameCount: frames, featureCount: 3, values: values)
    }
}

/// Writes a few short distinct WAVs (and one byte-identical copy) into a fresh folder.
struct CacheFixture {
    let directory: String
    let clips: [Clip]

    init(name: String, count: Int = 6) throws {
        directory = SynthFixture.temporaryDirectory("cache-\(name)")
        var clips: [Clip] = []
        for i in 0..<count {
            var random = CorpusRandom(seed: 5, i)
            let samples = (0..<(4_000 + 700 * i)).map { n in
                0.3 * sinf(Float(n) * 0.05 * Float(i + 1)) + 0.05 * Float(random.uniform(-1, 1))
            }
            let path = "\(directory)/clip\(i).wav"
            try AudioFile.write(path, interleaved: samples, sampleRate: 8_000)
            clips.append(Clip(path: path, label: "c\(i % 2)"))
        }
        let copy = "\(directory)/copy-of-clip0.wav"
        try FileManager.default.copyItem(atPath: clips[0].path, toPath: copy)
        clips.append(Clip(path: copy, label: "c0"))
        self.clips = clips
    }

    var cache: FeatureCache { FeatureCache(directory: directory + "/cache") }

    func store(_ calls: CallCounter, hop: Int = 100) -> FeatureStore {
        FeatureStore(cache: cache, extractor: FrameStatsExtractor(hop: hop, calls: calls),
                     loader: ClipLoader(sampleRate: 8_000), showsProgress: false)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

@Suite struct FeatureCacheTests {
    @Test func secondExtractionOfTheSameCorpusExtractsNothing() throws {
        let fixture = try CacheFixture(name: "twice")
        defer { fixture.remove() }
        let calls = CallCounter()
        let (first, report1) = try fixture.store(calls).features(for: fixture.clips)
        #expect(report1 == FeatureStore.Report(hits: 0, misses: 7, extracted: 6, rebuilt: 0))
        #expect(calls.value == 6, "the byte-identical copy is extracted once")
        let (second, report2) = try fixture.store(calls).features(for: fixture.clips)
        #expect(report2 == FeatureStore.Report(hits: 7, misses: 0, extracted: 0, rebuilt: 0))
        #expect(calls.value == 6)
        #expect(second == first && first[6] == first[0])
        #expect(first[1].frameCount == 47 && first[1].featureCount == 3)
        // A different extractor configuration is a different key: everything is extracted again.
        let (_, report3) = try fixture.store(calls, hop: 50).features(for: fixture.clips)
        #expect(report3.extracted == 6 && calls.value == 12)
    }

    enum Damage: String, CaseIterable, Sendable { case truncate, flipPayloadByte, wrongVersion, foreignEntry, empty }

    @Test(arguments: Damage.allCases) func corruptEntryIsDetectedRemovedAndRebuilt(_ damage: Damage) throws {
        let fixture = try CacheFixture(name: "corrupt-\(damage.rawValue)", count: 2)
        defer { fixture.remove() }
        let calls = CallCounter()
        let store = fixture.store(calls)
        let (original, _) = try store.features(for: fixture.clips)
        let key = try store.key(forFile: fixture.clips[1].path)
        let path = fixture.cache.path(for: key)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        switch damage {
        case .truncate: bytes.removeLast(5)
        case .flipPayloadByte: bytes[FeatureCache.headerSize + 9] ^= 0x40
        case .wrongVersion: bytes[4] = UInt8(FeatureCache.formatVersion + 1)
        case .foreignEntry: bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture.cache.path(for: store.key(forFile: fixture.clips[0].path)))))
        case .empty: bytes = []
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        guard case .corrupt(let reason) = fixture.cache.read(key) else {
            Issue.record("\(damage) was not detected")
            return
        }
        #expect(!reason.isEmpty && !FileManager.default.fileExists(atPath: path), "corrupt entry removed: \(reason)")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let before = calls.value
        let (rebuilt, report) = try store.features(for: fixture.clips)
        #expect(report == FeatureStore.Report(hits: 2, misses: 1, extracted: 1, rebuilt: 1))
        #expect(calls.value == before + 1 && rebuilt == original)
        #expect(fixture.cache.read(key) == .hit(original[1]))
    }

    @Test func keyChangesWhenAnyConfigurationFieldChanges() {
        let loader = ClipLoader(sampleRate: 16_000, offset: 0.5, duration: 3, normalization: .peak)
        let extractor = FrameStatsExtractor(calls: CallCounter())
        func key(_ loader: ClipLoader, _ features: String = extractor.cacheKey, content: String = "ab") -> [UInt8] {
            FeatureCacheKey(contentHash: content, loading: loader.cacheKey, features: features).digest
        }
        var variants = [key(loader)]
        for change in 0..<4 {
            var changed = loader
            switch change {
            case 0: changed.sampleRate = 22_050
            case 1: changed.offset = 0.25
            case 2: changed.duration = nil
            default: changed.normalization = .rms
            }
            variants.append(key(changed))
        }
        variants.append(key(loader, FrameStatsExtractor(hop: 101, calls: CallCounter()).cacheKey))
        variants.append(key(loader, content: "ac"))
        #expect(Set(variants.map { ContentHash.hex(of: $0) }).count == variants.count)
        #expect(key(loader) == key(ClipLoader(sampleRate: 16_000, offset: 0.5, duration: 3, normalization: .peak)))
        #expect(FeatureCacheKey(contentHash: "ab", loading: "x", features: "y").configuration.hasPrefix("format=\(FeatureCache.formatVersion)\n"))
    }

    @Test func concurrentExtractionsOfTheSameEntriesAreSafe() throws {
        let fixture = try CacheFixture(name: "concurrent", count: 5)
        defer { fixture.remove() }
        let calls = CallCounter()
        let reference = try FeatureStore(cache: nil, extractor: FrameStatsExtractor(calls: calls),
                                         loader: ClipLoader(sampleRate: 8_000), showsProgress: false)
            .features(for: fixture.clips).features
        let outcomes = ConcurrentSlots<[FeatureMatrix]>(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { run in
            outcomes.set(run, Result { try fixture.store(calls).features(for: fixture.clips).features })
        }
        #expect(try outcomes.values().allSatisfy { $0 == reference })
        let (_, report) = try fixture.store(calls).features(for: fixture.clips)
        #expect(report.hits == fixture.clips.count && report.rebuilt == 0)
        let files = FileManager.default.enumerator(atPath: fixture.cache.directory)?.allObjects as? [String] ?? []
        #expect(files.filter { $0.hasSuffix(".feat") }.count == 5 && !files.contains { $0.hasSuffix(".tmp") })
    }

    @Test func entriesRoundTripBitExactly() {
        let values: [Float] = [0, -0.0, 1.5, -3.25e-7, .infinity, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 42]
        let matrix = FeatureMatrix(frameCount: 4, featureCount: 2, values: values)
        let key = FeatureCacheKey(contentHash: "x", loading: "l", features: "f")
        guard case .success(let decoded) = FeatureCache.decode(FeatureCache.encode(matrix, key: key), key: key) else {
            Issue.record("decode failed")
            return
        }
        #expect(decoded.values.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(FeatureCache.fnv1a64(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)  // FNV-1a 64 test vector
    }

    @Test func defaultDirectoryPrefersExpCache() {
        #expect(FeatureCache.defaultDirectory(environment: ["EXP_CACHE": "/data/c"], currentDirectory: "/p") == "/data/c")
        #expect(FeatureCache.defaultDirectory(environment: ["EXP_CACHE": ""], currentDirectory: "/p") == "/p/.cache/exp")
        #expect(FeatureCache.defaultDirectory(environment: [:], currentDirectory: "/p") == "/p/.cache/exp")
    }
}
