import Foundation

/// Reads a corpus listed in a CSV manifest (CREMA-D, TESS, SAVEE, a user's own recordings).
///
/// The first line is a header naming the columns. `path` and `label` are required; `speaker`, `gender`
/// (`male`/`female`/`m`/`f`, any case, or empty) and `split` (`train`/`validation`/`val`/`test`, or empty) are
/// optional; any other column is kept in `Clip.attributes` under its header name. Malformed lines are errors naming
/// `file:line` and the column; a listed file that is missing or does not decode is a bad file (skipped or fatal per
/// `onBadFile`).
///
/// Paths: a relative path is resolved against the manifest's directory and must stay inside it (`../` that climbs
/// out is an error, so a manifest and its folder move together and a shared manifest cannot reach files beside
/// it); a file elsewhere is named by an absolute path, which is taken as written. A path holding a control
/// character is an error. The manifest itself may be at most `maximumBytes` long, in UTF-8, with records of at
/// most 1 Mi characters and no NUL characters.
///
/// ```
/// path,label,speaker,gender,split
/// audio/1001_DFA_ANG_XX.wav,angry,1001,male,train
/// "audio/with, comma.wav",sad,1002,female,test
/// ```
public struct ManifestSource: CorpusSource {
    public static let kind = "manifest"

    /// Options of the manifest reader, as written in an experiment spec.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Path of the CSV file.
        public var path: String
        /// Corpus name recorded with runs (default: the manifest's file name without extension).
        public var name: String?
        /// What to do with a missing or undecodable file (`skip` default, `fail`).
        public var onBadFile: BadFilePolicy

        /// Creates a configuration.
        public init(path: String, name: String? = nil, onBadFile: BadFilePolicy = .skip) {
            self.path = path
            self.name = name
            self.onBadFile = onBadFile
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case path, name
            case onBadFile = "on_bad_file"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            path = try container.decode(String.self, forKey: .path)
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

    /// The accepted `split` column values and the side each names.
    static let splitValues: [String: String] = ["train": "train", "validation": "validation", "val": "validation",
                                                "test": "test"]

    /// The largest manifest read, 256 MB (about two million clips).
    public static let maximumBytes = 256 << 20

    public func load() throws -> Corpus {
        let path = configuration.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CorpusError.badRoot(path: path, reason: "no such manifest file")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= ManifestSource.maximumBytes else {
            throw CorpusError.badRoot(path: path, reason:
                "manifest is \(size) bytes; the limit is \(ManifestSource.maximumBytes) bytes")
        }
        guard let handle = FileHandle(forReadingAtPath: path),
              let data = try? handle.read(upToCount: ManifestSource.maximumBytes + 1) ?? Data() else {
            throw CorpusError.badRoot(path: path, reason: "cannot read manifest")
        }
        try? handle.close()
        guard data.count <= ManifestSource.maximumBytes else {
            throw CorpusError.badRoot(path: path, reason: "manifest is over the limit of \(ManifestSource.maximumBytes) bytes")
        }
        let table = try CSVTable(text: try CSVTable.decodeUTF8([UInt8](data), path: path), path: path)
        let columns = table.header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for (index, column) in columns.enumerated() where columns[..<index].contains(column) {
            throw CorpusError.manifest(path: path, line: table.header.line, column: column,
                                       reason: "column appears twice in the header")
        }
        for required in ["path", "label"] where !columns.contains(required) {
            throw CorpusError.manifest(path: path, line: table.header.line, column: required, reason:
                "missing required column; the header is '\(table.header.fields.joined(separator: ","))', " +
                "expected at least 'path,label' (optional: speaker, gender, split)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        var bad = BadFileCollector(policy: configuration.onBadFile)
        var clips: [Clip] = []
        for row in table.rows {
            var values: [String: String] = [:]
            for (column, value) in zip(columns, row.fields) {
                values[column] = value.trimmingCharacters(in: .whitespaces)
            }
            func fail(_ column: String, _ reason: String) -> CorpusError {
                .manifest(path: path, line: row.line, column: column, reason: reason)
            }
            guard let relative = values["path"], !relative.isEmpty else { throw fail("path", "empty path") }
            guard let label = values["label"], !label.isEmpty else { throw fail("label", "empty label") }
            let gender: Gender?
            switch values["gender"]?.lowercased() ?? "" {
            case "": gender = nil
            case "male", "m": gender = .male
            case "female", "f": gender = .female
            case let other: throw fail("gender", "'\(other)' is not a gender; expected male, female, m, f or empty")
            }
            var attributes: [String: String] = [:]
            for (column, value) in values where !["path", "label", "speaker", "gender", "split"].contains(column) {
                attributes[column] = value
            }
            if let split = values["split"], !split.isEmpty {
                guard let side = ManifestSource.splitValues[split.lowercased()] else {
                    throw fail("split", "'\(split)' is not a split side; expected train, validation, val, test or empty")
                }
                attributes["split"] = side
            }
            let resolved = try ManifestSource.resolve(relative, in: directory.isEmpty ? "." : directory,
                                                      fail: { fail("path", $0) })
            guard try bad.probe(resolved, context: " (listed at \(path):\(row.line))") else { continue }
            let speaker = values["speaker"].flatMap { $0.isEmpty ? nil : $0 }
            clips.append(Clip(path: resolved, label: label, speaker: speaker, gender: gender, attributes: attributes))
        }
        guard !clips.isEmpty else {
            throw CorpusError.emptyCorpus(path: path, reason:
                "\(table.rows.count) rows, \(bad.skipped.count) skipped")
        }
        clips.sort { $0.path < $1.path }
        let name = configuration.name ?? ((FileListing.baseName(path) as NSString).deletingPathExtension)
        return Corpus(name: name, root: path, clips: clips, classes: Set(clips.map(\.label)).sorted(),
                      skipped: bad.skipped)
    }

    /// The file `listed` names: absolute as written, relative under `directory` and never above it.
    /// - Throws: what `fail` makes of the reason, for a control character or a relative path that climbs out.
    static func resolve(_ listed: String, in directory: String, fail: (String) -> CorpusError) throws -> String {
        if let bad = listed.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw fail("path contains the control character U+\(String(format: "%04X", bad.value))")
        }
        if listed.hasPrefix("/") { return listed }
        // Lexical: each `..` must have a component of the listed path to cancel.
        var depth = 0
        for component in listed.split(separator: "/", omittingEmptySubsequences: true) {
            if component == ".." { depth -= 1 } else if component != "." { depth += 1 }
            if depth < 0 {
                throw fail("'\(listed)' leaves the manifest's directory \(directory); relative paths must stay " +
                           "inside it (use an absolute path for a file elsewhere)")
            }
        }
        return FileListing.join(directory, listed)
    }
}
