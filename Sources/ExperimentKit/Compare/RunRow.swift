import Foundation
import Yams

/// One run as `exp compare` sees it: attributes, flattened parameters and metrics, read from its directory.
///
/// Keys are dotted paths: parameters come from the resolved `spec.yaml` (`optimizer.learning_rate`,
/// `model.layers[4].units`), metrics from `metrics.json` (`test.uar`, `test.accuracy`, `test.f1.angry`), from each
/// `eval/<corpus>/metrics.json` under `eval.<corpus>.` (`eval.emodb.uar`, `eval.emodb.left_out`) and
/// `history.jsonl` (`val.best_uar`, `val.best_loss`, `train.last_loss`), attributes from `run.json` (`status`,
/// `created`, `duration`, `name`, `id`, `run`, `epochs`).
public struct RunRow: Sendable {
    /// The run directory.
    public var directory: URL
    /// `status`, `created`, `duration`, `name`, `id`, `run` (`name/id`), `epochs`, `seed`, `host`.
    public var attributes: [String: CompareValue]
    /// Resolved-spec values by dotted path.
    public var params: [String: CompareValue]
    /// Final and per-history metrics by dotted path.
    public var metrics: [String: Double]
    /// Why parts of the run could not be read (a half-written or foreign directory), if they could not.
    public var note: String?

    /// The attribute keys, in display order.
    public static let attributeKeys = ["run", "status", "created", "duration", "epochs", "name", "id", "seed", "host"]

    /// The value of `key`, looked up as attribute, then metric, then parameter.
    public func value(_ key: String) -> CompareValue? {
        if let value = attributes[key] { return value }
        if let value = metrics[key] { return .number(value) }
        return params[key]
    }

    /// The status attribute (`ensemble` for a group of `exp ensemble`, `unreadable` when `run.json` is otherwise
    /// missing or corrupt).
    public var status: String { attributes["status"]?.description ?? "unreadable" }

    /// Reads the run at `directory`; never throws: what cannot be read is left out and described in `note`.
    public static func load(_ directory: URL) -> RunRow {
        let run = RunDirectory(existing: directory)
        var row = RunRow(directory: directory, attributes: [:], params: [:], metrics: [:], note: nil)
        var notes: [String] = []
        let fallbackName = directory.deletingLastPathComponent().lastPathComponent
        do {
            if let record = try RunRecord.read(run.record) {
                row.attributes = attributes(of: record)
            } else if FileManager.default.fileExists(atPath: directory.appendingPathComponent("ensemble.json").path) {
                // A group of `exp ensemble`: test metrics without a run of its own.
                row.attributes = ["status": .string("ensemble"), "name": .string(fallbackName),
                                  "id": .string(directory.lastPathComponent),
                                  "run": .string("\(fallbackName)/\(directory.lastPathComponent)")]
            } else {
                notes.append("no run.json")
            }
        } catch {
            notes.append("run.json is not a valid run record")
        }
        if row.attributes.isEmpty {
            row.attributes = ["status": .string("unreadable"), "name": .string(fallbackName),
                              "id": .string(directory.lastPathComponent),
                              "run": .string("\(fallbackName)/\(directory.lastPathComponent)")]
        }
        if let data = smallFile(run.spec, limit: SpecLoader().maxBytes, notes: &notes), let text = String(data: data, encoding: .utf8) {
            do {
                // A tampered spec.yaml must not hang the comparison: aliased keys and alias bombs are cut short.
                try SpecKeyScreen.check(text, file: run.spec.path)
                // The basic resolver skips Yams' regex-based tag resolution; ScalarTyping types scalars instead.
                if let node = try Yams.compose(yaml: text, .basic) {
                    var budget = SpecLoader().maxNodes
                    flatten(node, prefix: "", into: &row.params, budget: &budget)
                    if budget < 0 {
                        row.params = [:]
                        notes.append("spec.yaml expands to more than \(SpecLoader().maxNodes) values")
                    }
                }
                row.params["name"] = nil
            } catch {
                notes.append("spec.yaml does not parse")
            }
        }
        if let data = smallFile(run.metrics, limit: 1 << 24, notes: &notes) {
            if let test = try? JSONCoding.decoder().decode(ClassificationMetrics.self, from: data) {
                add(test, prefix: "test", to: &row.metrics)
            } else {
                notes.append("metrics.json is not valid")
            }
        }
        for entry in CorpusEvaluator.stored(in: directory) {
            add(entry.metrics, prefix: "eval.\(entry.name)", to: &row.metrics)
            if let evaluation = entry.evaluation {
                row.metrics["eval.\(entry.name).left_out"] = Double(evaluation.leftOutCount)
            }
        }
        do {
            add(history: try history(run.history), to: &row.metrics)
        } catch {
            notes.append("history.jsonl has a broken line")
        }
        row.note = notes.isEmpty ? nil : notes.joined(separator: "; ")
        return row
    }

    /// The per-epoch summaries of `history.jsonl`. Each line is the run layer's compact JSON, so the flat `train`
    /// and `validation` objects are scanned directly: for 1,000 runs, `Codable` (and even `JSONSerialization`) cost
    /// more than everything else together. Anything unexpected falls back to `HistoryLog.read`, which names a
    /// broken line.
    static func history(_ url: URL) throws -> [(train: MetricSummary, validation: MetricSummary?)] {
        var info = stat()
        guard stat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
              let data = FileManager.default.contents(atPath: url.path) else { return [] }
        var epochs: [(train: MetricSummary, validation: MetricSummary?)] = []
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            let bytes = Array(line)
            guard let train = summary(named: "\"train\":{", in: bytes) else {
                return try HistoryLog.read(url).map { ($0.train, $0.validation) }
            }
            epochs.append((train, summary(named: "\"validation\":{", in: bytes)))
        }
        return epochs
    }

    /// The `MetricSummary` in the flat object that follows `key` in `bytes`, or nil.
    static func summary(named key: String, in bytes: [UInt8]) -> MetricSummary? {
        let pattern = Array(key.utf8)
        guard bytes.count > pattern.count,
              let start = (0 ... bytes.count - pattern.count).first(where: { bytes[$0 ..< $0 + pattern.count].elementsEqual(pattern) }),
              let end = bytes[(start + pattern.count)...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
        var values: [String: Double] = [:]
        for pair in bytes[(start + pattern.count) ..< end].split(separator: UInt8(ascii: ",")) {
            guard let colon = pair.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            let name = String(decoding: pair[pair.startIndex ..< colon].filter { $0 != UInt8(ascii: "\"") }, as: UTF8.self)
            let text = String(decoding: pair[(colon + 1)...].filter { $0 != UInt8(ascii: "\"") }, as: UTF8.self)
            guard let value = Double(text) else { return nil }
            values[name] = value
        }
        guard let loss = values["loss"], let accuracy = values["accuracy"], let uar = values["uar"],
              let macroF1 = values["macro_f1"] else { return nil }
        return MetricSummary(loss: loss, accuracy: accuracy, uar: uar, macroF1: macroF1)
    }

    static func attributes(of record: RunRecord) -> [String: CompareValue] {
        var values: [String: CompareValue] = [
            "status": .string(record.status.rawValue), "name": .string(record.name), "id": .string(record.id),
            "run": .string("\(record.name)/\(record.id)"), "epochs": .number(Double(record.epochsCompleted)),
            "seed": .number(Double(record.seed)), "host": .string(record.host),
            "duration": .number(record.timings.elapsedSeconds),
        ]
        values["created"] = .string(isoDate(record.timings.created))
        return values
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC via `gmtime_r`, which is thread-safe (rows load in parallel).
    static func isoDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// `test.accuracy`, `test.uar`, `test.macro_f1`, `test.loss`, `test.count` and `test.f1.<class>`.
    static func add(_ metrics: ClassificationMetrics, prefix: String, to values: inout [String: Double]) {
        values["\(prefix).accuracy"] = metrics.accuracy
        values["\(prefix).uar"] = metrics.uar
        values["\(prefix).macro_f1"] = metrics.macroF1
        values["\(prefix).count"] = Double(metrics.count)
        if let loss = metrics.loss { values["\(prefix).loss"] = loss }
        for entry in metrics.perClass { values["\(prefix).f1.\(entry.name)"] = entry.f1 }
    }

    /// Best and last values over the epochs: `val.best_uar` is the maximum, `val.best_loss` the minimum.
    static func add(history: [(train: MetricSummary, validation: MetricSummary?)], to values: inout [String: Double]) {
        guard let last = history.last else { return }
        values["train.last_loss"] = last.train.loss
        values["train.last_uar"] = last.train.uar
        values["train.best_uar"] = history.map(\.train.uar).max()
        let validation = history.compactMap(\.validation)
        if let final = validation.last {
            values["val.last_loss"] = final.loss
            values["val.last_uar"] = final.uar
            values["val.best_uar"] = validation.map(\.uar).max()
            values["val.best_accuracy"] = validation.map(\.accuracy).max()
            values["val.best_loss"] = validation.map(\.loss).min()
        }
    }

    /// Flattens a YAML tree into dotted keys; sequences index as `[i]`, empty containers are left out.
    /// Flattens `node` into dotted keys (`model.layers[4].units`), at most `SpecLoader().maxNodes` of them.
    static func flatten(_ node: Node, prefix: String, into values: inout [String: CompareValue]) {
        var budget = SpecLoader().maxNodes
        flatten(node, prefix: prefix, into: &values, budget: &budget)
    }

    /// Flattens `node` into dotted keys, visiting at most `budget` nodes (it ends below zero when cut short).
    static func flatten(_ node: Node, prefix: String, into values: inout [String: CompareValue], budget: inout Int) {
        budget -= 1
        guard budget >= 0 else { return }
        switch node {
        case .mapping(let mapping):
            for (key, child) in mapping where budget >= 0 {
                let name = key.string ?? ""
                flatten(child, prefix: prefix.isEmpty ? name : "\(prefix).\(name)", into: &values, budget: &budget)
            }
        case .sequence(let sequence):
            for (index, child) in sequence.enumerated() where budget >= 0 {
                flatten(child, prefix: "\(prefix)[\(index)]", into: &values, budget: &budget)
            }
        case .scalar(let scalar):
            values[prefix] = value(of: scalar)
        case .alias:
            break
        }
    }

    /// The bytes of `url` if it is a regular file of at most `limit` bytes; a FIFO or device would block the read.
    static func smallFile(_ url: URL, limit: Int, notes: inout [String]) -> Data? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        guard info.st_mode & S_IFMT == S_IFREG, info.st_size <= limit else {
            notes.append("\(url.lastPathComponent) is not a regular file of at most \(limit) bytes")
            return nil
        }
        return FileManager.default.contents(atPath: url.path)
    }

    static func value(of scalar: Node.Scalar) -> CompareValue {
        let text = scalar.string
        guard scalar.style == .plain || scalar.style == .any else { return .string(text) }
        switch ScalarTyping.kind(text) {
        case .null: return .null
        case .bool: return .bool(text.lowercased() == "true")
        case .int, .float: return Double(text).map(CompareValue.number) ?? .string(text)
        case .string: return .string(text)
        }
    }
}
