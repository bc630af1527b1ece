import AudioFeatures
import Foundation

/// Directory listing and audio probing shared by the corpus readers.
enum FileListing {
    /// File extensions (lowercased) the folder and RAVDESS scanners treat as audio; other files are ignored.
    static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "oga", "aif", "aiff", "au", "mp3"]

    /// Non-hidden entries of `directory`, sorted by name, split into files and subdirectories.
    /// - Throws: `CorpusError.badRoot` when `directory` is missing or not a directory.
    static func list(_ directory: String) throws -> (files: [String], directories: [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw CorpusError.badRoot(path: directory, reason: "no such directory")
        }
        guard isDirectory.boolValue else { throw CorpusError.badRoot(path: directory, reason: "not a directory") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw CorpusError.badRoot(path: directory, reason: "cannot list directory (\(error.localizedDescription))")
        }
        var files: [String] = [], directories: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = join(directory, name)
            var entryIsDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &entryIsDirectory) else { continue }
            if entryIsDirectory.boolValue { directories.append(path) } else { files.append(path) }
        }
        return (files, directories)
    }

    /// Whether the file name has one of `audioExtensions`.
    static func isAudio(_ path: String) -> Bool {
        audioExtensions.contains((path as NSString).pathExtension.lowercased())
    }

    /// `directory/name` without doubling the separator.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The last path component.
    static func baseName(_ path: String) -> String { (path as NSString).lastPathComponent }

    /// `nil` when libsndfile opens `path` as audio whose header passes `AudioFile.validate` (frames, channels,
    /// rate, a data chunk the file really holds), else the reason it does not.
    static func probeFailure(_ path: String) -> String? {
        do {
            _ = try AudioFile.validate(path)
            return nil
        } catch {
            return reason(error)
        }
    }

    /// The reason text of an audio error without the path prefix (the corpus error adds its own).
    static func reason(_ error: Error) -> String {
        // Matched case by case (not an exhaustive switch) so new AudioError cases fall back to their description.
        guard let audio = error as? AudioError else { return "\(error)" }
        if case .missing = audio { return "no such file" }
        if case .notAudio(_, let reason) = audio { return "does not decode as audio: \(reason)" }
        if case .empty = audio { return "audio file has zero frames" }
        if case .truncated(_, let expected, let read) = audio { return "truncated: \(read) of \(expected) frames" }
        if case .unsupported(_, let reason) = audio { return "unsupported encoding: \(reason)" }
        return audio.description
    }
}
