import AudioFeatures
import EmotionCorpus
import NeuralNet

extension Registries {
    /// The components this package ships, one literal table per kind (STYLE F).
    ///
    /// Kinds without a table here have nothing registered yet: a spec naming one of their types fails validation
    /// with "No <kind> types are registered", never silently.
    public static let builtins: Registries = {
        var registries = Registries()
        registries.install(Registry<any FeatureExtractor, Void>(kind: .feature, [
            "mfcc": Registration(MFCC.Configuration.self, "Mel-frequency cepstral coefficients, [T, n_mfcc] (librosa.feature.mfcc)") { config, _ in try MFCC(config) },
            "logmel": Registration(LogMel.Configuration.self, "Log-power mel spectrogram, [T, n_mels] (librosa power_to_db of melspectrogram)") { config, _ in try LogMel(config) },
            "spectrogram": Registration(Spectrogram.Configuration.self, "STFT magnitude or power, [T, n_fft/2 + 1] (librosa.stft)") { config, _ in try Spectrogram(config) },
            "egemaps": Registration(Egemaps.Configuration.self, "eGeMAPS v02 functionals, [1, 88] (openSMILE 2.6 eGeMAPSv02)") { config, _ in try Egemaps(config, level: .functionals) },
            "egemaps_lld": Registration(Egemaps.Configuration.self, "eGeMAPS v02 low-level descriptors, [T, 25] (openSMILE 2.6 eGeMAPSv02)") { config, _ in try Egemaps(config, level: .lowLevelDescriptors) },
        ]))
        registries.install(Registry<any CorpusSource, Void>(kind: .corpus, [
            "ravdess": Registration(RavdessSource.Configuration.self, "RAVDESS speech/song, labels from file names") { config, _ in RavdessSource(config) },
            "manifest": Registration(ManifestSource.Configuration.self, "Clips listed in a CSV manifest") { config, _ in ManifestSource(config) },
            "folders": Registration(FolderSource.Configuration.self, "One folder per class") { config, _ in FolderSource(config) },
            "crema_d": Registration(CremaDSource.Configuration.self, "CREMA-D, labels from file names, genders from VideoDemographics.csv") { config, _ in CremaDSource(config) },
            "emodb": Registration(NamedCorpusConfiguration.self, "Berlin EmoDB, labels from file names") { config, _ in EmoDBSource(config) },
            "savee": Registration(NamedCorpusConfiguration.self, "SAVEE, speaker folders and emotion prefixes") { config, _ in SaveeSource(config) },
            "tess": Registration(NamedCorpusConfiguration.self, "TESS, labels from file names") { config, _ in TessSource(config) },
            "emovo": Registration(NamedCorpusConfiguration.self, "EMOVO, labels from file names") { config, _ in EmovoSource(config) },
        ]))
        registries.install(Registry<any Split, Void>(kind: .split, [
            "speaker_holdout": Registration(SpeakerHoldoutSplit.Configuration.self, "Hold out whole speakers for test and validation") { config, _ in SpeakerHoldoutSplit(config) },
            "speaker_kfold": Registration(SpeakerKFoldSplit.Configuration.self, "k folds of speakers; one fold is test") { config, _ in SpeakerKFoldSplit(config) },
            "loso": Registration(LeaveOneSpeakerOutSplit.Configuration.self, "Leave one speaker out") { config, _ in LeaveOneSpeakerOutSplit(config) },
            "random": Registration(RandomSplit.Configuration.self, "Random clips (not speaker-independent)") { config, _ in RandomSplit(config) },
            "statement_holdout": Registration(StatementHoldoutSplit.Configuration.self, "Hold out one RAVDESS statement") { config, _ in StatementHoldoutSplit(config) },
            "corpus_holdout": Registration(CorpusHoldoutSplit.Configuration.self, "Hold out one whole corpus of several for test") { config, _ in CorpusHoldoutSplit(config) },
            "manifest": Registration(ManifestSplit.Configuration.self, "The manifest's split column") { config, _ in ManifestSplit(config) },
        ]))
        registries.install(Registry<AugmentationStep, Void>(kind: .augmentation, [
            "noise": Registration(AdditiveNoise.Configuration.self, "Additive noise at a random SNR") { config, _ in .noise(config) },
            "gain": Registration(RandomGain.Configuration.self, "Random gain") { config, _ in .gain(config) },
            "time_shift": Registration(TimeShift.Configuration.self, "Random time shift") { config, _ in .timeShift(config) },
            "speed": Registration(SpeedPerturbation.Configuration.self, "Speed perturbation by resampling") { config, _ in .speed(config) },
            "spec_augment": Registration(SpecAugment.Configuration.self, "SpecAugment frequency and time masks") { config, _ in .specAugment(config) },
        ]))
        registries.install(Registry<any Optimizer, Void>(kind: .optimizer, [
            "adam": Registration(AdamOptions.self, "Adam with bias correction (torch.optim.Adam)") { config, _ in config.make(decoupled: false) },
            "adamw": Registration(AdamWOptions.self, "Adam with decoupled weight decay (torch.optim.AdamW)") { config, _ in config.adam.make(decoupled: true) },
            "sgd": Registration(SGDOptions.self, "Stochastic gradient descent with momentum (torch.optim.SGD)") { config, _ in
                SGD(learningRate: Float(config.learningRate), momentum: Float(config.momentum), nesterov: config.nesterov,
                    weightDecay: Float(config.weightDecay)) },
            "rmsprop": Registration(RMSpropOptions.self, "RMSprop (torch.optim.RMSprop)") { config, _ in
                RMSprop(learningRate: Float(config.learningRate), alpha: Float(config.alpha), epsilon: Float(config.epsilon),
                        weightDecay: Float(config.weightDecay), momentum: Float(config.momentum), centered: config.centered) },
        ]))
        registries.install(Registry<LearningRateSchedule, Void>(kind: .schedule, [
            "constant": Registration(EmptyConfiguration.self, "The base rate throughout") { _, _ in .constant },
            "step": Registration(StepScheduleOptions.self, "Multiply by gamma every step_size epochs (StepLR)") { config, _ in
                .step(stepSize: config.stepSize, gamma: config.gamma) },
            "exponential": Registration(ExponentialScheduleOptions.self, "Multiply by gamma every epoch (ExponentialLR)") { config, _ in
                .exponential(gamma: config.gamma) },
            "cosine": Registration(CosineScheduleOptions.self, "Linear warmup, then cosine decay") { config, _ in
                .cosine(warmupSteps: config.warmupSteps, totalSteps: config.totalSteps, minimumLearningRate: config.minimumLearningRate) },
            "reduce_on_plateau": Registration(PlateauScheduleOptions.self, "Reduce when a validation metric stops improving (ReduceLROnPlateau)") { config, _ in
                config.schedule },
        ]))
        registries.install(builtinLayers)
        registries.install(Registry<MetricKind, Void>(kind: .metric, Dictionary(uniqueKeysWithValues: MetricKind.allCases.map { kind in
            (kind.rawValue, Registration<MetricKind, Void>(EmptyConfiguration.self, kind.summary) { _, _ in kind })
        })))
        return registries
    }()

    /// Corpus readers by type name (`data.corpus`).
    public var corpora: Registry<any CorpusSource, Void> {
        get { registry(.corpus) }
        set { install(newValue) }
    }

    /// Splits by type name (`split`).
    public var splits: Registry<any Split, Void> {
        get { registry(.split) }
        set { install(newValue) }
    }

    /// Augmentations by type name (`augment[i]`).
    public var augmentations: Registry<AugmentationStep, Void> {
        get { registry(.augmentation) }
        set { install(newValue) }
    }

    /// Metrics by name (`metrics[i]`).
    public var metrics: Registry<MetricKind, Void> {
        get { registry(.metric) }
        set { install(newValue) }
    }

    /// Optimizers by type name (`optimizer`).
    public var optimizers: Registry<any Optimizer, Void> {
        get { registry(.optimizer) }
        set { install(newValue) }
    }

    /// Learning-rate schedules by type name (`schedule`).
    public var schedules: Registry<LearningRateSchedule, Void> {
        get { registry(.schedule) }
        set { install(newValue) }
    }

    /// Feature extractors by type name (`features`).
    public var features: Registry<any FeatureExtractor, Void> {
        get { registry(.feature) }
        set { install(newValue) }
    }
}
