import Foundation

/// Chooses the reader for a path given on the command line (`exp data check DIR [--corpus KIND]`).
public enum CorpusDetection {
    /// The corpus kinds a path can be read as.
    public static let kinds = [RavdessSource.kind, ManifestSource.kind, FolderSource.kind]

    /// A source for `path` read as `kind` (`ravdess`, `manifest`, `folders`), or detected from the layout when
    /// `kind` is `nil`: a file is a manifest; a directory with `Actor_XX/` folders or RAVDESS-named audio
    /// files is RAVDESS; a directory holding `manifest.csv` is that manifest; any other directory is
    /// folder-per-label. For `manifest`, a directory means its `manifest.csv`. Bad files are skipped (and listed).
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
        case let other?:
            throw CorpusError.badRoot(path: path, reason:
                "unknown corpus kind '\(other)'. Please provide one of: \(kinds.joined(separator: ", "))")
        case nil:
            if !isDirectory.boolValue { return ManifestSource(.init(path: path)) }
            let listing = try FileListing.list(path)
            let hasActors = listing.directories.contains { FileListing.baseName($0).hasPrefix("Actor_") }
            let hasRavdessFiles = listing.files.contains { (try? RavdessFileName.parse($0)) != nil }
            if hasActors || hasRavdessFiles { return RavdessSource(.init(root: path)) }
            if FileManager.default.fileExists(atPath: manifestInDirectory) {
                return ManifestSource(.init(path: manifestInDirectory))
            }
            return FolderSource(.init(root: path))
        }
    }
}
