import AudioFeatures

/// A seeded, training-only change to a clip's samples.
public protocol WaveformAugmentation: Sendable {
    /// `samples` (mono, at `sampleRate` Hz) changed with randomness drawn only from `random`.
    /// - Throws: `AudioError` when resampling fails.
    func apply(to samples: [Float], sampleRate: Int, random: inout CorpusRandom) throws -> [Float]
}

/// The training-side augmentation of an experiment: waveform steps, then SpecAugment on the features.
///
/// Every step draws from its own stream derived from `(seed, epoch, clip, step)`, so an augmented example is
/// reproducible from those numbers alone, whatever the order or thread it is made in.
///
/// Augmented audio never enters the feature cache as if it were the original: waveform augmentations are
/// applied by `features(ofFile:…)`, which loads, augments and extracts without consulting or writing the
/// cache (by design: the result changes every epoch); SpecAugment (`features(_:epoch:clip:)`) applies to a
/// matrix after it has come out of the cache, leaving the stored entry untouched.
public struct Augmentation: Sendable {
    /// Which augmentations run (each optional; YAML keys `noise`, `gain`, `time_shift`, `speed`, `spec_augment`).
    public struct Configuration: Codable, Sendable, Equatable {
        public var noise: AdditiveNoise.Configuration?
        public var gain: RandomGain.Configuration?
        public var timeShift: TimeShift.Configuration?
        public var speed: SpeedPerturbation.Configuration?
        public var specAugment: SpecAugment.Configuration?

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case noise, gain, timeShift = "time_shift", speed, specAugment = "spec_augment"
        }

        /// A configuration; every augmentation is off unless given.
        public init(noise: AdditiveNoise.Configuration? = nil, gain: RandomGain.Configuration? = nil,
                    timeShift: TimeShift.Configuration? = nil, speed: SpeedPerturbation.Configuration? = nil,
                    specAugment: SpecAugment.Configuration? = nil) {
            self.noise = noise
            self.gain = gain
            self.timeShift = timeShift
            self.speed = speed
            self.specAugment = specAugment
        }
    }

    public let configuration: Configuration
    public let seed: Int
    private let steps: [(id: Int, step: any WaveformAugmentation)]

    /// The augmentation `configuration` under `seed`; `noise` is the recording additive noise is drawn from
    /// (white Gaussian noise when `nil`).
    public init(_ configuration: Configuration, seed: Int, noise: [Float]? = nil) {
        self.configuration = configuration
        self.seed = seed
        // Speed first (it changes the length), noise last (its SNR is relative to the final signal).
        var steps: [(Int, any WaveformAugmentation)] = []
        if let speed = configuration.speed { steps.append((1, SpeedPerturbation(speed))) }
        if let shift = configuration.timeShift { steps.append((2, TimeShift(shift))) }
        if let gain = configuration.gain { steps.append((3, RandomGain(gain))) }
        if let additive = configuration.noise { steps.append((4, AdditiveNoise(additive, noise: noise))) }
        self.steps = steps
    }

    /// Whether any step changes samples (then features must be extracted per epoch, not cached).
    public var changesWaveform: Bool { !steps.isEmpty }

    /// The stream of step `step` for `clip` in `epoch`.
    public func random(epoch: Int, clip: Int, step: Int) -> CorpusRandom {
        CorpusRandom(seed: seed, epoch, clip, step)
    }

    /// `samples` after every configured waveform step, for `clip` (a dataset index) in `epoch`.
    /// - Throws: `AudioError` when speed perturbation cannot resample.
    public func waveform(_ samples: [Float], sampleRate: Int, epoch: Int, clip: Int) throws -> [Float] {
        var result = samples
        for (id, step) in steps {
            var random = random(epoch: epoch, clip: clip, step: id)
            result = try step.apply(to: result, sampleRate: sampleRate, random: &random)
        }
        return result
    }

    /// `matrix` (`[T, C]`) with SpecAugment masks for `clip` in `epoch`, or unchanged when not configured.
    public func features(_ matrix: FeatureMatrix, epoch: Int, clip: Int) -> FeatureMatrix {
        guard let spec = configuration.specAugment else { return matrix }
        var random = random(epoch: epoch, clip: clip, step: 5)
        return SpecAugment(spec).apply(to: matrix, random: &random)
    }

    /// Loads `path` with `loader`, augments the waveform, extracts and masks: the training features of `clip`
    /// in `epoch`. Never reads or writes the feature cache.
    /// - Throws: `AudioError` naming the file.
    public func features(ofFile path: String, loader: any AudioLoading, extractor: any FeatureExtractor,
                         epoch: Int, clip: Int) throws -> FeatureMatrix {
        precondition(loader.sampleRate == extractor.sampleRate,
                     "Augmentation: loader produces \(loader.sampleRate) Hz but the extractor expects \(extractor.sampleRate) Hz")
        let samples = try waveform(loader.load(path), sampleRate: extractor.sampleRate, epoch: epoch, clip: clip)
        return features(extractor.extract(samples), epoch: epoch, clip: clip)
    }
}
