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

    /// The accepted `class_weights` values.
    public static let classWeightChoices = ["balanced", "none"]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case epochs, batchSize = "batch_size", earlyStopping = "early_stopping", classWeights = "class_weights"
        case gradClipNorm = "grad_clip_norm"
    }

    /// `early_stopping` is checked for unknown keys too.
    public static var nestedStrictTypes: [String: any StrictDecodable.Type] { ["early_stopping": EarlyStopping.self] }

    /// All defaults: 60 epochs of batches of 32, no early stopping, no class weights, no clipping.
    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        earlyStopping = try c.decodeIfPresent(EarlyStopping.self, forKey: .earlyStopping)
        classWeights = try c.decodeIfPresent(String.self, forKey: .classWeights) ?? classWeights
        gradClipNorm = try c.decodeIfPresent(Double.self, forKey: .gradClipNorm)
    }

    public func validate() -> [ValueIssue] {
        var issues: [ValueIssue] = []
        if let issue = ValueIssue.greaterThan(epochs, 0, key: CodingKeys.epochs) { issues.append(issue) }
        if let issue = ValueIssue.greaterThan(batchSize, 0, key: CodingKeys.batchSize) { issues.append(issue) }
        if let issue = ValueIssue.oneOf(classWeights, Self.classWeightChoices, key: CodingKeys.classWeights) { issues.append(issue) }
        if let norm = gradClipNorm, let issue = ValueIssue.greaterThan(norm, 0, key: CodingKeys.gradClipNorm) { issues.append(issue) }
        for issue in earlyStopping?.validate() ?? [] {
            let key = CodingKeys.earlyStopping.stringValue + (issue.key.map { ".\($0)" } ?? "")
            issues.append(ValueIssue(key: key, message: issue.message))
        }
        return issues
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
    /// Clips are cut or zero-padded to this many seconds (float > 0, default 3.0).
    public var duration: Double = 3.0
    /// Amplitude normalisation per clip: `peak` (default), `rms` or `none`.
    public var normalize: String = "peak"

    /// The accepted `normalize` values.
    public static let normalizeChoices = ["none", "peak", "rms"]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case sampleRate = "sample_rate", duration, normalize
    }

    /// 16 kHz, 3 s, peak-normalised.
    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sampleRate = try c.decodeIfPresent(Int.self, forKey: .sampleRate) ?? sampleRate
        duration = try c.decodeIfPresent(Double.self, forKey: .duration) ?? duration
        normalize = try c.decodeIfPresent(String.self, forKey: .normalize) ?? normalize
    }

    public func validate() -> [ValueIssue] {
        let issues: [ValueIssue?] = [
            .greaterThan(sampleRate, 0, key: CodingKeys.sampleRate),
            .greaterThan(duration, 0.0, key: CodingKeys.duration),
            .oneOf(normalize, Self.normalizeChoices, key: CodingKeys.normalize),
        ]
        return issues.compactMap { $0 }
    }
}
