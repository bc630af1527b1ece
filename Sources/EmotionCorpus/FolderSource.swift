/// Reads a folder-per-label corpus: `root/<label>/<file>.wav` (TESS-style layouts, quick user collections).
///
/// Each subdirectory of `root` is a class named after it; the audio files directly inside it are its clips
/// (files with other extensions and hidden files are ignored). Speakers are unknown, so only `random` and
/// attribute-free splits apply. An undecodable file is skipped or fatal per `onBadFile`.
public struct FolderSource: CorpusSource {
    public static let kind = "folders"

    /// Options of the folder-per-label reader, as written in an experiment spec.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The directory whose subdirectories are the labels.
        public var root: String
        /// Corpus name recorded with runs (default: the root's last path component).
        public var name: String?
        /// What to do with an undecodable file (`skip` default, `fail`).
        public var onBadFile: BadFilePolicy

        /// Creates a configuration.
        public init(root: String, name: String? = nil, onBadFile: BadFilePolicy = .skip) {
            self.root = root
            self.name = name
            self.onBadFile = onBadFile
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case root, name
            case onBadFile = "on_bad_file"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            root = try container.decode(String.self, forKey: .root)
            name = try container.decodeIfPresent(String.self, forKey: .name)
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
        var bad = BadFileCollector(policy: configuration.onBadFile)
        var clips: [Clip] = []
        for directory in top.directories {
            let label = FileListing.baseName(directory)
            for file in try FileListing.list(directory).files where FileListing.isAudio(file) {
                guard try bad.probe(file) else { continue }
                clips.append(Clip(path: file, label: label))
            }
        }
        guard !clips.isEmpty else {
            throw CorpusError.emptyCorpus(path: root, reason:
                "expected one subdirectory per label holding audio files; \(bad.skipped.count) files skipped")
        }
        clips.sort { $0.path < $1.path }
        return Corpus(name: configuration.name ?? FileListing.baseName(root), root: root, clips: clips,
                      classes: Set(clips.map(\.label)).sorted(), skipped: bad.skipped)
    }
}
