import Foundation

/// DVCLive-style files in `<run>/dvclive/`, so `dvc metrics show`, `dvc params diff` and `dvc plots show` work on
/// a runs folder kept in a DVC repository.
///
/// ```
/// dvclive/params.yaml                 the resolved spec
/// dvclive/metrics.json                last value of every metric, nested by prefix, plus "step"
/// dvclive/plots/metrics/<name>.tsv    "step\t<leaf>" per epoch, e.g. plots/metrics/val/uar.tsv
/// dvclive/dvc.yaml                    declares the three, as DVCLive 3 does
/// ```
public enum DVCLiveFiles {
    /// The directory name DVCLive uses by default.
    public static let directoryName = "dvclive"

    /// (Re)writes every file for `artifacts` under `<run>/dvclive/`, atomically.
    /// - Throws: `RunError.writeFailed`.
    public static func write(_ artifacts: RunArtifacts, in run: URL) throws {
        let root = run.appendingPathComponent(directoryName)
        if let spec = artifacts.specYAML { try write(spec, to: root.appendingPathComponent("params.yaml")) }
        var series: [String: [(Int, Double)]] = [:]
        var order: [String] = []
        for epoch in artifacts.history {
            for (tag, value) in RunArtifacts.scalars(epoch) {
                if series[tag] == nil { order.append(tag) }
                series[tag, default: []].append((epoch.epoch, value))
            }
        }
        for tag in order {
            let leaf = tag.split(separator: "/").last.map(String.init) ?? tag
            let rows = series[tag, default: []].map { "\($0.0)\t\(tsvNumber($0.1))" }
            try write((["step\t\(leaf)"] + rows).joined(separator: "\n") + "\n",
                      to: root.appendingPathComponent("plots/metrics/\(tag).tsv"))
        }
        var metrics: [String: JSONValue] = [:]
        if let last = artifacts.history.last {
            metrics["step"] = .int(last.epoch)
            for (tag, value) in RunArtifacts.scalars(last) { insert(value, at: tag, into: &metrics) }
        }
        for (tag, value) in artifacts.testScalars { insert(value, at: tag, into: &metrics) }
        var data = try JSONCoding.encoder().encode(JSONValue.object(metrics))
        data.append(0x0A)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: nil,
                                                orThrow: root)
        try AtomicFile.write(data, to: root.appendingPathComponent("metrics.json"))
        try write("""
            params:
            - params.yaml
            metrics:
            - metrics.json
            plots:
            - plots/metrics:
                x: step

            """, to: root.appendingPathComponent("dvc.yaml"))
    }

    /// Puts `value` at the path `tag` (`test/uar` → `{"test": {"uar": …}}`, `eval/emovo/uar` one level deeper).
    private static func insert(_ value: Double, at tag: String, into object: inout [String: JSONValue]) {
        insert(value, at: tag.split(separator: "/").map(String.init)[...], into: &object)
    }

    private static func insert(_ value: Double, at parts: ArraySlice<String>, into object: inout [String: JSONValue]) {
        guard let first = parts.first else { return }
        guard parts.count > 1 else {
            object[first] = .double(value)
            return
        }
        var inner: [String: JSONValue] = [:]
        if case .object(let existing)? = object[first] { inner = existing }
        insert(value, at: parts.dropFirst(), into: &inner)
        object[first] = .object(inner)
    }

    static func tsvNumber(_ value: Double) -> String { "\(value)" }

    private static func write(_ text: String, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: nil,
                                                orThrow: directory)
        try AtomicFile.write(text, to: url)
    }
}
