// FeatureStore and the two small concurrency helpers it uses (result slots, a terminal progress line).

import AudioFeatures
import Foundation

/// Extracts features for a whole corpus on all cores, through the on-disk `FeatureCache`.
///
/// Each clip's key is the SHA-256 of its file bytes plus the loader's and the extractor's `cacheKey`s, so a
/// renamed file still hits and any changed parameter misses. Clips with identical bytes are extracted once.
/// Augmented audio never passes through here: waveform augmentations run on loaded samples outside the
/// store, and SpecAugment applies to matrices after they come out of it, so every entry is of original audio.
public struct FeatureStore: Sendable {
    /// Counts of one `features(for:)` call.
    public struct Report: Sendable, Equatable, CustomStringConvertible {
        /// Clips whose features came from the cache.
        public var hits = 0
        /// Clips whose features were not cached (including corrupt entries).
        public var misses = 0
        /// Distinct audio contents actually loaded and extracted (≤ misses: duplicates share one extraction).
        public var extracted = 0
        /// Entries found corrupt (truncated, wrong version or key, bad checksum), removed and rebuilt.
        public var rebuilt = 0

        /// Counts as given (all zero by default).
        public init(hits: Int = 0, misses: Int = 0, extracted: Int = 0, rebuilt: Int = 0) {
            self.hits = hits
            self.misses = misses
            self.extracted = extracted
            self.rebuilt = rebuilt
        }

        public var description: String { "\(hits) cached, \(misses) missing, \(extracted) extracted, \(rebuilt) rebuilt" }
    }

    /// The cache, or `nil` to extract everything without storing it.
    public var cache: FeatureCache?
    /// Computes `[T, C]` features from loaded samples; its `cacheKey` is part of every entry's key.
    public var extractor: any FeatureExtractor
    /// Loads each file at the extractor's sample rate; its `cacheKey` is part of every entry's key.
    public var loader: any AudioLoading
    /// Draw a progress line on stderr; defaults to whether stderr is a terminal.
    public var showsProgress: Bool

    /// A store extracting with `extractor` from audio loaded by `loader` (at the extractor's sample rate),
    /// caching in `cache`.
    public init(cache: FeatureCache?, extractor: any FeatureExtractor, loader: any AudioLoading,
                showsProgress: Bool = isatty(STDERR_FILENO) != 0) {
        precondition(loader.sampleRate == extractor.sampleRate,
                     "FeatureStore: loader produces \(loader.sampleRate) Hz but the extractor expects \(extractor.sampleRate) Hz")
        self.cache = cache
        self.extractor = extractor
        self.loader = loader
        self.showsProgress = showsProgress
    }

    /// The cache key of the audio file at `path` under this store's configuration.
    /// - Throws: `ContentHashError` when the file cannot be read.
    public func key(forFile path: String) throws -> FeatureCacheKey {
        FeatureCacheKey(contentHash: try ContentHash.ofFile(path), loading: loader.cacheKey, features: extractor.cacheKey)
    }

    /// Features `[T, C]` of every clip, in clip order, with what the cache contributed. A clip's
    /// `contentHash`, when set, is trusted as the hash of its file.
    /// - Throws: The first (in clip order) `ContentHashError`, `AudioError` or `FeatureCacheError`.
    public func features(for clips: [Clip]) throws -> (features: [FeatureMatrix], report: Report) {
        cache?.removeAbandonedTemporaries()
        let paths = clips.map(\.path)
        let knownHashes = clips.map(\.contentHash)
        let keys = ConcurrentSlots<FeatureCacheKey>(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            // A hash the corpus scan already computed (`Corpus.withContentHashes`) saves reading the file twice.
            keys.set(index, Result {
                guard let hash = knownHashes[index] else { return try key(forFile: paths[index]) }
                return FeatureCacheKey(contentHash: hash, loading: loader.cacheKey, features: extractor.cacheKey)
            })
        }
        let clipKeys = try keys.values()
        // One job per distinct key; duplicates (byte-identical files) are served by the same job.
        var firstClip: [FeatureCacheKey: Int] = [:]
        var jobs: [(key: FeatureCacheKey, path: String)] = []
        for (index, key) in clipKeys.enumerated() where firstClip[key] == nil {
            firstClip[key] = jobs.count
            jobs.append((key, paths[index]))
        }
        let unique = jobs
        let results = ConcurrentSlots<(FeatureMatrix, FeatureCache.Lookup?)>(count: unique.count)
        let progress = ProgressLine(total: unique.count, enabled: showsProgress)
        DispatchQueue.concurrentPerform(iterations: unique.count) { job in
            results.set(job, Result { try resolve(key: unique[job].key, path: unique[job].path) })
            progress.advance()
        }
        progress.finish()
        let resolved = try results.values()
        var report = Report()
        var features: [FeatureMatrix] = []
        features.reserveCapacity(clips.count)
        var counted = Set<Int>()
        for key in clipKeys {
            let job = firstClip[key] ?? 0
            let (matrix, lookup) = resolved[job]
            features.append(matrix)
            if case .hit = lookup { report.hits += 1 } else { report.misses += 1 }
            guard counted.insert(job).inserted else { continue }
            if case .hit = lookup { continue }
            report.extracted += 1
            if case .corrupt = lookup { report.rebuilt += 1 }
        }
        return (features, report)
    }

    /// Features of one file: from the cache when present, else extracted and stored.
    /// - Throws: `ContentHashError`, `AudioError` or `FeatureCacheError` naming the file.
    public func features(forFile path: String) throws -> (features: FeatureMatrix, cached: Bool) {
        let (matrix, lookup) = try resolve(key: key(forFile: path), path: path)
        if case .hit = lookup { return (matrix, true) }
        return (matrix, false)
    }

    /// The matrix for `key` and how the cache answered (`nil` without a cache).
    private func resolve(key: FeatureCacheKey, path: String) throws -> (FeatureMatrix, FeatureCache.Lookup?) {
        let lookup = cache?.read(key)
        if case .hit(let matrix)? = lookup { return (matrix, lookup) }
        let samples = try loader.load(path)
        let matrix = extractor.extract(samples)
        try cache?.write(matrix, for: key)
        return (matrix, lookup)
    }
}

/// Results of concurrent workers, one slot per index, read back in index order.
final class ConcurrentSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, Error>?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ result: Result<Value, Error>) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    /// Every value in order, or the error of the lowest failing index.
    func values() throws -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return try slots.map { slot in
            guard let slot else { preconditionFailure("ConcurrentSlots read before every slot was set") }
            return try slot.get()
        }
    }
}

/// A `\r`-rewritten progress line on stderr, drawn only when enabled (stderr is a terminal).
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let enabled: Bool
    private var done = 0

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func advance() {
        guard enabled else { return }
        lock.lock()
        done += 1
        let current = done
        lock.unlock()
        if current == total || current % max(1, total / 100) == 0 {
            FileHandle.standardError.write(Data("\rfeatures \(current)/\(total)".utf8))
        }
    }

    func finish() {
        if enabled && total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
