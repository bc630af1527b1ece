import Foundation
import Yams
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Why an MLflow export failed.
public enum MLflowError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered a request with an error status.
    case request(endpoint: String, status: Int, body: String)
    /// The server could not be reached.
    case unreachable(url: String, reason: String)
    /// An answer lacked a field the REST API documents.
    case malformedResponse(endpoint: String, body: String)

    public var description: String {
        switch self {
        case let .request(endpoint, status, body):
            return "MLflow \(endpoint): HTTP \(status): \(body.prefix(300))"
        case let .unreachable(url, reason):
            return "MLflow server at \(url) is not reachable: \(reason)"
        case let .malformedResponse(endpoint, body):
            return "MLflow \(endpoint): unexpected answer \(body.prefix(300))"
        }
    }
}

/// Logs runs to an MLflow tracking server over its REST API 2.0: experiment (by the run's name), run, params,
/// metric histories (one step per epoch), tags and artifacts, then the final status.
///
/// Artifacts go through the `mlflow-artifacts` proxy (`PUT /api/2.0/mlflow-artifacts/artifacts/...`) when the
/// server serves artifacts (the default since MLflow 2), or are copied when the artifact URI is a local path.
/// A run already exported (tag `exp.run_id`) is skipped, so exporting a folder twice adds nothing.
public struct MLflowExporter: Sendable {
    /// The tracking server, e.g. `http://127.0.0.1:5000`.
    public let trackingURI: URL
    /// Experiment name for every run; nil uses each run's experiment name.
    public var experimentName: String?

    /// An exporter for the server at `trackingURI`.
    public init(trackingURI: URL, experimentName: String? = nil) {
        self.trackingURI = trackingURI
        self.experimentName = experimentName
    }

    /// What happened to one run.
    public enum Outcome: Sendable, Equatable {
        /// Logged as the MLflow run with this id.
        case exported(mlflowRunID: String)
        /// An MLflow run with the same `exp.run_id` tag exists already.
        case alreadyExported(mlflowRunID: String)
    }

    /// Exports the run at `directory`.
    /// - Throws: `MLflowError`, or `RunError.readFailed` for an unreadable run.
    public func export(run directory: URL) async throws -> Outcome {
        let artifacts = try RunArtifacts.read(RunDirectory(existing: directory))
        let record = artifacts.record
        let experimentID = try await experiment(named: experimentName ?? record.name)
        let runTag = "\(record.name)/\(record.id)"
        let search = try await call("runs/search", ["experiment_ids": [experimentID],
                                                   "filter": "tags.`exp.run_id` = '\(runTag)'", "max_results": 1])
        if let runs = search["runs"] as? [[String: Any]], let info = runs.first?["info"] as? [String: Any],
           let id = info["run_id"] as? String {
            return .alreadyExported(mlflowRunID: id)
        }
        let start = milliseconds(record.timings.created)
        var tags = [("exp.run_id", runTag), ("exp.name", record.name), ("exp.status", record.status.rawValue),
                    ("exp.seed", "\(record.seed)"), ("exp.host", record.host), ("exp.version", record.expVersion)]
        if let commit = record.gitCommit { tags.append(("mlflow.source.git.commit", commit)) }
        let created = try await call("runs/create", [
            "experiment_id": experimentID, "run_name": record.id, "start_time": start,
            "tags": tags.map { ["key": $0.0, "value": $0.1] },
        ])
        guard let run = created["run"] as? [String: Any], let info = run["info"] as? [String: Any],
              let runID = info["run_id"] as? String else {
            throw MLflowError.malformedResponse(endpoint: "runs/create", body: "\(created)")
        }
        let params = Self.params(artifacts).map { ["key": $0.0, "value": String($0.1.prefix(6000))] }
        for chunk in stride(from: 0, to: params.count, by: 100) {
            _ = try await call("runs/log-batch", ["run_id": runID,
                                                  "params": Array(params[chunk ..< min(chunk + 100, params.count)])])
        }
        let metrics = Self.metrics(artifacts, start: start)
        for chunk in stride(from: 0, to: metrics.count, by: 1000) {
            _ = try await call("runs/log-batch", ["run_id": runID,
                                                  "metrics": Array(metrics[chunk ..< min(chunk + 1000, metrics.count)])])
        }
        try await uploadArtifacts(of: directory, artifactURI: info["artifact_uri"] as? String ?? "")
        if let status = Self.status(record.status) {
            var update: [String: Any] = ["run_id": runID, "status": status]
            if let ended = record.timings.ended { update["end_time"] = milliseconds(ended) }
            _ = try await call("runs/update", update)
        }
        return .exported(mlflowRunID: runID)
    }

    /// MLflow's run status for ours; nil leaves a running run open.
    static func status(_ status: RunStatus) -> String? {
        switch status {
        case .completed: return "FINISHED"
        case .failed, .diverged: return "FAILED"
        case .interrupted: return "KILLED"
        case .running: return nil
        }
    }

    /// Flattened spec parameters with MLflow-safe keys: `model.layers[4].units` becomes `model.layers.4.units`.
    static func params(_ artifacts: RunArtifacts) -> [(String, String)] {
        guard let text = artifacts.specYAML else { return [] }
        var values: [String: CompareValue] = [:]
        if let node = try? Yams.compose(yaml: text) { RunRow.flatten(node, prefix: "", into: &values) }
        return values.sorted { $0.key < $1.key }.map { key, value in
            (key.replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: "]", with: ""), value.description)
        }
    }

    /// Every per-epoch scalar at its epoch step, then the test metrics at the last step.
    static func metrics(_ artifacts: RunArtifacts, start: Int64) -> [[String: Any]] {
        var entries: [[String: Any]] = []
        var time = start
        for epoch in artifacts.history {
            time += Int64(epoch.seconds * 1000)
            for (tag, value) in RunArtifacts.scalars(epoch) where value.isFinite {
                entries.append(["key": tag, "value": value, "timestamp": time, "step": epoch.epoch])
            }
        }
        let step = artifacts.history.last?.epoch ?? 0
        for (tag, value) in artifacts.testScalars where value.isFinite {
            entries.append(["key": tag, "value": value, "timestamp": time, "step": step])
        }
        return entries
    }

    private func uploadArtifacts(of directory: URL, artifactURI: String) async throws {
        let names = ["run.json", "spec.yaml", "metrics.json", "history.jsonl", "log.txt"]
        let files = names.map { (name: $0, url: directory.appendingPathComponent($0)) }
            .filter { FileManager.default.fileExists(atPath: $0.url.path) }
        if artifactURI.hasPrefix("mlflow-artifacts:") {
            // `mlflow-artifacts:/1/<run>/artifacts` or `mlflow-artifacts://host:port/1/<run>/artifacts`.
            var path = String(artifactURI.dropFirst("mlflow-artifacts:".count))
            if path.hasPrefix("//") { path = "/" + path.dropFirst(2).drop { $0 != "/" }.dropFirst() }
            path = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            for file in files {
                let url = trackingURI.appendingPathComponent("api/2.0/mlflow-artifacts/artifacts/\(path)/\(file.name)")
                var request = URLRequest(url: url)
                request.httpMethod = "PUT"
                request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
                _ = try await send(request, body: try Data(contentsOf: file.url), endpoint: "mlflow-artifacts PUT")
            }
        } else {
            let target = URL(fileURLWithPath: artifactURI.hasPrefix("file://")
                ? String(artifactURI.dropFirst("file://".count)) : artifactURI)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true, attributes: nil,
                                                    orThrow: target)
            for file in files { try AtomicFile.write(try Data(contentsOf: file.url), to: target.appendingPathComponent(file.name)) }
        }
    }

    private func experiment(named name: String) async throws -> String {
        var components = URLComponents(url: endpoint("experiments/get-by-name"), resolvingAgainstBaseURL: false)
        components?.queryItems = [URLQueryItem(name: "experiment_name", value: name)]
        if let url = components?.url {
            do {
                let found = try await send(URLRequest(url: url), body: nil, endpoint: "experiments/get-by-name")
                if let experiment = found["experiment"] as? [String: Any], let id = experiment["experiment_id"] as? String {
                    return id
                }
            } catch MLflowError.request(_, 404, _) {
                // Not there yet: create it below.
            }
        }
        let created = try await call("experiments/create", ["name": name])
        guard let id = created["experiment_id"] as? String else {
            throw MLflowError.malformedResponse(endpoint: "experiments/create", body: "\(created)")
        }
        return id
    }

    private func endpoint(_ path: String) -> URL { trackingURI.appendingPathComponent("api/2.0/mlflow/\(path)") }

    private func call(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: endpoint(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        return try await send(request, body: try JSONSerialization.data(withJSONObject: body), endpoint: path)
    }

    private func send(_ request: URLRequest, body: Data?, endpoint: String) async throws -> [String: Any] {
        var request = request
        request.httpBody = body
        request.timeoutInterval = 60
        let data: Data, response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw MLflowError.unreachable(url: trackingURI.absoluteString, reason: error.localizedDescription)
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let text = String(decoding: data, as: UTF8.self)
        guard (200 ..< 300).contains(status) else { throw MLflowError.request(endpoint: endpoint, status: status, body: text) }
        if data.isEmpty { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    private func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
