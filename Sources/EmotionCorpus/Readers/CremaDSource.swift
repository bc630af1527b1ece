import Foundation

/// Reads CREMA-D from its `AudioWAV/` folder (the repository layout) or from the folder holding the files.
///
/// Labels, actors, sentences and levels come from the file names (`CremaDFileName`). Gender and age come from
/// the corpus's `VideoDemographics.csv` (columns `ActorID`, `Age`, `Sex` = `Male`/`Female`, `Race`,
/// `Ethnicity`), found in the root or its parent unless `demographics` names it; without it genders are unknown
/// (and `balance_gender` draws treat all actors alike). Attributes: `sentence`, `intensity`
/// (`low`/`medium`/`high`/`unspecified`), `emotion_code`, and from the demographics `age`, `race`, `ethnicity`.
public struct CremaDSource: CorpusSource {
    public static let kind = "crema_d"

    /// Options of the CREMA-D reader, as written in an experiment spec.
    public struct Configuration: Codable, Sendable, Equatable {
        /// The repository folder holding `AudioWAV/` (and `VideoDemographics.csv`), or the audio folder itself.
        public var root: String
        /// Corpus name recorded with runs (default `crema_d`).
        public var name: String?
        /// Path of `VideoDemographics.csv`; default: looked for in the root and its parent.
        public var demographics: String?
        /// What to do with a malformed name or an undecodable file (`skip` default, `fail`).
        public var onBadFile: BadFilePolicy

        /// Creates a configuration.
        public init(root: String, name: String? = nil, demographics: String? = nil, onBadFile: BadFilePolicy = .skip) {
            self.root = root
            self.name = name
            self.demographics = demographics
            self.onBadFile = onBadFile
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case root, name, demographics
            case onBadFile = "on_bad_file"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            root = try container.decode(String.self, forKey: .root)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            demographics = try container.decodeIfPresent(String.self, forKey: .demographics)
            onBadFile = try container.decodeIfPresent(BadFilePolicy.self, forKey: .onBadFile) ?? .skip
        }
    }

    /// One actor's row of `VideoDemographics.csv`.
    public struct Demographics: Sendable, Equatable {
        /// `Sex` column (`Male`/`Female`).
        public var gender: Gender
        /// `Age`, `Race` and `Ethnicity` columns as written.
        public var age: String, race: String, ethnicity: String
    }

    /// The options this value was built from.
    public var configuration: Configuration

    /// Creates a reader with `configuration`.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    public func load() throws -> Corpus {
        let c = configuration
        let directory = NamedCorpusScan.audioDirectory(c.root, inner: ["AudioWAV"])
        let table = try demographicsPath().map(CremaDSource.readDemographics) ?? [:]
        let candidates = try NamedCorpusScan.candidates(in: directory) { _ in false }
        return try NamedCorpusScan.load(kind: Self.kind, name: c.name, root: c.root, policy: c.onBadFile,
                                        candidates: candidates,
                                        layout: "an AudioWAV/ folder of files named like 1001_DFA_ANG_XX.wav") {
            let name = try CremaDFileName.parse($0.path)
            return CremaDSource.clip(path: $0.path, name: name, demographics: table[name.actor])
        }
    }

    /// The demographics file: the configured one (which must exist), else `VideoDemographics.csv` in the root or
    /// its parent, else `nil`.
    func demographicsPath() throws -> String? {
        if let path = configuration.demographics {
            guard FileManager.default.fileExists(atPath: path) else {
                throw CorpusError.badRoot(path: path, reason: "demographics file does not exist")
            }
            return path
        }
        let parent = (configuration.root as NSString).deletingLastPathComponent
        return [configuration.root, parent.isEmpty ? "." : parent]
            .map { FileListing.join($0, "VideoDemographics.csv") }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Reads `VideoDemographics.csv` into actor → demographics.
    /// - Throws: `CorpusError.manifest` naming the line and column of a missing column, a bad actor id, an
    ///   unknown `Sex` or a repeated actor.
    public static func readDemographics(_ path: String) throws -> [Int: Demographics] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CorpusError.badRoot(path: path, reason: "cannot read demographics file")
        }
        let table = try CSVTable(text: try CSVTable.decodeUTF8([UInt8](data), path: path), path: path)
        let header = table.header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var column: [String: Int] = [:]
        for name in ["ActorID", "Age", "Sex", "Race", "Ethnicity"] {
            guard let index = header.firstIndex(of: name) else {
                throw CorpusError.manifest(path: path, line: table.header.line, column: nil, reason:
                    "missing column '\(name)'; expected ActorID,Age,Sex,Race,Ethnicity")
            }
            column[name] = index
        }
        func field(_ row: CSVTable.Record, _ name: String) -> String {
            row.fields[column[name] ?? 0].trimmingCharacters(in: .whitespaces)
        }
        var result: [Int: Demographics] = [:]
        for row in table.rows {
            guard let actor = Int(field(row, "ActorID")), CremaDFileName.actors.contains(actor) else {
                throw CorpusError.manifest(path: path, line: row.line, column: "ActorID", reason:
                    "'\(field(row, "ActorID"))' is not an actor id 1001 … 1091")
            }
            guard result[actor] == nil else {
                throw CorpusError.manifest(path: path, line: row.line, column: "ActorID", reason: "actor \(actor) is listed twice")
            }
            let sex = field(row, "Sex")
            let gender: Gender
            switch sex.lowercased() {
            case "male": gender = .male
            case "female": gender = .female
            default:
                throw CorpusError.manifest(path: path, line: row.line, column: "Sex", reason:
                    "'\(sex)' is not a sex; expected Male or Female")
            }
            result[actor] = Demographics(gender: gender, age: field(row, "Age"), race: field(row, "Race"),
                                         ethnicity: field(row, "Ethnicity"))
        }
        return result
    }

    /// The clip record of a parsed CREMA-D file with its actor's demographics, when known.
    public static func clip(path: String, name: CremaDFileName, demographics: Demographics?) -> Clip {
        var attributes = ["sentence": name.sentence, "intensity": CremaDFileName.levels[name.level] ?? name.level,
                          "emotion_code": name.emotionCode]
        if let demographics {
            attributes["age"] = demographics.age
            attributes["race"] = demographics.race
            attributes["ethnicity"] = demographics.ethnicity
        }
        return Clip(path: path, label: name.label, speaker: name.speaker, gender: demographics?.gender,
                    attributes: attributes)
    }
}
