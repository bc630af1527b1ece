import EmotionCorpus
import Foundation

/// What a cross-corpus evaluation did beyond its metrics: `eval/<corpus>/evaluation.json` beside the
/// `eval/<corpus>/metrics.json` that has the run's own metrics schema.
public struct CorpusEvaluation: Codable, Sendable, Equatable {
    /// The directory name under `eval/`.
    public var corpus: String
    /// The corpus reader type (`emodb`, `manifest`, …).
    public var type: String
    /// The directory or manifest the corpus was read from.
    public var root: String
    /// The checkpoint scored (`best`, `average` or `last`).
    public var checkpoint: String
    /// The model's classes, in output order (the metrics' class order).
    public var classes: [String]
    /// The model's classes no clip of the corpus has (after the label mapping): their recall is undefined, so
    /// they do not enter UAR.
    public var missingClasses: [String]
    /// Clips left out because the model has no output for their class, per class (after the label mapping).
    public var leftOut: [String: Int]
    /// Clips the evaluation entry's own `labels.keep` dropped, per class.
    public var droppedByLabels: [String: Int]
    /// Files the corpus reader skipped (malformed names, undecodable audio).
    public var skippedFiles: Int
    /// Clips scored.
    public var evaluated: Int

    enum CodingKeys: String, CodingKey {
        case corpus, type, root, checkpoint, classes, evaluated
        case missingClasses = "missing_classes"
        case leftOut = "left_out"
        case droppedByLabels = "dropped_by_labels"
        case skippedFiles = "skipped_files"
    }

    /// Clips left out for a class the model lacks, in total.
    public var leftOutCount: Int { leftOut.values.reduce(0, +) }
}

/// Scores a trained run on another corpus with the run's own features, clip preparation, normalisation and
/// label mapping, and writes `eval/<corpus>/metrics.json` and `evaluation.json` into the run directory (and the
/// final `eval/<corpus>/uar` … scalars into its DVCLive and TensorBoard files).
///
/// A clip whose class (after the mapping) the model lacks is left out and counted; a model class the corpus lacks
/// is listed and, having no support, is left out of UAR as in `sklearn.metrics.balanced_accuracy_score`. A run
/// trained with per-speaker normalisation standardises each clip with statistics of its speaker's clips in the
/// evaluated corpus (all of them, whatever their class).
public enum CorpusEvaluator {
    /// Evaluates the run at `run` on `target`, writing the results atomically; returns the evaluation and metrics.
    ///
    /// - Parameters:
    ///   - checkpoint: The weights scored; nil takes `average` when the run averaged checkpoints, else `best`.
    ///   - featureCache: The feature cache to read and fill, or nil.
    ///   - corpus: `target`'s corpus when the caller has read it already (nil: it is read here).
    /// - Throws: `SpecErrors` when the run's `spec.yaml` no longer validates; `CorpusError` for the corpus or its
    ///   labels; `RunError` for a run without a checkpoint, a corpus with no clip of the model's classes, or a
    ///   failed write; audio errors naming the file.
    @discardableResult
    public static func evaluate(run: URL, target: EvaluationTarget, registries: Registries,
                                checkpoint: CheckpointKind? = nil, featureCache: FeatureCache? = nil,
                                corpus preloaded: Corpus? = nil) throws
        -> (evaluation: CorpusEvaluation, metrics: ClassificationMetrics) {
        let directory = RunDirectory(existing: run)
        let spec = try ExperimentSpec.load(file: directory.spec.path, registries: registries,
                                           classCount: Emotion.allCases.count)
        let kind = checkpoint ?? (FileManager.default.fileExists(atPath: directory.checkpoint(.average).path) ? .average : .best)
        let predictor = try Predictor(run: run, checkpoint: kind,
                                      components: SpecComponents(spec: spec, registries: registries,
                                                                 classCount: Emotion.allCases.count),
                                      featureCache: featureCache)
        let loaded = try preloaded ?? registries.corpora.make(target.corpus).load()
        let name = target.name ?? loaded.name
        if let problem = ExperimentSpec.nameProblem(name) {
            throw RunError.invalid("corpus '\(name)' cannot name eval/\(name) (\(problem)); give the corpus a name "
                                   + "(name=… or 'name:' in its file)")
        }
        let corpus = try relabel(loaded, target: target.labels, run: spec.resolved.labels)
        let classes = predictor.classNames
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let scored = corpus.clips.indices.filter { index[corpus.clips[$0].label] != nil }
        var leftOut: [String: Int] = [:]
        for clip in corpus.clips where index[clip.label] == nil { leftOut[clip.label, default: 0] += 1 }
        let present = Set(scored.map { corpus.clips[$0].label })
        guard !scored.isEmpty else {
            throw RunError.invalid("corpus '\(name)' has no clip of the model's classes (\(classes.joined(separator: ", "))); "
                + "its classes are \(corpus.classes.joined(separator: ", ")). Map them with 'labels: {map: {…}}'")
        }
        let probabilities = try predictor.probabilities(of: corpus.clips, scoring: scored)
        let truth = scored.map { index[corpus.clips[$0].label] ?? 0 }
        let metrics = ClassificationMetrics(truth: truth, probabilities: probabilities, classNames: classes)
        let evaluation = CorpusEvaluation(
            corpus: name, type: target.corpus.type, root: loaded.root, checkpoint: kind.rawValue, classes: classes,
            missingClasses: classes.filter { !present.contains($0) }, leftOut: leftOut, droppedByLabels: corpus.dropped,
            skippedFiles: loaded.skippedCount, evaluated: scored.count)
        let output = try directory.evaluation(name)
        try AtomicFile.writeJSON(evaluation, to: output.appendingPathComponent("evaluation.json"))
        // metrics.json last: its presence marks a finished evaluation (`exp run` reruns only missing ones).
        try AtomicFile.writeJSON(metrics, to: output.appendingPathComponent("metrics.json"))
        // DVCLive and TensorBoard gain eval/<corpus>/… scalars; the evaluation stands even if they cannot be
        // rewritten (`exp export` rewrites them later).
        try? EcosystemFiles.write(run: run)
        return (evaluation, metrics)
    }

    /// `corpus` with the evaluation's labels: the entry's own `labels` as given (strictly: a `map` key the corpus
    /// lacks is an error; `keep` then drops other classes, counted in `dropped`), else the `map` of the run's
    /// `labels` for the classes this corpus has. The run's `keep` is not applied: it already shaped the model's
    /// classes, and clips outside them are left out and counted by the evaluation itself.
    /// - Throws: `CorpusError.labels` for an entry's mapping the corpus cannot take.
    static func relabel(_ corpus: Corpus, target: LabelOptions?, run: LabelOptions?) throws -> Corpus {
        if let target {
            let renamed = try corpus.relabelled(map: target.map)
            return target.keep.map { renamed.restricted(to: $0) } ?? renamed
        }
        guard let run else { return corpus }
        let present = Set(corpus.classes)
        return try corpus.relabelled(map: run.map.filter { present.contains($0.key) })
    }

    /// Runs each of a spec's `evaluate` entries that has no `eval/<name>/metrics.json` yet in the completed run
    /// at `run` (so rerunning a finished spec scores only entries added since; with `options.force`, all),
    /// reporting progress and failures through `options.write`; a failing evaluation does not change the run's
    /// status. An entry without `name` is read first to learn its corpus's name.
    public static func evaluateMissing(_ targets: [EvaluationTarget], run: URL, registries: Registries,
                                       options: RunOptions) {
        let directory = RunDirectory(existing: run)
        let label = "\(run.deletingLastPathComponent().lastPathComponent)/\(run.lastPathComponent)"
        for target in targets {
            do {
                let corpus = target.name == nil ? try registries.corpora.make(target.corpus).load() : nil
                let name = target.name ?? corpus?.name ?? ""
                if !options.force, FileManager.default.fileExists(
                    atPath: directory.evaluations.appendingPathComponent(name).appendingPathComponent("metrics.json").path) {
                    continue
                }
                let (evaluation, metrics) = try evaluate(run: run, target: target, registries: registries,
                                                         featureCache: options.featureCache, corpus: corpus)
                options.write("\(label): eval/\(evaluation.corpus): " + summary(evaluation, metrics) + "\n")
            } catch {
                options.write("\(label): evaluation on \(target.name ?? target.corpus.type) failed: \(error)\n")
            }
        }
    }

    /// `uar 0.41  accuracy 0.44  (120 clips; left out 30: boredom 30; missing classes: calm)`.
    public static func summary(_ evaluation: CorpusEvaluation, _ metrics: ClassificationMetrics) -> String {
        var text = String(format: "uar %.4f  accuracy %.4f  (%d clips", metrics.uar, metrics.accuracy, metrics.count)
        if evaluation.leftOutCount > 0 {
            text += "; left out \(evaluation.leftOutCount): "
                + evaluation.leftOut.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        if !evaluation.missingClasses.isEmpty {
            text += "; missing classes: " + evaluation.missingClasses.joined(separator: ", ")
        }
        return text + ")"
    }

    /// The evaluations stored in the run at `run`, by corpus name (sorted), skipping unreadable ones.
    public static func stored(in run: URL) -> [(name: String, evaluation: CorpusEvaluation?, metrics: ClassificationMetrics)] {
        let root = RunDirectory(existing: run).evaluations
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
        return names.compactMap { name in
            let folder = root.appendingPathComponent(name)
            guard let data = try? RunFile.contents(folder.appendingPathComponent("metrics.json")),
                  let metrics = try? JSONCoding.decoder().decode(ClassificationMetrics.self, from: data) else { return nil }
            let evaluation = (try? RunFile.contents(folder.appendingPathComponent("evaluation.json")))
                .flatMap { $0 }.flatMap { try? JSONCoding.decoder().decode(CorpusEvaluation.self, from: $0) }
            return (name, evaluation, metrics)
        }
    }
}
