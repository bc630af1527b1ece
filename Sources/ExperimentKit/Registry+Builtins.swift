import AudioFeatures
import EmotionCorpus

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
        ]))
        registries.install(Registry<any CorpusSource, Void>(kind: .corpus, [
            "ravdess": Registration(RavdessSource.Configuration.self, "RAVDESS speech/song, labels from file names") { config, _ in RavdessSource(config) },
            "manifest": Registration(ManifestSource.Configuration.self, "Clips listed in a CSV manifest") { config, _ in ManifestSource(config) },
            "folders": Registration(FolderSource.Configuration.self, "One folder per class") { config, _ in FolderSource(config) },
        ]))
        registries.install(Registry<any Split, Void>(kind: .split, [
            "speaker_holdout": Registration(SpeakerHoldoutSplit.Configuration.self, "Hold out whole speakers for test and validation") { config, _ in SpeakerHoldoutSplit(config) },
            "speaker_kfold": Registration(SpeakerKFoldSplit.Configuration.self, "k folds of speakers; one fold is test") { config, _ in SpeakerKFoldSplit(config) },
            "loso": Registration(LeaveOneSpeakerOutSplit.Configuration.self, "Leave one speaker out") { config, _ in LeaveOneSpeakerOutSplit(config) },
            "random": Registration(RandomSplit.Configuration.self, "Random clips (not speaker-independent)") { config, _ in RandomSplit(config) },
            "statement_holdout": Registration(StatementHoldoutSplit.Configuration.self, "Hold out one RAVDESS statement") { config, _ in StatementHoldoutSplit(config) },
            "manifest": Registration(ManifestSplit.Configuration.self, "The manifest's split column") { config, _ in ManifestSplit(config) },
        ]))
        registries.install(Registry<AugmentationStep, Void>(kind: .augmentation, [
            "noise": Registration(AdditiveNoise.Configuration.self, "Additive noise at a random SNR") { config, _ in .noise(config) },
            "gain": Registration(RandomGain.Configuration.self, "Random gain") { config, _ in .gain(config) },
            "time_shift": Registration(TimeShift.Configuration.self, "Random time shift") { config, _ in .timeShift(config) },
            "speed": Registration(SpeedPerturbation.Configuration.self, "Speed perturbation by resampling") { config, _ in .speed(config) },
            "spec_augment": Registration(SpecAugment.Configuration.self, "SpecAugment frequency and time masks") { config, _ in .specAugment(config) },
        ]))
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

    /// Feature extractors by type name (`features`).
    public var features: Registry<any FeatureExtractor, Void> {
        get { registry(.feature) }
        set { install(newValue) }
    }
}
