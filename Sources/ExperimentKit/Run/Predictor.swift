import AudioFeatures
import EmotionCorpus
import Foundation
import NeuralNet

/// The predicted class of one audio file with the probability of every class.
public struct Prediction: Codable, Sendable, Equatable {
    /// The file as given (or found in a given directory).
    public var file: String
    /// The most probable class.
    public var label: String
    /// Softmax probability per class, in `classes` order.
    public var probabilities: [Double]
    /// Class names.
    public var classes: [String]
}

/// Classifies audio files with a run's checkpoint, using the class names, normalisation statistics, clip options
/// and input length stored in the checkpoint, so any WAV/FLAC at any sample rate goes through the same pipeline as
/// the training clips.
///
/// A run trained with `data.speaker_normalization` standardises each file with the statistics of the files given
/// for the same speaker (`speakers`), before the training-set statistics: the more clips of a speaker, the closer
/// to training (a few dozen clips of varied emotions is what the training speakers had).
///
/// A run trained with `data.test_crops` > 1 scores a file longer than its input as that many windows of the whole
/// (trimmed) clip and averages their probabilities, as its validation and test did.
public final class Predictor {
    /// Class names from the checkpoint.
    public let classNames: [String]
    /// Whether the run standardised features per speaker (`data.speaker_normalization`).
    public let speakerNormalization: Bool
    private let model: Sequential
    private let store: FeatureStore
    /// Whole clips for test-time windows (`data.test_crops` > 1 with a `duration`), else nil.
    private let wholeStore: FeatureStore?
    private let testCrops: Int
    private let statistics: NormalizationStats
    private let frames: Int

    /// Loads `kind` of the run at `run`, rebuilding the network with `components`; features go through
    /// `featureCache` when given (the cache `exp run` uses), else are extracted every time.
    /// - Throws: `RunError.readFailed` for a checkpoint without the run metadata or with data options a spec could
    ///   not hold (or a sample rate other than the feature extractor's); `CheckpointError` for a corrupt or
    ///   mismatching file.
    public init(run: URL, checkpoint kind: CheckpointKind = .best, components: any ExperimentComponents,
                featureCache: FeatureCache? = nil) throws {
        let url = RunDirectory(existing: run).checkpoint(kind)
        let metadata = try Checkpoint.read(url).metadata
        func field<T: Decodable>(_ key: String, _ type: T.Type) throws -> T {
            guard let text = metadata[key] else {
                throw RunError.readFailed(path: url.path, reason: "checkpoint metadata has no '\(key)'")
            }
            do {
                return try JSONCoding.decoder().decode(T.self, from: Data(text.utf8))
            } catch {
                throw RunError.readFailed(path: url.path, reason: "checkpoint metadata '\(key)' is invalid (\(error))")
            }
        }
        classNames = try field("exp.class_names", [String].self)
        statistics = try field("exp.normalization", NormalizationStats.self)
        frames = try field("exp.frames", Int.self)
        speakerNormalization = metadata["exp.speaker_normalization"] == "true"
        let data = try field("exp.data", DataOptions.self)
        let extractor = try components.makeFeatureExtractor()
        if let problem = Self.problem(with: data, extractorSampleRate: extractor.sampleRate) {
            throw RunError.readFailed(path: url.path, reason: "checkpoint metadata 'exp.data' is invalid: \(problem)")
        }
        let loader = ClipLoader(sampleRate: data.sampleRate, duration: data.duration,
                                normalization: LoudnessNormalization(rawValue: data.normalize) ?? .none,
                                trimDB: data.trimDB.map(Float.init))
        store = FeatureStore(cache: featureCache, extractor: extractor, loader: loader, showsProgress: false)
        testCrops = data.testCrops
        // Whole-clip runs already load whole clips: their windows come from `store`.
        wholeStore = data.testCrops > 1 && data.duration != nil
            ? FeatureStore(cache: featureCache, extractor: extractor, loader: loader.wholeClips, showsProgress: false)
            : nil
        model = try components.makeModel(inputShape: [frames, extractor.featureCount], classCount: classNames.count,
                                         seed: 0)
        try Checkpoint.load(into: model, from: url)
    }

    /// Why `data` (read from a checkpoint, so possibly tampered) cannot drive clip loading: the spec's own checks
    /// and limits, and the sample rate the features were computed at; nil when it can.
    static func problem(with data: DataOptions, extractorSampleRate: Int) -> String? {
        if let issue = data.validate().first { return issue.message }
        if let trim = data.trimDB, !(trim.isFinite && trim <= 1_000) {
            return "trim_db must be finite and <= 1000. Received: trim_db=\(trim)"
        }
        if data.testCrops > 1_000 { return "test_crops must be <= 1000. Received: test_crops=\(data.testCrops)" }
        for (key, value) in [("sample_rate", Double(data.sampleRate)), ("duration", data.duration ?? 0)] {
            guard let maximum = SpecLimits.maxima[key], value.isFinite, value <= maximum else {
                return "\(key) must be finite and <= \(Int(SpecLimits.maxima[key] ?? 0)). Received: \(key)=\(value)"
            }
        }
        let samples = (data.duration ?? 0) * Double(data.sampleRate)
        if samples > Double(SpecLimits.maxClipSamples) {
            return "one clip would hold \(Int(samples.rounded())) samples, above the limit of \(SpecLimits.maxClipSamples)"
        }
        if data.sampleRate != extractorSampleRate {
            return "sample_rate=\(data.sampleRate) differs from the feature extractor's \(extractorSampleRate) Hz"
        }
        return nil
    }

    /// Predictions for `files`, in order; `speakers[i]` names the speaker of `files[i]` (nil: one speaker for
    /// all), used only by runs trained with per-speaker normalisation.
    /// - Throws: `AudioError` (or the store's error) naming a file that cannot be read.
    public func predict(_ files: [String], speakers: [String]? = nil) throws -> [Prediction] {
        try Self.predictions(files: files, probabilities: probabilities(files, speakers: speakers), classes: classNames)
    }

    /// Softmax probabilities `[K]` of each file, in order (`speakers` as in `predict`).
    /// - Throws: `AudioError` (or the store's error) naming a file that cannot be read.
    public func probabilities(_ files: [String], speakers: [String]? = nil) throws -> [[Double]] {
        precondition(speakers.map { $0.count == files.count } ?? true,
                     "Predictor: \(files.count) files but \(speakers?.count ?? 0) speakers")
        let matrices = try files.map { try store.features(forFile: $0).features }
        let whole = try wholeStore.map { store in try files.map { try store.features(forFile: $0).features } }
        return try score(matrices, speakers: speakers ?? files.map { _ in "" }, paths: files,
                         scoring: Array(files.indices), whole: whole)
    }

    /// Softmax probabilities `[K]` of the clips at `scored` (indices into `clips`), in that order. A run trained
    /// with per-speaker normalisation standardises each clip with the statistics of all of `clips` of its speaker
    /// (`Clip.speaker`), whichever are scored, so that choosing clips by label never shifts the statistics.
    /// - Throws: `AudioError` (or the store's error) naming a file that cannot be read; the speaker normalisation's
    ///   error for a clip without a speaker.
    public func probabilities(of clips: [Clip], scoring scored: [Int]) throws -> [[Double]] {
        let matrices = try store.features(for: clips).features
        let whole = try wholeStore.map { try $0.features(for: scored.map { clips[$0] }).features }
        return try score(matrices, speakers: clips.map(\.speaker), paths: clips.map(\.path), scoring: scored,
                         whole: whole)
    }

    /// Probabilities of the clips at `scored` in `matrices` (speaker statistics from all of `matrices`); with
    /// test-time windows each scored clip is windowed and averaged, cut from `whole[i]` (the whole clip of
    /// `scored[i]`) when the run crops to a `duration`.
    private func score(_ matrices: [FeatureMatrix], speakers: [String?], paths: [String], scoring scored: [Int],
                       whole: [FeatureMatrix]?) throws -> [[Double]] {
        let speakerStatistics = speakerNormalization
            ? try SpeakerNormalization.perClip(matrices, speakers: speakers, paths: paths) : nil
        return scored.enumerated().map { position, clip in
            func standardised(_ matrix: FeatureMatrix) -> FeatureMatrix {
                statistics.apply(speakerStatistics.map { $0[clip].apply(matrix) } ?? matrix)
            }
            guard testCrops > 1 else { return classify(standardised(matrices[clip])) }
            let source = whole?[position] ?? matrices[clip]
            let windows = ClipWindows.spread(standardised(source), length: frames, count: testCrops)
            let rows = windows.map(classify)
            return rows[0].indices.map { k in rows.reduce(0) { $0 + $1[k] } / Double(rows.count) }
        }
    }

    /// The class probabilities of one clip's standardised features.
    private func classify(_ matrix: FeatureMatrix) -> [Double] {
        let batch = Batch.collate([0], features: [matrix], labels: [0], frames: frames)
        let logits = model.forward(Tensor(shape: batch.shape, storage: batch.features), lengths: batch.lengths,
                                   mode: .inference)
        return SequentialTask.softmax(logits.storage[...])
    }

    /// One prediction from several runs (the seeds or folds of a sweep): the mean of their class probabilities,
    /// the usual soft-voting ensemble. Every run must have the same class names in the same order.
    /// - Throws: `RunError.invalid` when the class names differ; otherwise as `probabilities`.
    public static func ensemble(_ predictors: [Predictor], files: [String],
                                speakers: [String]? = nil) throws -> [Prediction] {
        guard let first = predictors.first else { return [] }
        if let other = predictors.first(where: { $0.classNames != first.classNames }) {
            throw RunError.invalid("an ensemble needs the same classes in every run: \(first.classNames) differs from "
                                   + "\(other.classNames)")
        }
        var sum = [[Double]](repeating: [Double](repeating: 0, count: first.classNames.count), count: files.count)
        for predictor in predictors {
            for (row, probabilities) in try predictor.probabilities(files, speakers: speakers).enumerated() {
                for k in probabilities.indices { sum[row][k] += probabilities[k] }
            }
        }
        let mean = sum.map { row in row.map { $0 / Double(predictors.count) } }
        return predictions(files: files, probabilities: mean, classes: first.classNames)
    }

    /// Each file with its most probable class.
    static func predictions(files: [String], probabilities: [[Double]], classes: [String]) -> [Prediction] {
        zip(files, probabilities).map { file, probabilities in
            let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
            return Prediction(file: file, label: classes[best], probabilities: probabilities, classes: classes)
        }
    }

    /// The audio files named by `paths`: files as given, directories searched recursively for `.wav`/`.flac`
    /// (sorted).
    /// - Throws: `RunError.readFailed` for a path that does not exist or a directory without audio.
    public static func audioFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw RunError.readFailed(path: path, reason: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                .filter { ["wav", "flac"].contains(($0 as NSString).pathExtension.lowercased()) }
                .sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            guard !found.isEmpty else { throw RunError.readFailed(path: path, reason: "no .wav or .flac files inside") }
            files += found
        }
        return files
    }

    /// `table`, `json` or `csv` text of `predictions`.
    public static func render(_ predictions: [Prediction], format: String) throws -> String {
        let classes = predictions.first?.classes ?? []
        switch format {
        case "json":
            return String(decoding: try JSONCoding.encoder().encode(predictions), as: UTF8.self) + "\n"
        case "csv":
            let header = (["file", "label"] + classes).joined(separator: ",")
            let rows = predictions.map { prediction in
                ([csvField(prediction.file), prediction.label]
                    + prediction.probabilities.map { String(format: "%.6f", $0) }).joined(separator: ",")
            }
            return ([header] + rows).joined(separator: "\n") + "\n"
        default:
            let width = max(4, predictions.map(\.file.count).max() ?? 0)
            let header = "file".padding(toLength: width, withPad: " ", startingAt: 0) + "  label      "
                + classes.map { String($0.prefix(8)).padding(toLength: 9, withPad: " ", startingAt: 0) }.joined()
            let rows = predictions.map { prediction in
                prediction.file.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + prediction.label.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + prediction.probabilities.map {
                        String(format: "%.3f", $0).padding(toLength: 9, withPad: " ", startingAt: 0)
                    }.joined()
            }
            return ([header] + rows).joined(separator: "\n") + "\n"
        }
    }

    private static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
