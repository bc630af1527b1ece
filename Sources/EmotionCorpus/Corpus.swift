import Foundation

/// A file a corpus scan left out, with the reason (malformed name, undecodable audio, missing file).
public struct SkippedFile: Sendable, Hashable, Codable {
    /// Path of the file as found on disk or written in the manifest.
    public var path: String
    /// Why it was left out, in words a user can act on.
    public var reason: String

    /// Creates a skipped-file record.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// What a scan does with a bad file: leave it out and report it (`skip`), or stop with an error (`fail`).
public enum BadFilePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case skip, fail
}

/// A loaded corpus: its clips in a stable order, the ordered class labels, and the files it left out.
public struct Corpus: Sendable, Equatable, Codable {
    /// Short name recorded with runs, e.g. `"ravdess"`.
    public var name: String
    /// The directory or manifest the corpus was read from.
    public var root: String
    /// The usable clips, sorted by path so indices are stable across runs.
    public var clips: [Clip]
    /// Class labels in model-output order; every clip's label is one of them.
    public var classes: [String]
    /// Files the scan left out under `on_bad_file: skip`.
    public var skipped: [SkippedFile]
    /// Clips left out by a label mapping (`relabelled`, `restricted`), counted per label (after renaming).
    public var dropped: [String: Int]

    /// Creates a corpus; every clip label must be listed in `classes`.
    public init(name: String, root: String, clips: [Clip], classes: [String], skipped: [SkippedFile] = [],
                dropped: [String: Int] = [:]) {
        let known = Set(classes)
        precondition(known.count == classes.count, "Corpus classes contain duplicates: \(classes)")
        if let stray = clips.first(where: { !known.contains($0.label) }) {
            preconditionFailure("Corpus clip \(stray.path) has label '\(stray.label)' outside classes \(classes)")
        }
        self.name = name
        self.root = root
        self.clips = clips
        self.classes = classes
        self.skipped = skipped
        self.dropped = dropped
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, root, clips, classes, skipped, dropped
    }

    /// Decodes a corpus; `dropped` may be absent (corpora recorded before label mappings existed).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        root = try container.decode(String.self, forKey: .root)
        clips = try container.decode([Clip].self, forKey: .clips)
        classes = try container.decode([String].self, forKey: .classes)
        skipped = try container.decode([SkippedFile].self, forKey: .skipped)
        dropped = try container.decodeIfPresent([String: Int].self, forKey: .dropped) ?? [:]
    }

    /// Number of clips left out by label mappings.
    public var droppedCount: Int { dropped.values.reduce(0, +) }

    /// Number of skipped files.
    public var skippedCount: Int { skipped.count }

    /// The distinct speakers, sorted (numerically when all are integers, as RAVDESS actors `"01"`…`"24"`).
    public var speakers: [String] {
        Corpus.sortSpeakers(Set(clips.compactMap(\.speaker)))
    }

    /// The class index of every clip, in clip order (`classes.firstIndex(of: label)`).
    public var labelIndices: [Int] {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        return clips.map { index[$0.label] ?? -1 }
    }

    /// The gender of each speaker, when every clip of that speaker agrees on one.
    public var speakerGenders: [String: Gender] {
        var genders: [String: Gender?] = [:]
        for clip in clips {
            guard let speaker = clip.speaker else { continue }
            if let existing = genders[speaker] {
                if existing != clip.gender { genders[speaker] = .some(nil) }
            } else {
                genders[speaker] = clip.gender
            }
        }
        return genders.compactMapValues { $0 }
    }

    /// A copy in which every clip carries its file's SHA-256 (clips that already have one are kept as they are).
    /// Files are hashed on all cores.
    /// - Throws: `CorpusError.unreadableFile` naming the first file (in clip order) that cannot be read.
    public func withContentHashes() throws -> Corpus {
        let missing = clips.indices.filter { clips[$0].contentHash == nil }
        guard !missing.isEmpty else { return self }
        let paths = missing.map { clips[$0].path }
        let hashes = HashSlots(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { slot in
            hashes.set(slot, Result { try ContentHash.ofFile(paths[slot]) })
        }
        var copy = self
        for (slot, index) in missing.enumerated() {
            switch hashes.values[slot] {
            case .success(let hash)?:
                copy.clips[index].contentHash = hash
            case .failure(let error)?:
                throw CorpusError.unreadableFile(path: paths[slot], reason: "cannot hash it: \(error)")
            case nil:
                preconditionFailure("withContentHashes: slot \(slot) of \(paths.count) was never filled")
            }
        }
        return copy
    }

    /// Sorts speaker identifiers numerically when they are all integers, else lexicographically.
    static func sortSpeakers(_ speakers: Set<String>) -> [String] {
        if speakers.allSatisfy({ Int($0) != nil }) {
            return speakers.sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
        }
        return speakers.sorted()
    }
}

/// Anything that can produce a `Corpus`: the built-in RAVDESS, manifest and folder readers, or a plugin.
///
/// A source is a value holding its own configuration; `load()` does the disk work. ExperimentKit builds sources
/// from YAML through each one's `Configuration` (snake_case keys, unknown keys rejected).
public protocol CorpusSource: Sendable {
    /// Registry type key, a lowercase token such as `ravdess`, `manifest` or `folders`.
    static var kind: String { get }
    /// Reads the corpus from disk.
    /// - Throws: `CorpusError` for a missing root, a malformed file under `on_bad_file: fail`, or no usable clip.
    func load() throws -> Corpus
}

/// Collects bad files under a `BadFilePolicy`: records them for `skip`, throws the first one for `fail`.
struct BadFileCollector {
    let policy: BadFilePolicy
    private(set) var skipped: [SkippedFile] = []

    init(policy: BadFilePolicy) {
        self.policy = policy
    }

    mutating func report(_ error: CorpusError, path: String) throws {
        if policy == .fail { throw error }
        // The record holds the path already; keep only the reason.
        let text = error.description
        let reason = text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
        skipped.append(SkippedFile(path: path, reason: reason))
    }

    /// Probes `path` with libsndfile (`AudioFile.info`); a file that does not open as audio is reported.
    /// - Returns: whether the file is usable.
    mutating func probe(_ path: String, context: String = "") throws -> Bool {
        if let reason = FileListing.probeFailure(path) {
            try report(.unreadableFile(path: path, reason: reason + context), path: path)
            return false
        }
        return true
    }
}

/// Hash results written by `concurrentPerform` workers, one slot per worker iteration.
private final class HashSlots: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Result<String, Error>?]

    init(count: Int) {
        values = Array(repeating: nil, count: count)
    }

    func set(_ slot: Int, _ value: Result<String, Error>) {
        lock.lock()
        values[slot] = value
        lock.unlock()
    }
}
