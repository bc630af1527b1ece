import EmotionCorpus
import Foundation

/// How `exp predict` tells which of the files it is given share a speaker, for runs trained with
/// `data.speaker_normalization` (each speaker's files are standardised with their own statistics).
public enum SpeakerGrouping: String, Sendable, CaseIterable {
    /// All files are one speaker (the default: one person's recordings).
    case single
    /// Files in the same directory are one speaker (e.g. `Actor_XX/` folders).
    case directory
    /// The actor field of RAVDESS file names (`…-AA.wav`).
    case ravdess

    /// The speaker of each file.
    /// - Throws: `CorpusError.badRavdessName` for `ravdess` and a file whose name does not parse.
    public func speakers(of files: [String]) throws -> [String] {
        switch self {
        case .single: return files.map { _ in "all" }
        case .directory: return files.map { ($0 as NSString).deletingLastPathComponent }
        case .ravdess: return try files.map { try RavdessFileName.parse($0).speaker }
        }
    }
}
