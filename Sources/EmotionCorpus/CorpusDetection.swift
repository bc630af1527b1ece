import Foundation

/// Chooses the reader for a path given on the command line (`exp data check DIR [--corpus KIND]`).
public enum CorpusDetection {
    /// The corpus kinds a path can be read as.
    public static let kinds = [RavdessSource.kind, ManifestSource.kind, FolderSource.kind, CremaDSource.kind,
                               EmoDBSource.kind, SaveeSource.kind, TessSource.kind, EmovoSource.kind]

    /// A source for `path` read as `kind` (one of `kinds`), or detected from the layout when `kind` is `nil`: a
    /// file is a manifest; a directory with `Actor_XX/` folders or RAVDESS-named audio files is RAVDESS; one
    /// with the folders or names of CREMA-D (`AudioWAV/`), EmoDB (`wav/`), SAVEE (`DC/`, `AudioData/`), TESS
    /// (`OAF_…`, `YAF_…`) or EMOVO (`f1/` … `m3/`) is that corpus; a directory holding `manifest.csv` is that
    /// manifest; any other directory is folder-per-label. For `manifest`, a directory means its `manifest.csv`.
    /// Bad files are skipped (and listed).
    /// - Throws: `CorpusError.badRoot` for an unknown kind or a path that does not fit it.
    public static func source(path: String, kind: String?) throws -> any CorpusSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CorpusError.badRoot(path: path, reason: "no such file or directory")
        }
        let manifestInDirectory = FileListing.join(path, "manifest.csv")
        switch kind {
        case RavdessSource.kind?:
            return RavdessSource(.init(root: path))
        case ManifestSource.kind?:
            if !isDirectory.boolValue { return ManifestSource(.init(path: path)) }
            guard FileManager.default.fileExists(atPath: manifestInDirectory) else {
                throw CorpusError.badRoot(path: path, reason: "is a directory without manifest.csv; pass the CSV file")
            }
            return ManifestSource(.init(path: manifestInDirectory))
        case FolderSource.kind?:
            return FolderSource(.init(root: path))
        case CremaDSource.kind?:
            return CremaDSource(.init(root: path))
        case let named? where named == EmoDBSource.kind || named == SaveeSource.kind || named == TessSource.kind
            || named == EmovoSource.kind:
            return namedSource(named, root: path)
        case let other?:
            throw CorpusError.badRoot(path: path, reason:
                "unknown corpus kind '\(other)'. Please provide one of: \(kinds.joined(separator: ", "))")
        case nil:
            if !isDirectory.boolValue { return ManifestSource(.init(path: path)) }
            let listing = try FileListing.list(path)
            let hasActors = listing.directories.contains { FileListing.baseName($0).hasPrefix("Actor_") }
            let hasRavdessFiles = listing.files.contains { (try? RavdessFileName.parse($0)) != nil }
            if hasActors || hasRavdessFiles { return RavdessSource(.init(root: path)) }
            if let named = namedKind(listing) {
                return named == CremaDSource.kind ? CremaDSource(.init(root: path)) : namedSource(named, root: path)
            }
            if FileManager.default.fileExists(atPath: manifestInDirectory) {
                return ManifestSource(.init(path: manifestInDirectory))
            }
            return FolderSource(.init(root: path))
        }
    }

    /// The reader of a corpus whose options are `NamedCorpusConfiguration`.
    private static func namedSource(_ kind: String, root: String) -> any CorpusSource {
        let configuration = NamedCorpusConfiguration(root: root)
        switch kind {
        case EmoDBSource.kind: return EmoDBSource(configuration)
        case SaveeSource.kind: return SaveeSource(configuration)
        case TessSource.kind: return TessSource(configuration)
        default: return EmovoSource(configuration)
        }
    }

    /// The corpus a directory listing looks like by its folder names or its files' names, if any.
    private static func namedKind(_ listing: (files: [String], directories: [String])) -> String? {
        let folders = Set(listing.directories.map(FileListing.baseName))
        let names = listing.files.filter(FileListing.isAudio)
        func any(_ parse: (String) throws -> Any) -> Bool { names.contains { (try? parse($0)) != nil } }
        if folders.contains("AudioWAV") || any(CremaDFileName.parse) { return CremaDSource.kind }
        if folders.contains("wav") || any(EmoDBFileName.parse) { return EmoDBSource.kind }
        if !folders.isDisjoint(with: SaveeFileName.speakers + ["AudioData"])
            || any({ try SaveeFileName.parse($0, folder: nil) }) { return SaveeSource.kind }
        if folders.contains(where: { $0.hasPrefix("OAF_") || $0.hasPrefix("YAF_") }) || any(TessFileName.parse) {
            return TessSource.kind
        }
        if !folders.isDisjoint(with: EmovoFileName.speakers) || any(EmovoFileName.parse) { return EmovoSource.kind }
        return nil
    }
}
