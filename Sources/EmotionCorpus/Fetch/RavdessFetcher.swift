import Foundation
import ZIPFoundation

/// Downloads, verifies and unpacks the RAVDESS speech archive (`exp data fetch ravdess`).
///
/// 1. If `output` already holds a RAVDESS corpus of `expectedFileCount` speech files, nothing is done.
/// 2. The archive is downloaded to `<output>.zip.part`, resuming a previous partial download with an HTTP Range
///    request, then renamed to `<output>.zip`.
/// 3. The archive is verified: it must open as a ZIP and hold exactly `expectedFileCount` RAVDESS speech `.wav`
///    entries with valid names; every entry's CRC-32 is checked as it is extracted.
/// 4. Entries are unpacked into a temporary directory beside `output` as `Actor_XX/<name>.wav` (whatever folder
///    the archive used), which is renamed to `output` in one step, so `output` is either absent or complete.
///
/// A corrupt or wrong archive is deleted (so the next run downloads afresh) and reported; the temporary
/// directory never survives a failure. The verified archive is deleted after a successful unpack.
public struct RavdessFetcher: Sendable {
    /// Zenodo record 1188976, the official speech-only archive (24 actors × 60 clips).
    public static let officialURL = "https://zenodo.org/records/1188976/files/Audio_Speech_Actors_01-24.zip"
    /// Speech files in the official archive.
    public static let officialFileCount = 1440

    /// What a fetch did.
    public struct Summary: Sendable, Equatable {
        /// The corpus directory.
        public var output: String
        /// Speech files in it.
        public var fileCount: Int
        /// Whether the corpus was already present, so nothing was downloaded.
        public var alreadyPresent: Bool

        /// Creates a summary.
        public init(output: String, fileCount: Int, alreadyPresent: Bool) {
            self.output = output
            self.fileCount = fileCount
            self.alreadyPresent = alreadyPresent
        }
    }

    /// Archive URL (`--url`); default `officialURL`.
    public var url: URL
    /// Destination directory (`--out`); default `data/ravdess`.
    public var output: String
    /// Speech files the archive must contain (`--expected-files`); default 1,440. A test archive may use fewer.
    public var expectedFileCount: Int
    /// Transfers tried before giving up; each resumes the previous one.
    public var attempts: Int
    /// Called with (bytes downloaded, total when known).
    public var progress: (@Sendable (Int64, Int64?) -> Void)?

    /// Creates a fetcher.
    public init(url: URL, output: String = "data/ravdess", expectedFileCount: Int = RavdessFetcher.officialFileCount,
                attempts: Int = 3, progress: (@Sendable (Int64, Int64?) -> Void)? = nil) {
        self.url = url
        self.output = output
        self.expectedFileCount = expectedFileCount
        self.attempts = attempts
        self.progress = progress
    }

    /// The archive path beside `output`.
    public var archivePath: String { output + ".zip" }

    /// Fetches, verifies and unpacks.
    /// - Throws: `CorpusError.fetch` with the URL, HTTP status, transfer error or archive problem.
    public func run() async throws -> Summary {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: output, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CorpusError.fetch(reason: "\(output) exists and is not a directory") }
            let contents = (try? manager.contentsOfDirectory(atPath: output)) ?? []
            if !contents.isEmpty {
                let count = (try? RavdessSource(.init(root: output)).load().clips.count) ?? 0
                guard count == expectedFileCount else {
                    throw CorpusError.fetch(reason: "\(output) exists and holds \(count) RAVDESS speech files, " +
                                            "expected \(expectedFileCount); remove it or choose another --out")
                }
                return Summary(output: output, fileCount: count, alreadyPresent: true)
            }
        }
        let parent = (output as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            do {
                try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw CorpusError.fetch(reason: "cannot create \(parent): \(error.localizedDescription)")
            }
        }
        if !manager.fileExists(atPath: archivePath) {
            try await ResumableDownload(url: url, destination: archivePath, progress: progress).run(attempts: attempts)
        }
        let count = try unpack()
        try? manager.removeItem(atPath: archivePath)
        return Summary(output: output, fileCount: count, alreadyPresent: false)
    }

    /// Verifies the archive and unpacks it into `output` through a temporary directory.
    /// - Returns: the number of speech files unpacked.
    func unpack() throws -> Int {
        let manager = FileManager.default
        let parent = (output as NSString).deletingLastPathComponent
        let staging = FileListing.join(parent.isEmpty ? "." : parent,
                                       ".\(FileListing.baseName(output)).unpacking-\(ProcessInfo.processInfo.processIdentifier)")
        try? manager.removeItem(atPath: staging)
        func reject(_ reason: String) -> CorpusError {
            try? manager.removeItem(atPath: staging)
            try? manager.removeItem(atPath: archivePath)
            return .fetch(reason: "\(archivePath): \(reason); the archive was deleted, run again to download it afresh")
        }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: archivePath), accessMode: .read)
        } catch {
            throw reject("not a readable ZIP archive (\(error))")
        }
        var speech: [(entry: Entry, name: RavdessFileName)] = []
        var seen = Set<String>()
        for entry in archive where entry.type == .file {
            let base = FileListing.baseName(entry.path)
            guard !entry.path.hasPrefix("__MACOSX"), !base.hasPrefix("."), base.lowercased().hasSuffix(".wav"),
                  let name = try? RavdessFileName.parse(entry.path), name.vocalChannel == .speech else { continue }
            guard seen.insert(name.fileName).inserted else { throw reject("entry \(entry.path) appears twice") }
            speech.append((entry, name))
        }
        guard speech.count == expectedFileCount else {
            throw reject("holds \(speech.count) RAVDESS speech files, expected \(expectedFileCount)")
        }
        do {
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw CorpusError.fetch(reason: "cannot create \(staging): \(error.localizedDescription)")
        }
        for (entry, name) in speech {
            // Destination names are rebuilt from the parsed fields, so entry paths can never escape `staging`.
            let destination = FileListing.join(staging, "Actor_\(name.speaker)/\(name.fileName)")
            // `Archive.extract` computes the CRC-32 but leaves the comparison to the caller.
            let checksum: CRC32
            do {
                checksum = try archive.extract(entry, to: URL(fileURLWithPath: destination))
            } catch {
                throw reject("entry \(entry.path) is corrupt (\(error))")
            }
            guard checksum == entry.checksum else {
                throw reject("entry \(entry.path) is corrupt (CRC-32 \(String(checksum, radix: 16)), archive says " +
                             "\(String(entry.checksum, radix: 16)))")
            }
        }
        if manager.fileExists(atPath: output) { try? manager.removeItem(atPath: output) }
        guard rename(staging, output) == 0 else {
            let reason = String(cString: strerror(errno))
            try? manager.removeItem(atPath: staging)
            throw CorpusError.fetch(reason: "cannot move the unpacked corpus to \(output): \(reason)")
        }
        return speech.count
    }
}
