import Foundation
import NeuralNet
@testable import ExperimentKit

/// What a run directory holds after a fault, checked file by file.
struct RunIntegrity {
    /// Files that failed to parse or load, each with the reason.
    var torn: [String] = []
    /// Temporary files (`.tmp-…`) a killed writer left; a resumed run removes them.
    var temporaries: [String] = []
    /// The record, if `run.json` exists and decodes.
    var record: RunRecord?
    /// Why the directory is neither complete nor resumable, if it is neither.
    var unusable: String?

    /// Every file under `directory`: JSON files parse, `history.jsonl` lines decode, safetensors files load,
    /// `log.txt` ends with a whole line; then whether the run is complete or resumable.
    init(_ directory: URL) {
        let run = RunDirectory(existing: directory)
        for file in Self.files(under: directory) {
            let name = file.lastPathComponent
            if name.hasPrefix(AtomicFile.temporaryPrefix) {
                temporaries.append(file.path)
                continue
            }
            if file.deletingLastPathComponent().lastPathComponent.hasPrefix(".claim") { continue }
            do {
                try Self.check(file)
            } catch {
                torn.append("\(file.path): \(error)")
            }
        }
        do {
            record = try RunRecord.read(run.record)
        } catch {
            unusable = "\(error)"
            return
        }
        unusable = Self.usability(run, record: record)
    }

    /// The files under `directory`, recursively, dot-directories (claims) included.
    static func files(under directory: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter {
            (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
    }

    private static func check(_ file: URL) throws {
        let data = try Data(contentsOf: file)
        switch file.pathExtension {
        case "json":
            _ = try JSONSerialization.jsonObject(with: data)
        case "jsonl":
            _ = try HistoryLog.read(file)
        case "safetensors":
            _ = try Checkpoint.read(file)
        case "txt", "yaml", "tsv":
            guard data.isEmpty || data.last == 0x0A else { throw FaultTestError("does not end with a whole line") }
        default:
            break
        }
    }

    /// Nil when the run is complete (metrics written) or resumable (its last checkpoint loads with its optimiser
    /// file, or it has none and restarts).
    private static func usability(_ run: RunDirectory, record: RunRecord?) -> String? {
        guard let record else {
            // Killed before the first record: only the spec may exist, and the next run starts afresh.
            let checkpoints = (try? FileManager.default.contentsOfDirectory(atPath: run.checkpoints.path)) ?? []
            return checkpoints.contains("last.safetensors") ? "checkpoints without run.json" : nil
        }
        switch record.status {
        case .completed:
            return FileManager.default.fileExists(atPath: run.metrics.path) ? nil : "completed without metrics.json"
        case .running, .interrupted:
            let last = run.checkpoint(.last)
            guard FileManager.default.fileExists(atPath: last.path) else {
                return record.epochsCompleted == 0 ? nil : "epoch \(record.epochsCompleted) recorded but no last checkpoint"
            }
            guard let file = try? Checkpoint.read(last), let optimizer = file.metadata[SequentialTask.optimizerFileKey] else {
                return "last checkpoint has no optimizer file name"
            }
            guard (try? Checkpoint.read(run.checkpoints.appendingPathComponent(optimizer))) != nil else {
                return "optimizer file \(optimizer) named by last.safetensors does not load"
            }
            return nil
        case .failed, .diverged:
            return "status \(record.status) after a kill"
        }
    }
}
