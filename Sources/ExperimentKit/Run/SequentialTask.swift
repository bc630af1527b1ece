import AudioFeatures
import EmotionCorpus
import Foundation
import NeuralNet

/// Feature matrices with their class indices: one side of a split, normalised and ready to batch.
public struct LabeledFeatures: Sendable {
    /// One `[T, C]` matrix per clip.
    public var features: [FeatureMatrix]
    /// Class index per clip.
    public var labels: [Int]
    /// Test-time windows of each clip (`data.test_crops`): when set, evaluation averages the class probabilities of
    /// a clip's windows instead of scoring `features`.
    public var views: [[FeatureMatrix]]?

    /// Pairs `features` with `labels` (same count), and with the evaluation windows `views` of each clip if given.
    public init(features: [FeatureMatrix], labels: [Int], views: [[FeatureMatrix]]? = nil) {
        precondition(features.count == labels.count, "\(features.count) feature matrices but \(labels.count) labels")
        precondition(views.map { $0.count == labels.count && $0.allSatisfy { !$0.isEmpty } } ?? true,
                     "views need at least one window for each of the \(labels.count) clips")
        self.features = features
        self.labels = labels
        self.views = views
    }

    /// Number of clips.
    public var count: Int { labels.count }
}

/// Training-time augmentation of the training side, with what it needs to rebuild features from audio.
public struct TrainingAugmentation: Sendable {
    /// The seeded steps; their streams are functions of `(seed, epoch, clip)`, so resuming needs no saved state.
    public var augmentation: Augmentation
    /// Audio file of each training clip (training-side order), read when a waveform step is configured.
    public var files: [String]
    /// How the clips were loaded.
    public var loader: any AudioLoading
    /// How features were extracted.
    public var extractor: any FeatureExtractor
    /// Normalisation fitted on the un-augmented training features.
    public var statistics: NormalizationStats
    /// With `data.speaker_normalization`, the statistics of each training clip's speaker (training-side order),
    /// applied before `statistics`.
    public var speakerStatistics: [NormalizationStats]?

    /// Creates the record.
    public init(augmentation: Augmentation, files: [String], loader: any AudioLoading, extractor: any FeatureExtractor,
                statistics: NormalizationStats, speakerStatistics: [NormalizationStats]? = nil) {
        self.augmentation = augmentation
        self.files = files
        self.loader = loader
        self.extractor = extractor
        self.statistics = statistics
        self.speakerStatistics = speakerStatistics
    }

    /// The normalised, augmented features of training clip `clip` in `epoch`; `cached` is its un-augmented matrix,
    /// and `crop` cuts the training window (random crops) before the masks go on.
    /// - Throws: `AudioError` naming the file when a waveform step has to reload it.
    func features(clip: Int, epoch: Int, cached: FeatureMatrix,
                  crop: (FeatureMatrix) -> FeatureMatrix = { $0 }) throws -> FeatureMatrix {
        var matrix = cached
        if augmentation.changesWaveform {
            let samples = try augmentation.waveform(loader.load(files[clip]), sampleRate: extractor.sampleRate,
                                                    epoch: epoch, clip: clip)
            var raw = extractor.extract(samples)
            if let speakerStatistics { raw = speakerStatistics[clip].apply(raw) }
            matrix = statistics.apply(raw)
        }
        // Masks go on the normalised features, so a masked cell is the training mean.
        return augmentation.features(crop(matrix), epoch: epoch, clip: clip)
    }
}

/// A `Sequential` network trained with cross-entropy, an optimiser, an optional schedule and gradient clipping.
///
/// Exact resume: the model, optimiser and schedule state are in the checkpoint files; every dropout generator (also
/// those inside transformer and residual blocks, see `StochasticLayer`) is re-seeded at the start of each epoch from
/// `(seed, epoch, layer)`, and the data order is the loop's `(seed, epoch)` permutation, so no random state needs
/// saving. The schedule steps once per epoch (after validation; `reduce_on_plateau` watches `scheduleMonitor`).
public final class SequentialTask: TrainingTask {
    /// Hyper-parameters of the step.
    public struct Options: Sendable {
        /// Frames every batch is padded or cut to, `T` (the model's input length).
        public var frames: Int
        /// Clips per forward pass when evaluating (> 0).
        public var evaluationBatchSize: Int
        /// Clip the global gradient norm to this value; nil never clips.
        public var gradientClipNorm: Float?
        /// Seed of the dropout streams.
        public var seed: UInt64
        /// Metric `reduce_on_plateau` watches (`val_loss` by default, as Keras `ReduceLROnPlateau`).
        public var scheduleMonitor: String
        /// Augmentation of training batches, if any.
        public var augmentation: TrainingAugmentation?
        /// Mixup of training batches (`training.mixup`), if any.
        public var mixup: Mixup?
        /// Train on a window of `frames` frames at a random position of each (whole) training clip, drawn anew every
        /// epoch from `(seed, epoch, clip)` (`data.train_crop: random`); otherwise the first `frames` frames.
        public var randomCrop: Bool

        /// Creates the options.
        public init(frames: Int, evaluationBatchSize: Int = 64, gradientClipNorm: Float? = nil, seed: UInt64,
                    scheduleMonitor: String = "val_loss", augmentation: TrainingAugmentation? = nil,
                    mixup: Mixup? = nil, randomCrop: Bool = false) {
            self.augmentation = augmentation
            self.mixup = mixup
            self.randomCrop = randomCrop
            self.frames = frames
            self.evaluationBatchSize = evaluationBatchSize
            self.gradientClipNorm = gradientClipNorm
            self.seed = seed
            self.scheduleMonitor = scheduleMonitor
        }
    }

    /// Metadata key of the loop state (JSON) in a model checkpoint.
    public static let loopStateKey = "exp.loop_state"
    /// Metadata key naming the optimiser file that belongs to a model checkpoint.
    public static let optimizerFileKey = "exp.optimizer_file"

    public let classNames: [String]
    /// The network.
    public let model: Sequential
    private let optimizer: any Optimizer
    private let scheduler: LearningRateScheduler?
    private let loss: CrossEntropyLoss
    private let evaluationLoss = CrossEntropyLoss()
    private let options: Options
    private let train: LabeledFeatures
    private let validation: LabeledFeatures?
    private let test: LabeledFeatures
    private let metadata: [String: String]
    private var epoch = 0
    /// The epoch and file of the model checkpoint written last by this process.
    private var savedThisEpoch: (epoch: Int, url: URL)?
    /// Optimiser file named by each model checkpoint file, by file name.
    private var referencedOptimizerFiles: [String: String] = [:]

    /// A task over prepared data.
    /// - Parameters:
    ///   - metadata: Stored in every checkpoint (class names, normalisation, feature options: what `exp predict` needs).
    public init(model: Sequential, optimizer: any Optimizer, scheduler: LearningRateScheduler?, loss: CrossEntropyLoss,
                classNames: [String], train: LabeledFeatures, validation: LabeledFeatures?, test: LabeledFeatures,
                options: Options, metadata: [String: String] = [:]) {
        precondition(train.count > 0, "SequentialTask needs at least one training clip")
        self.model = model
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.loss = loss
        self.classNames = classNames
        self.train = train
        self.validation = validation.flatMap { $0.count > 0 ? $0 : nil }
        self.test = test
        self.options = options
        self.metadata = metadata
        scheduler?.apply(to: optimizer)
    }

    public var trainingCount: Int { train.count }
    public var hasValidation: Bool { validation != nil }
    /// The optimiser's Float rate as the shortest decimal that round-trips it (0.01, not 0.009999999776).
    public var learningRate: Double {
        Double(optimizer.learningRate.description) ?? Double(optimizer.learningRate)
    }

    public func beginEpoch(_ epoch: Int) {
        self.epoch = epoch
        for (index, layer) in model.layers.enumerated() {
            guard let stochastic = layer as? any StochasticLayer else { continue }
            stochastic.reseed(options.seed ^ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(index) &* 0xC2B2_AE3D_27D4_EB4F)
        }
    }

    public func trainStep(_ indices: [Int]) throws -> BatchResult {
        let batch: Batch
        if options.augmentation != nil || options.randomCrop {
            let matrices = try indices.map { try trainingFeatures(clip: $0) }
            batch = Batch.collate(Array(matrices.indices), features: matrices, labels: indices.map { train.labels[$0] },
                                  frames: options.frames)
        } else {
            batch = Batch.collate(indices, features: train.features, labels: train.labels, frames: options.frames)
        }
        var input = Tensor(shape: batch.shape, storage: batch.features)
        var lengths = batch.lengths
        var mixed: (partners: [Int], lambda: Float)?
        if let mixup = options.mixup {
            // Seeded by the run, the epoch and the batch's first clip: the same blend after a resume.
            var generator = RandomGenerator(seed: options.seed ^ UInt64(epoch) &* 0xD6E8_FEB8_6659_FD93
                                                ^ UInt64(indices[0] + 1) &* 0xA076_1D64_78BD_642F)
            let result = mixup.mix(batch, generator: &generator)
            input = Tensor(shape: result.batch.shape, storage: result.batch.features)
            lengths = result.batch.lengths
            mixed = (result.partners, result.lambda)
        }
        let start = ProgressObserver.monotonicSeconds()
        let parameters = model.parameters
        optimizer.zeroGradients(parameters)
        let logits = model.forward(input, lengths: lengths, mode: .training)
        let (value, gradient) = mixed.map {
            Mixup.loss(loss, logits: logits, labels: batch.labels, partners: $0.partners, lambda: $0.lambda)
        } ?? loss(logits, labels: batch.labels)
        _ = model.backward(gradient, needsInputGradient: false)
        if let norm = options.gradientClipNorm { GradientClipping.clipByGlobalNorm(parameters, maxNorm: norm) }
        if FaultInjection.arrive(.nanGradient), let first = parameters.first, !first.gradient.storage.isEmpty {
            // The first layer's weights: a NaN there can vanish behind a ReLU before it reaches the loss.
            first.gradient.storage[0] = .nan
        }
        optimizer.step(parameters)
        return BatchResult(loss: Double(value), truth: batch.labels, predicted: Self.argmax(logits),
                           computeSeconds: ProgressObserver.monotonicSeconds() - start)
    }

    /// The features training clip `clip` is trained on in the current epoch: its random window, augmented.
    /// - Throws: `AudioError` naming the file when a waveform step has to reload it.
    func trainingFeatures(clip: Int) throws -> FeatureMatrix {
        let crop: (FeatureMatrix) -> FeatureMatrix
        if options.randomCrop {
            let (seed, epoch, frames) = (options.seed, epoch, options.frames)
            crop = { matrix in
                var random = CorpusRandom(seed: seed, path: [0x6372_6F70, UInt64(epoch), UInt64(clip)])
                return ClipWindows.random(matrix, length: frames, random: &random)
            }
        } else {
            crop = { $0 }
        }
        guard let augmentation = options.augmentation else { return crop(train.features[clip]) }
        return try augmentation.features(clip: clip, epoch: epoch, cached: train.features[clip], crop: crop)
    }

    public func endEpoch(_ metrics: EpochMetrics) {
        guard let scheduler else { return }
        if case .reduceOnPlateau = scheduler.schedule {
            // Without a validation side the plateau watches the training loss rather than trapping.
            let value = metrics.value(named: options.scheduleMonitor) ?? metrics.train.loss
            scheduler.step(metric: value)
        } else {
            scheduler.step()
        }
        scheduler.apply(to: optimizer)
    }

    public func evaluate(_ split: EvaluationSplit) throws -> ClassificationMetrics {
        let data = split == .test ? test : (validation ?? test)
        if let views = data.views { return evaluateWindows(views, labels: data.labels) }
        var accumulator = MetricsAccumulator(classNames: classNames)
        var start = 0
        while start < data.count {
            let indices = Array(start ..< min(data.count, start + options.evaluationBatchSize))
            let result = predict(indices, in: data)
            let (value, _) = evaluationLoss(result.logits, labels: result.labels)
            accumulator.add(truth: result.labels, predicted: Self.argmax(result.logits), meanLoss: Double(value))
            start += indices.count
        }
        return accumulator.result()
    }

    /// Metrics of clips scored by the mean class probabilities of their windows (`data.test_crops`); the loss is
    /// the negative log of the mean probability of the true class.
    private func evaluateWindows(_ views: [[FeatureMatrix]], labels: [Int]) -> ClassificationMetrics {
        let windows = views.flatMap { $0 }
        let owners = views.indices.flatMap { clip in Array(repeating: clip, count: views[clip].count) }
        var sums = [[Double]](repeating: [Double](repeating: 0, count: classNames.count), count: views.count)
        var start = 0
        while start < windows.count {
            let indices = Array(start ..< min(windows.count, start + options.evaluationBatchSize))
            let batch = Batch.collate(indices, features: windows, labels: owners,
                                      frames: options.frames)
            let logits = model.forward(Tensor(shape: batch.shape, storage: batch.features), lengths: batch.lengths,
                                       mode: .inference)
            for (row, window) in indices.enumerated() {
                let probabilities = Self.softmax(logits.storage[row * classNames.count ..< (row + 1) * classNames.count])
                for k in probabilities.indices { sums[owners[window]][k] += probabilities[k] }
            }
            start += indices.count
        }
        let mean = sums.enumerated().map { clip, row in row.map { $0 / Double(views[clip].count) } }
        return ClassificationMetrics(truth: labels, probabilities: mean, classNames: classNames)
    }

    /// Softmax in Double of one row of logits (shifted by their maximum), as `Predictor` scores clips.
    static func softmax(_ logits: ArraySlice<Float>) -> [Double] {
        let top = logits.max() ?? 0
        let exponentials = logits.map { exp(Double($0 - top)) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    /// Logits `[N, K]` of `indices` in `data`, at inference.
    private func predict(_ indices: [Int], in data: LabeledFeatures) -> (logits: Tensor, labels: [Int]) {
        let batch = Batch.collate(indices, features: data.features, labels: data.labels, frames: options.frames)
        let input = Tensor(shape: batch.shape, storage: batch.features)
        return (model.forward(input, lengths: batch.lengths, mode: .inference), batch.labels)
    }

    /// Writes the optimiser file of the epoch (`optimizer-eNNNNN.safetensors`) first, then the model file naming it:
    /// the model file is the commit point, so a kill in between leaves the previous, consistent pair. When `best` and
    /// `last` are saved for the same epoch, the second is a byte copy of the first and both name one optimiser file.
    /// Optimiser files named by neither `best` nor `last` are removed afterwards.
    public func saveCheckpoint(to url: URL, loopState: Data) throws {
        let state = try JSONCoding.decoder().decode(LoopState.self, from: loopState)
        let directory = url.deletingLastPathComponent()
        let optimizerName = String(format: "optimizer-e%05d.safetensors", state.epoch)
        if let saved = savedThisEpoch, saved.epoch == state.epoch, saved.url != url {
            let bytes: Data
            do {
                bytes = try Data(contentsOf: saved.url)
            } catch {
                throw RunError.readFailed(path: saved.url.path, reason: error.localizedDescription)
            }
            try AtomicFile.write(bytes, to: url)
        } else {
            try saveOptimizer(to: directory.appendingPathComponent(optimizerName))
            var metadata = self.metadata
            metadata[Self.loopStateKey] = String(decoding: loopState, as: UTF8.self)
            metadata[Self.optimizerFileKey] = optimizerName
            // The same file `Checkpoint.save(model:metadata:to:)` writes, but through `AtomicFile`: fsynced before the
            // rename, with the write error naming the path and no temporary left behind on a full disk.
            var tensors: [String: Tensor] = [:]
            for parameter in model.parameters + model.buffers { tensors[parameter.name] = parameter.value }
            try AtomicFile.write(SafetensorsFile(tensors: tensors, metadata: metadata).encoded(), to: url)
            savedThisEpoch = (state.epoch, url)
        }
        referencedOptimizerFiles[url.lastPathComponent] = optimizerName
        removeUnreferencedOptimizerFiles(in: directory)
    }

    /// Writes the optimiser and schedule state in `Checkpoint.saveOptimizer`'s layout (which `loadOptimizer` reads
    /// back), but through `AtomicFile`, so the file is fsynced and a full disk is reported with the system's reason.
    private func saveOptimizer(to url: URL) throws {
        let state = optimizer.state(for: model.parameters)
        var metadata = ["optimizer": state.kind]
        for (key, value) in state.scalars { metadata["optimizer.\(key)"] = "\(value)" }
        if let scheduler {
            metadata["schedule"] = scheduler.schedule.kind
            for (key, value) in scheduler.state { metadata["schedule.\(key)"] = "\(value)" }
        }
        try AtomicFile.write(SafetensorsFile(tensors: state.tensors, metadata: metadata).encoded(), to: url)
    }

    public func saveWeights(to url: URL) throws {
        var tensors: [String: Tensor] = [:]
        for parameter in model.parameters + model.buffers { tensors[parameter.name] = parameter.value }
        try AtomicFile.write(SafetensorsFile(tensors: tensors, metadata: metadata).encoded(), to: url)
    }

    /// Checkpoint averaging (as in Vaswani et al. 2017, "Attention Is All You Need", §6.1): every parameter and
    /// buffer becomes the mean of its values in the files, accumulated in Double.
    public func loadAverageWeights(of urls: [URL]) throws {
        precondition(!urls.isEmpty, "loadAverageWeights needs at least one file")
        let targets = model.parameters + model.buffers
        var sums = targets.map { [Double](repeating: 0, count: $0.value.storage.count) }
        for url in urls {
            let file = try Checkpoint.read(url)
            for (index, target) in targets.enumerated() {
                guard let tensor = file.tensors[target.name] else {
                    throw CheckpointError.missingTensor(file: url.path, tensor: target.name)
                }
                guard tensor.shape == target.value.shape else {
                    throw CheckpointError.shapeMismatch(file: url.path, tensor: target.name,
                                                        expected: target.value.shape, found: tensor.shape)
                }
                for element in tensor.storage.indices { sums[index][element] += Double(tensor.storage[element]) }
            }
        }
        for (index, target) in targets.enumerated() {
            target.value.storage = sums[index].map { Float($0 / Double(urls.count)) }
        }
    }

    public var nonFiniteParameter: String? {
        model.parameters.first { parameter in parameter.value.storage.contains { !$0.isFinite } }?.name
    }

    /// Deletes `optimizer-e*.safetensors` files that neither `best.safetensors` nor `last.safetensors` names.
    private func removeUnreferencedOptimizerFiles(in directory: URL) {
        for kind in ["best.safetensors", "last.safetensors"] where referencedOptimizerFiles[kind] == nil {
            // After a resume this process has not written `kind` yet: read which file it names.
            let file = directory.appendingPathComponent(kind)
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            guard let name = (try? Checkpoint.read(file))?.metadata[Self.optimizerFileKey] else { return }
            referencedOptimizerFiles[kind] = name
        }
        let keep = Set(referencedOptimizerFiles.values)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix("optimizer-e") && name.hasSuffix(".safetensors") && !keep.contains(name) {
            unlink(directory.appendingPathComponent(name).path)
        }
    }

    public func loadCheckpoint(from url: URL) throws -> Data {
        let metadata = try Checkpoint.load(into: model, from: url)
        guard let state = metadata[Self.loopStateKey], let optimizerName = metadata[Self.optimizerFileKey] else {
            throw CheckpointError.missingMetadata(file: url.path, key: Self.loopStateKey)
        }
        try Checkpoint.loadOptimizer(into: optimizer, scheduler: scheduler, parameters: model.parameters,
                                     from: url.deletingLastPathComponent().appendingPathComponent(optimizerName))
        scheduler?.apply(to: optimizer)
        return Data(state.utf8)
    }

    /// Index of the largest logit of each row of `[N, K]`.
    static func argmax(_ logits: Tensor) -> [Int] {
        let classes = logits.shape[1]
        return (0 ..< logits.shape[0]).map { row in
            var best = 0
            for k in 1 ..< classes where logits.storage[row * classes + k] > logits.storage[row * classes + best] {
                best = k
            }
            return best
        }
    }
}
