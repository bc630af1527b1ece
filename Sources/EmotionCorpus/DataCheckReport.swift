import AudioFeatures
import Foundation

/// The facts `exp data check` reports about a corpus: counts per speaker × label, audio formats, durations,
/// unreadable files and exact duplicates. Encodes to JSON (`--json`) and renders as an aligned table.
public struct DataCheckReport: Sendable, Equatable, Codable {
    /// How many clips share one value (a sample rate, a channel count, a format).
    public struct ValueCount: Sendable, Equatable, Codable {
        /// The value as text (`"48000"`, `"2"`, `"WAV/Signed 16 bit PCM"`).
        public var value: String
        /// Clips with that value.
        public var count: Int

        /// Creates a tally entry.
        public init(value: String, count: Int) {
            self.value = value
            self.count = count
        }
    }

    /// One speaker's clip counts per label (speaker `nil` collects clips without speaker).
    public struct SpeakerRow: Sendable, Equatable, Codable {
        /// Speaker identifier, `nil` for clips without one.
        public var speaker: String?
        /// Speaker gender when known.
        public var gender: Gender?
        /// Counts in `DataCheckReport.classes` order.
        public var counts: [Int]
        /// All clips of the speaker.
        public var total: Int
    }

    /// Minimum, mean and maximum clip duration in seconds.
    public struct Durations: Sendable, Equatable, Codable {
        /// Shortest clip.
        public var min: Double
        /// Mean over clips.
        public var mean: Double
        /// Longest clip.
        public var max: Double
    }

    /// One corpus of several checked together (`run(corpora:)`).
    public struct CorpusRow: Sendable, Equatable, Codable {
        /// The corpus name (the speaker namespace).
        public var name: String
        /// Directory or manifest read.
        public var root: String
        /// Readable clips.
        public var clipCount: Int
        /// Distinct speakers.
        public var speakerCount: Int
        /// Clips per label in the union's `DataCheckReport.classes` order.
        public var classTotals: [Int]
        /// Malformed or undecodable files of this corpus.
        public var unreadableCount: Int
    }

    /// Corpus name (`ravdess`, the manifest name, the folder name).
    public var corpus: String
    /// Directory or manifest read.
    public var root: String
    /// Readable clips.
    public var clipCount: Int
    /// Labels in corpus order.
    public var classes: [String]
    /// One row per speaker, sorted; clips without speaker last.
    public var speakers: [SpeakerRow]
    /// Clips per label over all speakers, in `classes` order.
    public var classTotals: [Int]
    /// Clips per sample rate in Hz, ascending.
    public var sampleRates: [ValueCount]
    /// Clips per channel count, ascending.
    public var channels: [ValueCount]
    /// Clips per container/encoding.
    public var formats: [ValueCount]
    /// Clip durations in seconds.
    public var durations: Durations
    /// Malformed or undecodable files the scan left out.
    public var unreadable: [SkippedFile]
    /// Groups of byte-identical files (same SHA-256), each sorted, paths relative to `root` when inside it.
    public var duplicates: [[String]]
    /// For several corpora checked together, one row per corpus (the rest of the report is their union, with
    /// speakers namespaced `corpus/speaker`); `nil` for a single corpus.
    public var corpora: [CorpusRow]?

    /// Checks the corpus read by `source` (bad files are skipped and listed, whatever the source's policy).
    /// Files are probed and hashed on all cores.
    /// - Throws: `CorpusError` when the corpus cannot be read at all.
    public static func run(_ source: any CorpusSource) throws -> DataCheckReport {
        run(try source.load())
    }

    /// Checks several corpora as one (`Corpus.combined`): the union's report plus one `CorpusRow` per corpus.
    /// A list of one corpus gives that corpus's plain report.
    /// - Throws: `CorpusError.combination` for corpora that cannot be combined (an empty list, a repeated name).
    public static func run(corpora: [Corpus]) throws -> DataCheckReport {
        if corpora.count == 1 { return run(corpora[0]) }
        let union = try Corpus.combined(corpora)
        let (report, readable) = check(union)
        var result = report
        result.corpora = corpora.map { corpus in
            let clips = readable.filter { $0.corpus == corpus.name }
            let index = Dictionary(uniqueKeysWithValues: union.classes.enumerated().map { ($1, $0) })
            var totals = [Int](repeating: 0, count: union.classes.count)
            for clip in clips { if let label = index[clip.label] { totals[label] += 1 } }
            let failedAtCheck = union.clips.filter { $0.corpus == corpus.name }.count - clips.count
            return CorpusRow(name: corpus.name, root: corpus.root, clipCount: clips.count,
                             speakerCount: Set(clips.compactMap(\.speaker)).count, classTotals: totals,
                             unreadableCount: corpus.skipped.count + failedAtCheck)
        }
        return result
    }

    /// Checks an already loaded corpus: the files it skipped are listed with those found unreadable now.
    public static func run(_ corpus: Corpus) -> DataCheckReport {
        check(corpus).report
    }

    /// The report and the clips that were readable.
    static func check(_ corpus: Corpus) -> (report: DataCheckReport, readable: [Clip]) {
        let count = corpus.clips.count
        let results = ResultBox(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let path = corpus.clips[index].path
            do {
                let info = try AudioFile.info(path)
                let hash = try ContentHash.ofFile(path)
                results.set(index, .success((info, hash)))
            } catch {
                results.set(index, .failure(FileListing.reason(error)))
            }
        }
        var unreadable = corpus.skipped
        var infos: [(clip: Clip, info: AudioFileInfo, hash: String)] = []
        for (index, result) in results.values.enumerated() {
            switch result {
            case .success(let (info, hash))?: infos.append((corpus.clips[index], info, hash))
            case .failure(let reason)?: unreadable.append(SkippedFile(path: corpus.clips[index].path, reason: reason))
            case nil: unreadable.append(SkippedFile(path: corpus.clips[index].path, reason: "not checked"))
            }
        }
        let classIndex = Dictionary(uniqueKeysWithValues: corpus.classes.enumerated().map { ($1, $0) })
        var rows: [String?: SpeakerRow] = [:]
        var totals = [Int](repeating: 0, count: corpus.classes.count)
        for entry in infos {
            let key = entry.clip.speaker
            var row = rows[key] ?? SpeakerRow(speaker: key, gender: entry.clip.gender,
                                              counts: [Int](repeating: 0, count: corpus.classes.count), total: 0)
            if let label = classIndex[entry.clip.label] {
                row.counts[label] += 1
                totals[label] += 1
            }
            row.total += 1
            rows[key] = row
        }
        let order = Corpus.sortSpeakers(Set(rows.keys.compactMap { $0 }))
        var speakerRows = order.compactMap { rows[$0] }
        if let anonymous = rows[nil] { speakerRows.append(anonymous) }
        func tally(_ values: [String], numeric: Bool) -> [ValueCount] {
            Dictionary(grouping: values, by: { $0 }).map { ValueCount(value: $0.key, count: $0.value.count) }
                .sorted { numeric ? (Int($0.value) ?? 0) < (Int($1.value) ?? 0) : $0.value < $1.value }
        }
        let seconds = infos.map(\.info.duration)
        let durations = Durations(min: seconds.min() ?? 0, mean: seconds.isEmpty ? 0 : seconds.reduce(0, +) / Double(seconds.count),
                                  max: seconds.max() ?? 0)
        var rootIsDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: corpus.root, isDirectory: &rootIsDirectory)
        let base = rootIsDirectory.boolValue ? corpus.root : (corpus.root as NSString).deletingLastPathComponent
        let rootDirectory = base.hasSuffix("/") ? base : base + "/"
        func relative(_ path: String) -> String {
            path.hasPrefix(rootDirectory) ? String(path.dropFirst(rootDirectory.count)) : path
        }
        let duplicates = Dictionary(grouping: infos, by: \.hash).values.filter { $0.count > 1 }
            .map { $0.map { relative($0.clip.path) }.sorted() }.sorted { $0[0] < $1[0] }
        let report = DataCheckReport(
            corpus: corpus.name, root: corpus.root, clipCount: infos.count, classes: corpus.classes,
            speakers: speakerRows, classTotals: totals,
            sampleRates: tally(infos.map { String($0.info.sampleRate) }, numeric: true),
            channels: tally(infos.map { String($0.info.channelCount) }, numeric: true),
            formats: tally(infos.map(\.info.format), numeric: false), durations: durations,
            unreadable: unreadable.map { SkippedFile(path: relative($0.path), reason: $0.reason) }
                .sorted { $0.path < $1.path },
            duplicates: duplicates, corpora: nil)
        return (report, infos.map(\.clip))
    }

    /// The report as sorted, pretty-printed JSON with snake_case keys (`clip_count`, `sample_rates`, …), as the
    /// rest of the tool's user-facing keys; decode it with `JSONDecoder.KeyDecodingStrategy.convertFromSnakeCase`.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// Per-clip results written from `concurrentPerform` workers, each index by exactly one worker.
private final class ResultBox: @unchecked Sendable {
    enum Outcome {
        case success((AudioFileInfo, String))
        case failure(String)
    }

    private let lock = NSLock()
    private(set) var values: [Outcome?]

    init(count: Int) {
        values = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ outcome: Outcome) {
        lock.lock()
        values[index] = outcome
        lock.unlock()
    }
}
