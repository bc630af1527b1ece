import EmotionCorpus
import Foundation

/// Scores several trained experiments as one late-fusion (soft-voting) predictor on each fold's own test speakers,
/// and writes `<runs>/<name>/<group>/metrics.json` and `ensemble.json` per group.
///
/// Runs are grouped by their test split: the same corpus entries (`data`) and the same clip list (`split.test` of
/// `run.json`). Every group needs at least one run of every `--run` reference; a reference with several runs in a
/// group (the seeds of a sweep) contributes the mean of their probabilities, and the references then count equally.
/// Each member scores the group's clips with its own features, clip preparation, normalisation and checkpoint; the
/// corpus is the first member's, read through the registries and relabelled exactly as it was for training. A run
/// trained with per-speaker normalisation standardises a clip with all the corpus's clips of its speaker, as training
/// did, so one member alone reproduces its run's own test metrics.
public enum EnsembleEvaluator {
    /// One completed run with what grouping and scoring need.
    struct Candidate {
        let reference: Int
        let directory: URL
        let record: RunRecord
        let spec: ExperimentSpec
        let test: [String]
        let identity: Identity
        let fold: Int?
    }

    /// What makes runs comparable: the corpus entries and the (sorted) test clip list.
    struct Identity: Hashable {
        let corpora: [ResolvedComponent]
        let test: [String]
    }

    /// Scores the ensemble of `references` (experiment names or run directories) group by group.
    ///
    /// - Parameters:
    ///   - name: The ensemble name (`<runsRoot>/<name>/`); nil joins the experiment names with `+`.
    ///   - checkpoint: The weights scored; nil takes `average` where a run averaged checkpoints, else `best`.
    ///   - progress: Receives one line per group as it starts.
    /// - Throws: `RunError.invalid` for a bad name, a run without a recorded split, a group missing a reference,
    ///   members with different classes or a test clip the corpus no longer has; `RunError.readFailed` for a
    ///   reference naming no completed run; `SpecErrors` for a spec that no longer validates; corpus, checkpoint
    ///   and audio errors naming the file.
    public static func evaluate(references: [String], name: String? = nil, runsRoot: URL, registries: Registries,
                                checkpoint: CheckpointKind? = nil, featureCache: FeatureCache? = nil,
                                progress: (String) -> Void = { _ in }) throws -> EnsembleSummary {
        guard !references.isEmpty else { throw RunError.invalid("an ensemble needs at least one --run") }
        let candidates = try references.indices.flatMap { index in
            try runs(of: references[index], runsRoot: runsRoot).map { try candidate($0, reference: index,
                                                                                   registries: registries) }
        }
        var seen: [String: Int] = [:]
        for candidate in candidates {
            if let other = seen.updateValue(candidate.reference, forKey: candidate.directory.path) {
                throw RunError.invalid("run \(candidate.directory.path) is given twice (by --run \(references[other]) "
                                       + "and --run \(references[candidate.reference]))")
            }
        }
        let experiments = references.indices.map { index in
            candidates.first { $0.reference == index }?.record.name ?? references[index]
        }
        var unique: [String] = []
        for experiment in experiments where !unique.contains(experiment) { unique.append(experiment) }
        let ensembleName = name ?? unique.joined(separator: "+")
        if let problem = nameProblem(ensembleName) {
            throw RunError.invalid("ensemble name '\(ensembleName)' is not usable (\(problem)); give one with --name")
        }
        try refuseExperimentDirectory(ensembleName, runsRoot: runsRoot)

        let groups = try group(candidates, references: references, experiments: experiments)
        var results: [EnsembleGroupResult] = []
        for (key, members) in groups {
            progress("\(ensembleName)/\(key): " + members.map {
                "\($0.record.name)/\($0.directory.lastPathComponent)"
            }.joined(separator: " + ") + "\n")
            results.append(try score(members, references: references, key: key, name: ensembleName,
                                     runsRoot: runsRoot, registries: registries, checkpoint: checkpoint,
                                     featureCache: featureCache))
        }
        return EnsembleSummary(name: ensembleName, groups: results)
    }

    /// The completed runs `reference` names: the run itself for a run directory or `<name>/<run-id>`, else every
    /// completed run of the experiment named (under `runsRoot`) or of the experiment directory given as a path
    /// (sorted by run id).
    /// - Throws: `RunError.readFailed` when nothing matches or no run of the experiment is completed;
    ///   `RunError.invalid` for a run directory that is not completed; `RunError.outsideRunsRoot`.
    public static func runs(of reference: String, runsRoot: URL) throws -> [URL] {
        let manager = FileManager.default
        let local = URL(fileURLWithPath: reference)
        let named = runsRoot.appendingPathComponent(reference)
        if manager.fileExists(atPath: local.appendingPathComponent("run.json").path)
            || manager.fileExists(atPath: named.appendingPathComponent("run.json").path) {
            let located = try RunLocator.locate(reference, runsRoot: runsRoot)
            guard try RunRecord.read(RunDirectory(existing: located).record)?.status == .completed else {
                throw RunError.invalid("\(located.path) is not a completed run: train it to the end first (exp run)")
            }
            return [located]
        }
        var isDirectory: ObjCBool = false
        let experiment: URL
        if !manager.fileExists(atPath: named.path), manager.fileExists(atPath: local.path, isDirectory: &isDirectory),
           isDirectory.boolValue {
            // A path the user gives (`runs/<name>`) is taken as it is, as for a run directory.
            experiment = local.standardizedFileURL
        } else {
            experiment = try RunLocator.locate(reference, runsRoot: runsRoot).deletingLastPathComponent()
        }
        let names = ((try? manager.contentsOfDirectory(atPath: experiment.path)) ?? []).sorted()
        let completed = try names.compactMap { name -> URL? in
            let directory = experiment.appendingPathComponent(name)
            guard !isSymlink(directory), !isSymlink(directory.appendingPathComponent("run.json")),
                  try RunRecord.read(RunDirectory(existing: directory).record)?.status == .completed else { return nil }
            return directory
        }
        guard !completed.isEmpty else {
            throw RunError.readFailed(path: experiment.path, reason: "experiment '\(reference)' has no completed run")
        }
        return completed
    }

    /// Why `name` cannot name an ensemble, or nil: `+`-joined parts, each a valid experiment name.
    public static func nameProblem(_ name: String) -> String? {
        let parts = name.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 1, parts.contains(where: \.isEmpty) { return "'+' must join non-empty names" }
        if name.utf8.count > 255 { return "name must be at most 255 bytes, got \(name.utf8.count)" }
        return parts.lazy.compactMap { ExperimentSpec.nameProblem($0) }.first
    }

    /// Refuses to write into an experiment's own directory (one holding run directories).
    private static func refuseExperimentDirectory(_ name: String, runsRoot: URL) throws {
        let folder = runsRoot.appendingPathComponent(name)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        if names.contains(where: { FileManager.default.fileExists(
            atPath: folder.appendingPathComponent($0).appendingPathComponent("run.json").path) }) {
            throw RunError.invalid("\(folder.path) holds the runs of experiment '\(name)'; give the ensemble "
                                   + "another name with --name")
        }
    }

    private static func candidate(_ directory: URL, reference: Int, registries: Registries) throws -> Candidate {
        let run = RunDirectory(existing: directory)
        guard let record = try RunRecord.read(run.record) else {
            throw RunError.readFailed(path: run.record.path, reason: "no run.json")
        }
        guard let split = record.split, !split.test.isEmpty else {
            throw RunError.invalid("\(run.record.path) records no test split (split.test): the run cannot be "
                                   + "grouped by its test speakers")
        }
        let spec = try ExperimentSpec.load(file: run.spec.path, registries: registries,
                                           classCount: Emotion.allCases.count)
        var fold: Int?
        if case .int(let value)? = spec.resolved.split.options["fold"] { fold = value }
        return Candidate(reference: reference, directory: directory, record: record, spec: spec, test: split.test,
                         identity: Identity(corpora: spec.resolved.data.allCorpora, test: split.test.sorted()),
                         fold: fold)
    }

    /// The groups with their keys, ordered by fold (or key); every group holds every reference.
    private static func group(_ candidates: [Candidate], references: [String],
                              experiments: [String]) throws -> [(key: String, members: [Candidate])] {
        var order: [Identity] = []
        var members: [Identity: [Candidate]] = [:]
        for candidate in candidates {
            if members[candidate.identity] == nil { order.append(candidate.identity) }
            members[candidate.identity, default: []].append(candidate)
        }
        func hashKey(_ identity: Identity) -> String {
            let corpora = identity.corpora.map { entry in
                entry.type + "\t" + entry.options.keys.sorted().map { "\($0)=\(entry.options[$0] ?? .null)" }.joined(separator: "\t")
            }
            return "split-" + String(SHA256.hex((corpora + identity.test).joined(separator: "\n")).prefix(10))
        }
        // fold-<k> only when each group's members agree on one fold and no two groups share it.
        let folds = order.map { identity -> Int? in
            let values = Set(members[identity, default: []].map(\.fold))
            return values.count == 1 ? values.first ?? nil : nil
        }
        let byFold = folds.allSatisfy { $0 != nil } && Set(folds).count == folds.count
        var keyed = zip(order, folds).map { identity, fold in
            (key: byFold ? "fold-\(fold ?? 0)" : hashKey(identity), fold: fold ?? 0,
             members: members[identity, default: []].sorted {
                 ($0.reference, $0.directory.path) < ($1.reference, $1.directory.path)
             })
        }
        keyed.sort { byFold ? $0.fold < $1.fold : $0.key < $1.key }
        for entry in keyed {
            // Classes come from run.json, so a mismatch is refused before anything is scored or written.
            let first = entry.members[0]
            if let other = entry.members.first(where: { $0.record.classes != first.record.classes }) {
                throw RunError.invalid("an ensemble needs the same classes in every run: "
                    + "\(first.record.name)/\(first.directory.lastPathComponent) has "
                    + "\((first.record.classes ?? []).joined(separator: ", ")) but "
                    + "\(other.record.name)/\(other.directory.lastPathComponent) has "
                    + "\((other.record.classes ?? []).joined(separator: ", "))")
            }
            let present = Set(entry.members.map(\.reference))
            guard let missing = references.indices.first(where: { !present.contains($0) }) else { continue }
            let shown = first.test.prefix(3).joined(separator: ", ") + (first.test.count > 3 ? ", …" : "")
            throw RunError.invalid("experiment '\(experiments[missing])' (--run \(references[missing])) has no "
                + "completed run tested on the split of \(first.record.name)/\(first.directory.lastPathComponent) "
                + "(\(entry.key): \(first.test.count) test clips: \(shown)); train that fold first or leave it out")
        }
        return keyed.map { ($0.key, $0.members) }
    }

    private static func isSymlink(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }
}
