/// The `training` section: how long and how to train (owned by ExperimentKit, not a registry component).
public struct TrainingOptions: Codable, Sendable, Equatable, StrictDecodable, Validatable {
    /// Passes over the training set (`epochs`, int > 0, default 60).
    public var epochs: Int = 60
    /// Clips per optimizer step (`batch_size`, int > 0, default 32).
    public var batchSize: Int = 32
    /// Stop when the monitored validation metric stops improving; `nil` (absent or `null`) trains all epochs.
    public var earlyStopping: EarlyStopping?
    /// `none` (default) or `balanced`: loss weights inversely proportional to class frequency in train.
    public var classWeights: String = "none"
    /// Clip the global gradient L2 norm to this value (`grad_clip_norm`, float > 0); `nil` (default) never clips.
    public var gradClipNorm: Double?
    /// Blend each batch with a shuffled copy of itself (`mixup: {alpha: 0.2}`, `Mixup`); `nil` (default) never.
    public var mixup: MixupOptions?
    /// Label smoothing `ε` of the cross-entropy (`label_smoothing`, float in [0, 1), PyTorch's name); `nil`
    /// (default) is 0.
    public var labelSmoothing: Double?
    /// Evaluate (and save as `checkpoints/average.safetensors`) the mean weights of this many best epochs by the
    /// early-stopping monitor (`average_checkpoints`, int >= 2); `nil` (default) evaluates the best epoch.
    public var averageCheckpoints: Int?

    /// The accepted `class_weights` values.
    public static let classWeightChoices = ["balanced", "none"]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case epochs, batchSize = "batch_size", earlyStopping = "early_stopping", classWeights = "class_weights"
        case gradClipNorm = "grad_clip_norm", mixup, labelSmoothing = "label_smoothing"
        case averageCheckpoints = "average_checkpoints"
    }

    /// `early_stopping` and `mixup` are checked for unknown keys too.
    public static var nestedStrictTypes: [String: any StrictDecodable.Type] {
        ["early_stopping": EarlyStopping.self, "mixup": MixupOptions.self]
    }

    /// All defaults: 60 epochs of batches of 32, no early stopping, no class weights, no clipping.
    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        earlyStopping = try c.decodeIfPresent(EarlyStopping.self, forKey: .earlyStopping)
        classWeights = try c.decodeIfPresent(String.self, forKey: .classWeights) ?? classWeights
        gradClipNorm = try c.decodeIfPresent(Double.self, forKey: .gradClipNorm)
        mixup = try c.decodeIfPresent(MixupOptions.self, forKey: .mixup)
        labelSmoothing = try c.decodeIfPresent(Double.self, forKey: .labelSmoothing)
        averageCheckpoints = try c.decodeIfPresent(Int.self, forKey: .averageCheckpoints)
    }

    public func validate() -> [ValueIssue] {
        var issues: [ValueIssue] = []
        if let issue = ValueIssue.greaterThan(epochs, 0, key: CodingKeys.epochs) { issues.append(issue) }
        if let issue = ValueIssue.greaterThan(batchSize, 0, key: CodingKeys.batchSize) { issues.append(issue) }
        if let issue = ValueIssue.oneOf(classWeights, Self.classWeightChoices, key: CodingKeys.classWeights) { issues.append(issue) }
        if let norm = gradClipNorm, let issue = ValueIssue.greaterThan(norm, 0, key: CodingKeys.gradClipNorm) { issues.append(issue) }
        if let smoothing = labelSmoothing, !(0..<1).contains(smoothing) {
            issues.append(ValueIssue(key: CodingKeys.labelSmoothing.stringValue, message:
                "label_smoothing must be in [0, 1). Received: label_smoothing=\(smoothing)"))
        }
        if let count = averageCheckpoints, let issue = ValueIssue.atLeast(count, 2, key: CodingKeys.averageCheckpoints) {
            issues.append(issue)
        }
        for issue in mixup?.validate() ?? [] {
            issues.append(ValueIssue(key: CodingKeys.mixup.stringValue + (issue.key.map { ".\($0)" } ?? ""),
                                     message: issue.message))
        }
        for issue in earlyStopping?.validate() ?? [] {
            let key = CodingKeys.earlyStopping.stringValue + (issue.key.map { ".\($0)" } ?? "")
            issues.append(ValueIssue(key: key, message: issue.message))
        }
        return issues
    }
}

/// `training.mixup`: blend batches with a shuffled copy (Zhang et al. 2018), `λ ~ Beta(alpha, alpha)`.
public struct MixupOptions: Codable, Sendable, Equatable, StrictDecodable, Validatable {
    /// Concentration of the Beta distribution (float > 0, default 0.2).
    public var alpha: Double = 0.2

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case alpha
    }

    /// `alpha` 0.2.
    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? alpha
    }

    public func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(alpha, 0.0, key: CodingKeys.alpha)].compactMap { $0 }
    }
}

/// `training.early_stopping`: stop after `patience` epochs without improvement of `monitor`.
public struct EarlyStopping: Codable, Sendable, Equatable, StrictDecodable, Validatable {
    /// The validation metric watched (default `val_uar`); `val_loss` is minimised, the others maximised.
    public var monitor: String = "val_uar"
    /// Epochs without improvement before stopping (int >= 1, default 10).
    public var patience: Int = 10
    /// Smallest change that counts as an improvement (`min_delta`, float >= 0, default 0).
    public var minDelta: Double = 0

    /// The metrics `monitor` may name.
    public static let monitorChoices = ["val_accuracy", "val_loss", "val_macro_f1", "val_uar"]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case monitor, patience, minDelta = "min_delta"
    }

    /// Watch `val_uar` with patience 10.
    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        monitor = try c.decodeIfPresent(String.self, forKey: .monitor) ?? monitor
        patience = try c.decodeIfPresent(Int.self, forKey: .patience) ?? patience
        minDelta = try c.decodeIfPresent(Double.self, forKey: .minDelta) ?? minDelta
    }

    public func validate() -> [ValueIssue] {
        let issues: [ValueIssue?] = [
            .oneOf(monitor, Self.monitorChoices, key: CodingKeys.monitor),
            .atLeast(patience, 1, key: CodingKeys.patience),
            .atLeast(minDelta, 0.0, key: CodingKeys.minDelta),
        ]
        return issues.compactMap { $0 }
    }
}

/// The keys of `data` that ExperimentKit owns; the others go to the corpus named by `data.corpus`.
public struct DataOptions: Codable, Sendable, Equatable, StrictDecodable, Validatable {
    /// Every clip is resampled to this rate in Hz (`sample_rate`, int > 0, default 16000).
    public var sampleRate: Int = 16_000
    /// Clips are cut or zero-padded to this many seconds (float > 0, default 3.0); `null` keeps every clip whole,
    /// batches padded to the corpus's longest clip with the padding masked.
    public var duration: Double? = 3.0
    /// Amplitude normalisation per clip: `peak` (default), `rms` or `none`.
    public var normalize: String = "peak"
    /// Leading and trailing silence quieter than this many dB below the clip's loudest frame is cut before the
    /// clip is cropped to `duration` (`trim_db`, librosa `effects.trim(top_db=...)`, float > 0), or `nil`
    /// (default) to keep the recording as is.
    public var trimDB: Double?
    /// Standardise each clip's features with the mean and deviation of its own speaker's clips (all of them, on
    /// every side of the split; labels are never used) before the training-set standardisation
    /// (`speaker_normalization`, default false). Needs speaker ids in the corpus, and at prediction time several
    /// clips of each speaker.
    public var speakerNormalization = false
    /// Validation, test and prediction score a clip longer than `duration` as up to this many windows of `duration`
    /// seconds spread evenly from its start to its end, averaging their class probabilities (`test_crops`, int ≥ 1,
    /// default 1: the first `duration` seconds only). Training is unchanged.
    public var testCrops = 1
    /// Which `duration` seconds of a longer clip training sees (`train_crop`): `first` (default) after trimming, or
    /// `random`, a window drawn anew for every clip in every epoch from the whole clip (random crops).
    public var trainCrop = "first"

    /// Seconds of audio that shape inference (`exp validate`, parameter counts) assumes when `duration` is null.
    public static let shapeInferenceSeconds = 3.0

    /// The accepted `train_crop` values.
    public static let trainCropChoices = ["first", "random"]

    /// The accepted `normalize` values.
    public static let normalizeChoices = ["none", "peak", "rms"]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case sampleRate = "sample_rate", duration, normalize
        case trimDB = "trim_db"
        case speakerNormalization = "speaker_normalization"
        case testCrops = "test_crops"
        case trainCrop = "train_crop"
    }

    /// 16 kHz, 3 s, peak-normalised.
    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sampleRate = try c.decodeIfPresent(Int.self, forKey: .sampleRate) ?? sampleRate
        // An explicit `duration: null` means whole clips; an absent key keeps the default.
        if c.contains(.duration) {
            duration = try c.decodeNil(forKey: .duration) ? nil : c.decode(Double.self, forKey: .duration)
        }
        normalize = try c.decodeIfPresent(String.self, forKey: .normalize) ?? normalize
        trimDB = try c.decodeIfPresent(Double.self, forKey: .trimDB)
        speakerNormalization = try c.decodeIfPresent(Bool.self, forKey: .speakerNormalization) ?? false
        testCrops = try c.decodeIfPresent(Int.self, forKey: .testCrops) ?? 1
        trainCrop = try c.decodeIfPresent(String.self, forKey: .trainCrop) ?? "first"
    }

    /// The off states of `trim_db`, `speaker_normalization`, `test_crops` and `train_crop` are left out, so specs that do not use
    /// them keep the resolved form, and the run ids, they had before these options existed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sampleRate, forKey: .sampleRate)
        if let duration { try c.encode(duration, forKey: .duration) } else { try c.encodeNil(forKey: .duration) }
        try c.encode(normalize, forKey: .normalize)
        try c.encodeIfPresent(trimDB, forKey: .trimDB)
        if speakerNormalization { try c.encode(true, forKey: .speakerNormalization) }
        if testCrops != 1 { try c.encode(testCrops, forKey: .testCrops) }
        if trainCrop != "first" { try c.encode(trainCrop, forKey: .trainCrop) }
    }

    public func validate() -> [ValueIssue] {
        let issues: [ValueIssue?] = [
            .greaterThan(sampleRate, 0, key: CodingKeys.sampleRate),
            duration.flatMap { .greaterThan($0, 0.0, key: CodingKeys.duration) },
            .atLeast(testCrops, 1, key: CodingKeys.testCrops),
            .oneOf(trainCrop, Self.trainCropChoices, key: CodingKeys.trainCrop),
            trainCrop == "random" && duration == nil
                ? ValueIssue(key: CodingKeys.trainCrop.stringValue,
                             message: "train_crop: random needs a duration to crop to; whole clips (duration: null) have none")
                : nil,
            .oneOf(normalize, Self.normalizeChoices, key: CodingKeys.normalize),
            trimDB.flatMap { .greaterThan($0, 0.0, key: CodingKeys.trimDB) },
        ]
        return issues.compactMap { $0 }
    }
}
