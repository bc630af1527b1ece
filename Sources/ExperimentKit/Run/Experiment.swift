import AudioFeatures
import EmotionCorpus
import Foundation
import NeuralNet

/// How `Experiment.run` runs: where runs go, what to print, whether to rerun.
public struct RunOptions {
    /// The runs root (`--runs-dir`, `$EXP_RUNS_DIR`, default `runs`).
    public var runsRoot: URL
    /// Rerun completed runs from scratch (`--force`).
    public var force: Bool
    /// How progress is shown.
    public var progress: ProgressStyle
    /// Compute threads (recorded in `run.json`; set on the engine by the caller).
    public var threads: Int
    /// Raised by SIGINT: stop at the next safe point.
    public var interrupt: InterruptFlag
    /// The feature cache, or nil to extract every time.
    public var featureCache: FeatureCache?
    /// Version of `exp`, recorded in `run.json`.
    public var expVersion: String
    /// Where progress text goes (default standard error).
    public var write: (String) -> Void

    /// Creates options.
    public init(runsRoot: URL, force: Bool = false, progress: ProgressStyle = .plain, threads: Int = 1,
                interrupt: InterruptFlag = InterruptFlag(), featureCache: FeatureCache? = nil, expVersion: String,
                write: @escaping (String) -> Void = ProgressObserver.standardError) {
        self.runsRoot = runsRoot
        self.force = force
        self.progress = progress
        self.threads = threads
        self.interrupt = interrupt
        self.featureCache = featureCache
        self.expVersion = expVersion
        self.write = write
    }

    /// `--runs-dir` if given, else `$EXP_RUNS_DIR` if set and non-empty, else `runs` in the working directory.
    public static func runsRoot(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> URL {
        if let option { return URL(fileURLWithPath: option) }
        if let value = environment["EXP_RUNS_DIR"], !value.isEmpty { return URL(fileURLWithPath: value) }
        return URL(fileURLWithPath: "runs")
    }
}

/// What happened to one experiment in `exp run`.
public struct RunResult: Sendable, Equatable {
    /// Experiment name.
    public var name: String
    /// Run id.
    public var id: String
    /// The run directory.
    public var directory: URL
    /// Final status (for a skipped run, the status it already had).
    public var status: RunStatus
    /// Whether the run was skipped (already completed or diverged).
    public var skipped: Bool
    /// Test metrics when completed in this invocation.
    public var test: ClassificationMetrics?
    /// The error for failed/diverged runs.
    public var error: String?
}

/// Runs experiments: resolved spec → run id → claim → corpus → features → split → normalisation → model → train →
/// evaluate the best checkpoint on test → artifacts.
public enum Experiment {
    /// Runs (or skips, or resumes) the experiment `resolved`, built by `components`.
    ///
    /// Never throws for a failing run: the failure is recorded in `run.json` and returned, so the caller goes on
    /// with other specs.
    /// - Throws: `RunError` only when the run directory itself cannot be claimed or written (e.g. another live
    ///   process owns it).
    public static func run(_ resolved: ResolvedSpec, components: any ExperimentComponents,
                           options: RunOptions) throws -> RunResult {
        let id = resolved.runID.description
        let session = try RunSession(root: options.runsRoot, name: resolved.name, id: id,
                                     resolvedSpec: resolved.yaml, seed: UInt64(bitPattern: Int64(resolved.seed)),
                                     threads: options.threads, expVersion: options.expVersion, force: options.force)
        var result = RunResult(name: resolved.name, id: id, directory: session.directory.url, status: .running,
                               skipped: false, test: nil, error: nil)
        if case let .skip(status) = session.plan {
            result.status = status
            result.skipped = true
            return result
        }
        let selection = MetricSelection(resolved: resolved.metrics)
        let log = LogFileObserver(url: session.directory.log, selection: selection)
        if case let .resume(epoch) = session.plan {
            log.note("resuming after epoch \(epoch) (resume \(session.record.resumes))")
        }
        let task: SequentialTask
        do {
            task = try prepare(resolved, components: components, session: session, options: options)
        } catch {
            log.note("failed: \(error)")
            try? log.flush()
            do {
                try session.fail(error)
            } catch let recording {
                // E.g. the cache and the runs root on one full disk: say what failed first, then why it is not recorded.
                throw RunError.invalid("\(error); the failure could not be recorded either: \(recording)")
            }
            result.status = .failed
            result.error = "\(error)"
            _ = ProgressObserver(style: options.progress, write: options.write).handle(
                .runEnded(RunSummary(status: .failed, epochsCompleted: 0, bestEpoch: nil, test: nil,
                                     error: "\(resolved.name)/\(id): \(error)")))
            return result
        }
        let training = resolved.training
        let monitor = training.earlyStopping?.monitor ?? (task.hasValidation ? "val_uar" : "loss")
        let configuration = TrainingLoop.Configuration(
            epochs: training.epochs, batchSize: training.batchSize, seed: UInt64(bitPattern: Int64(resolved.seed)),
            monitor: Monitor(monitor), patience: training.earlyStopping?.patience,
            minDelta: training.earlyStopping?.minDelta ?? 0, averageCheckpoints: training.averageCheckpoints)
        let loop = TrainingLoop(task: task, directory: session.directory, name: resolved.name, id: id,
                                configuration: configuration,
                                observers: [ProgressObserver(style: options.progress, write: options.write, selection: selection), log,
                                            EcosystemObserver(directory: session.directory)],
                                interrupt: options.interrupt)
        loop.epochCommitted = { state in
            try session.update {
                $0.epochsCompleted = state.epoch
                $0.bestEpoch = state.best.bestEpoch
                $0.timings.elapsedSeconds = state.elapsedSeconds
            }
        }
        var resume = false
        if case .resume = session.plan { resume = true }
        let outcome = loop.run(resume: resume)
        if let overhead = outcome.overheadFraction {
            log.note(String(format: "time in this process: %.1f s of epochs, %.1f s compute, "
                + "%.2f%% batching, metrics, logging and checkpoints", outcome.processSeconds,
                outcome.processComputeSeconds, 100 * overhead))
            try? log.flush()
        }
        try session.finish(outcome)
        result.status = outcome.status
        result.test = outcome.test
        result.error = outcome.error
        return result
    }

    /// Corpus, features (through the cache), split, normalisation fitted on train, model, optimiser: the task.
    static func prepare(_ resolved: ResolvedSpec, components: any ExperimentComponents, session: RunSession,
                        options: RunOptions) throws -> SequentialTask {
        let corpus = try components.makeCorpus().withContentHashes()
        let classNames = corpus.classes
        let labels = corpus.labelIndices
        // The split needs only the clip list: check it before paying for feature extraction.
        let split = try components.makeSplit().apply(to: corpus)
        let extractor = try components.makeFeatureExtractor()
        let data = resolved.data.options
        let loader = ClipLoader(sampleRate: data.sampleRate, duration: data.duration,
                                normalization: LoudnessNormalization(rawValue: data.normalize) ?? .none,
                                trimDB: data.trimDB.map(Float.init))
        let store = FeatureStore(cache: options.featureCache, extractor: extractor, loader: loader,
                                 showsProgress: options.progress == .terminal)
        var (raw, _) = try store.features(for: corpus.clips)
        // One statistics record per clip, from all clips of its speaker, whatever side of the split it is on.
        var speakerStatistics: [NormalizationStats]?
        if data.speakerNormalization {
            let fitted = try SpeakerNormalization.perClip(raw, speakers: corpus.clips.map(\.speaker),
                                                          paths: corpus.clips.map(\.path))
            raw = zip(raw, fitted).map { $1.apply($0) }
            speakerStatistics = fitted
        }
        let statistics = try NormalizationStats.fit(raw, trainingSide: split)
        let features = raw.map(statistics.apply)
        let frames = features.map(\.frameCount).max() ?? 0
        let width = extractor.featureCount
        // Test-time windows and random training crops come from the whole clip's features, standardised with the
        // statistics of the first-`duration` crops that every other use of the run sees.
        let randomCrop = data.trainCrop == "random" && data.duration != nil
        let evaluatesWindows = data.testCrops > 1 && data.duration != nil
        let windowed = (evaluatesWindows ? split.validation + split.test : []) + (randomCrop ? split.train : [])
        var whole: [Int: FeatureMatrix] = [:]
        if !windowed.isEmpty {
            let store = FeatureStore(cache: options.featureCache, extractor: extractor, loader: loader.wholeClips,
                                     showsProgress: options.progress == .terminal)
            let matrices = try store.features(for: windowed.map { corpus.clips[$0] }).features
            for (clip, matrix) in zip(windowed, matrices) {
                whole[clip] = statistics.apply(speakerStatistics.map { $0[clip].apply(matrix) } ?? matrix)
            }
        }
        func side(_ indices: [Int], windows: Bool) -> LabeledFeatures {
            LabeledFeatures(features: indices.map { features[$0] }, labels: indices.map { labels[$0] },
                            views: windows ? indices.map { clip in
                                whole[clip].map { ClipWindows.spread($0, length: frames, count: data.testCrops) }
                                    ?? [features[clip]]
                            } : nil)
        }
        try session.update {
            $0.dataFingerprint = fingerprint(corpus)
            $0.classes = classNames
            $0.split = SplitMembership(train: split.train.map { relativePath(corpus.clips[$0], in: corpus) },
                                       validation: split.validation.map { relativePath(corpus.clips[$0], in: corpus) },
                                       test: split.test.map { relativePath(corpus.clips[$0], in: corpus) })
        }
        let seed = UInt64(bitPattern: Int64(resolved.seed))
        let model = try components.makeModel(inputShape: [frames, width], classCount: classNames.count, seed: seed)
        let optimizer = try components.makeOptimizer()
        let scheduler = try components.makeScheduler(baseLearningRate: Double(optimizer.learningRate))
        var train = side(split.train, windows: false)
        if randomCrop { train.features = split.train.map { whole[$0] ?? features[$0] } }
        let augmentation = try components.makeAugmentation().map {
            TrainingAugmentation(augmentation: Augmentation($0, seed: resolved.seed),
                                 files: split.train.map { corpus.clips[$0].path },
                                 loader: randomCrop ? loader.wholeClips : loader,
                                 extractor: extractor, statistics: statistics,
                                 speakerStatistics: speakerStatistics.map { fitted in split.train.map { fitted[$0] } })
        }
        var weights: [Float]?
        if resolved.training.classWeights == "balanced" { weights = balancedWeights(train.labels, classes: classNames.count) }
        let encoder = JSONCoding.lineEncoder()
        var metadata: [String: String] = [
            "exp.class_names": String(decoding: try encoder.encode(classNames), as: UTF8.self),
            "exp.normalization": String(decoding: try encoder.encode(statistics), as: UTF8.self),
            "exp.features": String(decoding: try encoder.encode(resolved.features), as: UTF8.self),
            "exp.data": String(decoding: try encoder.encode(data), as: UTF8.self),
            "exp.layers": String(decoding: try encoder.encode(resolved.model.layers), as: UTF8.self),
            "exp.frames": "\(frames)",
        ]
        if data.speakerNormalization { metadata["exp.speaker_normalization"] = "true" }
        return SequentialTask(
            model: model, optimizer: optimizer, scheduler: scheduler,
            loss: CrossEntropyLoss(classWeights: weights, labelSmoothing: Float(resolved.training.labelSmoothing ?? 0)), classNames: classNames, train: train,
            validation: split.validation.isEmpty ? nil : side(split.validation, windows: evaluatesWindows),
            test: side(split.test, windows: evaluatesWindows),
            options: .init(frames: frames, gradientClipNorm: resolved.training.gradClipNorm.map(Float.init),
                           seed: seed, augmentation: augmentation,
                           mixup: resolved.training.mixup.map { Mixup(alpha: $0.alpha) }, randomCrop: randomCrop),
            metadata: metadata)
    }

    /// The clip's path relative to the corpus root (unchanged if it lies elsewhere).
    static func relativePath(_ clip: Clip, in corpus: Corpus) -> String {
        let root = corpus.root.hasSuffix("/") ? corpus.root : corpus.root + "/"
        return clip.path.hasPrefix(root) ? String(clip.path.dropFirst(root.count)) : clip.path
    }

    /// sklearn `compute_class_weight("balanced")`: `n / (K · count_k)`; a class absent from train gets weight 0.
    public static func balancedWeights(_ labels: [Int], classes: Int) -> [Float] {
        var counts = [Int](repeating: 0, count: classes)
        for label in labels { counts[label] += 1 }
        let present = counts.filter { $0 > 0 }.count
        return counts.map { $0 == 0 ? 0 : Float(labels.count) / Float(present * $0) }
    }

    /// SHA-256 over every clip's corpus-relative path, label and content hash, in corpus order: the same data
    /// gives the same fingerprint wherever the corpus lives.
    static func fingerprint(_ corpus: Corpus) -> String {
        var hash = ContentHash()
        for clip in corpus.clips {
            hash.update(Data("\(relativePath(clip, in: corpus))\t\(clip.label)\t\(clip.contentHash ?? "")\n".utf8))
        }
        return hash.hexDigest()
    }
}
