import Foundation

/// Options shared by the readers that take labels, speakers and genders from a corpus's own file names
/// (`emodb`, `savee`, `tess`, `emovo`), as written in an experiment spec.
public struct NamedCorpusConfiguration: Codable, Sendable, Equatable {
    /// The corpus directory as its owners distribute it (see each reader for the folders it looks in).
    public var root: String
    /// Corpus name recorded with runs and used to namespace speakers when corpora are combined
    /// (default: the reader's kind, e.g. `emodb`).
    public var name: String?
    /// What to do with a malformed name or an undecodable file (`skip` default, `fail`).
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

/// An audio file a named-corpus reader will parse, with the folder it was found in (`nil` at the top).
struct NamedCandidate {
    var path: String
    var folder: String?
}

/// The scan every file-name-labelled reader shares: list the candidate files, parse each name into a clip,
/// report bad names and undecodable files under the policy, order the classes by `EmotionVocabulary`.
enum NamedCorpusScan {
    /// Audio files directly in `directory`, and in those of its subfolders `descend` accepts (by folder name).
    static func candidates(in directory: String, descend: (String) -> Bool) throws -> [NamedCandidate] {
        let top = try FileListing.list(directory)
        var found = top.files.filter(FileListing.isAudio).map { NamedCandidate(path: $0, folder: nil) }
        for folder in top.directories where descend(FileListing.baseName(folder)) {
            found += try FileListing.list(folder).files.filter(FileListing.isAudio)
                .map { NamedCandidate(path: $0, folder: FileListing.baseName(folder)) }
        }
        return found
    }

    /// `root/inner` when that folder exists (the corpus's own audio folder, e.g. CREMA-D's `AudioWAV`), else `root`.
    static func audioDirectory(_ root: String, inner: [String]) -> String {
        for name in inner {
            var isDirectory: ObjCBool = false
            let path = FileListing.join(root, name)
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                return path
            }
        }
        return root
    }

    /// The file name without its audio extension, or an error when the extension is not an audio one.
    static func stem(_ path: String, fail: (String) -> CorpusError) throws -> String {
        let name = FileListing.baseName(path)
        let fileExtension = (name as NSString).pathExtension
        guard FileListing.audioExtensions.contains(fileExtension.lowercased()) else {
            throw fail("extension is not an audio one")
        }
        return String(name.dropLast(fileExtension.count + 1))
    }

    /// Parses every candidate with `parse`, probes the audio, and builds the corpus.
    /// - Throws: the first `CorpusError` under `fail`, `CorpusError.emptyCorpus` when no clip is usable.
    static func load(kind: String, name: String?, root: String, policy: BadFilePolicy,
                     candidates: [NamedCandidate], layout: String,
                     parse: (NamedCandidate) throws -> Clip) throws -> Corpus {
        var bad = BadFileCollector(policy: policy)
        var clips: [Clip] = []
        for candidate in candidates.sorted(by: { $0.path < $1.path }) {
            let clip: Clip
            do {
                clip = try parse(candidate)
            } catch let error as CorpusError {
                try bad.report(error, path: candidate.path)
                continue
            }
            guard try bad.probe(candidate.path) else { continue }
            clips.append(clip)
        }
        guard !clips.isEmpty else {
            throw CorpusError.emptyCorpus(path: root, reason:
                "found \(candidates.count) audio files, \(bad.skipped.count) skipped; expected \(layout)")
        }
        return Corpus(name: name ?? kind, root: root, clips: clips,
                      classes: EmotionVocabulary.ordered(clips.map(\.label)), skipped: bad.skipped)
    }
}
