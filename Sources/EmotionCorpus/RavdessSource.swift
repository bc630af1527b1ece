/// Reads RAVDESS from `Actor_XX/` folders (the layout of the official archives) or from one flat folder.
///
/// Every audio file name (`.wav`, `.flac`, any extension `FileListing.audioExtensions` lists) is parsed and validated (`RavdessFileName.parse`), and every file is probed with
/// `AudioFile.info`, so a malformed name or an undecodable file is found at load time, with its path and reason,
/// and skipped or fatal per `onBadFile`. A file inside `Actor_XX/` whose actor field differs from `XX` is a bad
/// file too. Clips are labelled with `Emotion.rawValue`; `classes` lists the emotions present in code order.
/// Attributes: `modality`, `vocal_channel`, `intensity` (`normal`/`strong`), `statement` (`01`/`02`),
/// `repetition` (`01`/`02`).
public struct RavdessSource: CorpusSource {
    public static let kind = "ravdess"

    /// Options of the RAVDESS reader, as written in an experiment spec.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The directory holding `Actor_01/` … `Actor_24/` or the `.wav` files directly.
        public var root: String
        /// Which vocal channel to keep (`speech` default, `song`, `both`); the other is left out silently.
        public var vocalChannel: RavdessFileName.VocalChannel
        /// What to do with a malformed name or an undecodable file (`skip` default, `fail`).
        public var onBadFile: BadFilePolicy

        /// Creates a configuration.
        public init(root: String, vocalChannel: RavdessFileName.VocalChannel = .speech,
                    onBadFile: BadFilePolicy = .skip) {
            self.root = root
            self.vocalChannel = vocalChannel
            self.onBadFile = onBadFile
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case root
            case vocalChannel = "vocal_channel"
            case onBadFile = "on_bad_file"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            root = try container.decode(String.self, forKey: .root)
            vocalChannel = try container.decodeIfPresent(RavdessFileName.VocalChannel.self, forKey: .vocalChannel)
                ?? .speech
            onBadFile = try container.decodeIfPresent(BadFilePolicy.self, forKey: .onBadFile) ?? .skip
        }
    }

    /// The options this value was built from.
    public var configuration: Configuration

    /// Creates a reader with `configuration`.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    public func load() throws -> Corpus {
        let root = configuration.root
        let top = try FileListing.list(root)
        // (path, actor folder number or nil for files at the root)
        var candidates: [(path: String, folderActor: Int?)] = top.files.filter(FileListing.isAudio).map { ($0, nil) }
        for directory in top.directories {
            let name = FileListing.baseName(directory)
            guard name.hasPrefix("Actor_"), let number = Int(name.dropFirst(6)) else { continue }
            let inner = try FileListing.list(directory)
            candidates += inner.files.filter(FileListing.isAudio).map { ($0, number) }
        }
        var bad = BadFileCollector(policy: configuration.onBadFile)
        var clips: [Clip] = []
        for candidate in candidates.sorted(by: { $0.path < $1.path }) {
            let name: RavdessFileName
            do {
                name = try RavdessFileName.parse(candidate.path)
            } catch let error as CorpusError {
                try bad.report(error, path: candidate.path)
                continue
            }
            if let folderActor = candidate.folderActor, folderActor != name.actor {
                try bad.report(.badRavdessName(path: candidate.path, reason:
                    "actor field is \(name.speaker) but the file is in Actor_\(RavdessFileName.twoDigits(folderActor))"),
                    path: candidate.path)
                continue
            }
            guard configuration.vocalChannel == .both || configuration.vocalChannel == name.vocalChannel else {
                continue
            }
            guard try bad.probe(candidate.path) else { continue }
            clips.append(RavdessSource.clip(path: candidate.path, name: name))
        }
        guard !clips.isEmpty else {
            throw CorpusError.emptyCorpus(path: root, reason:
                "found \(candidates.count) audio files, \(bad.skipped.count) skipped, none with vocal channel " +
                "\(configuration.vocalChannel.rawValue); expected Actor_XX/ folders or RAVDESS-named audio files (.wav, .flac, …)")
        }
        let present = Set(clips.map(\.label))
        let classes = Emotion.allCases.map(\.rawValue).filter(present.contains)
        return Corpus(name: RavdessSource.kind, root: root, clips: clips, classes: classes, skipped: bad.skipped)
    }

    /// The clip record of a parsed RAVDESS file.
    public static func clip(path: String, name: RavdessFileName) -> Clip {
        Clip(path: path, label: name.emotion.rawValue, speaker: name.speaker, gender: name.gender, attributes: [
            "modality": RavdessFileName.twoDigits(name.modality.rawValue),
            "vocal_channel": name.vocalChannel.rawValue,
            "intensity": name.intensity == .strong ? "strong" : "normal",
            "statement": RavdessFileName.twoDigits(name.statement),
            "repetition": RavdessFileName.twoDigits(name.repetition),
        ])
    }
}
