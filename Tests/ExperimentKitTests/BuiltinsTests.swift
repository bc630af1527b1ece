import AudioFeatures
import ExperimentKit
import NeuralNet
import Testing

@Suite struct BuiltinsTests {
    @Test func featureTypesAreRegistered() {
        #expect(Registries.builtins.features.names == ["egemaps", "egemaps_lld", "logmel", "mfcc", "spectrogram"])
    }

    /// Every listed option of every built-in type is accepted at its default, and every accepted key is listed.
    @Test(arguments: ComponentKind.allCases)
    func listingAgreesWithValidation(kind: ComponentKind) throws {
        let catalog = Registries.builtins.catalog(kind)
        let here = SourceLocation(file: "b.yaml", line: 1, column: 1)
        for entry in catalog.entries {
            let all = entry.options.map { option in
                SpecNode.Entry(key: option.name, keyLocation: here,
                               value: option.requiredExample.map { .plain($0, at: here) }
                                   ?? (option.defaultValue ?? .null).node(at: here))
            }
            let resolved = try catalog.resolve(ComponentSpec(kind: kind, type: entry.name,
                                                             options: SpecNode(.mapping(all), at: here), path: "x"))
            #expect(Set(resolved.options.keys) == Set(entry.options.map(\.name)), "\(entry.name)")
            for option in entry.options where !option.isRequired {
                #expect(resolved.options[option.name] == option.defaultValue, "\(entry.name).\(option.name)")
            }
        }
    }

    @Test func mfccDefaultsComeFromAudioFeatures() throws {
        let options = try #require(Registries.builtins.catalog(.feature).entries.first { $0.name == "mfcc" }?.options)
        let defaults = Dictionary(uniqueKeysWithValues: options.map { ($0.name, $0.defaultValue) })
        #expect(defaults["n_mfcc"] == .int(20))
        #expect(defaults["n_fft"] == .int(2048))
        #expect(defaults["fmax"] == .null)
        #expect(defaults["htk"] == .bool(false))
    }

    private func features(_ yaml: String) throws -> ExperimentSpec {
        try ExperimentSpec(tree: node(yaml, file: "f.yaml"), file: "f.yaml", registries: withFakeRest, classCount: 8)
    }

    /// The built-in feature table with fakes for the other kinds, so whole specs resolve.
    private var withFakeRest: Registries {
        var registries = Fakes.registries
        registries.features = Registries.builtins.features
        return registries
    }

    @Test func theIssueExampleFeaturesValidateAndTakeTheDataRate() throws {
        let spec = try features("""
            data: {sample_rate: 16000}
            features: {type: mfcc, n_mfcc: 40, n_fft: 512, hop_length: 160, win_length: 400, n_mels: 64, deltas: false}
            """)
        #expect(spec.resolved.features.options["sample_rate"] == .int(16000))
        #expect(spec.resolved.features.options["n_mels"] == .int(64))
        let extractor = try Registries.builtins.features.make(spec.features)
        #expect(extractor.sampleRate == 16000)
        #expect(extractor.featureCount == 40)
    }

    @Test func aDifferentExtractorRateIsAnError() throws {
        let messages = specMessages { _ = try features("data: {sample_rate: 16000}\nfeatures: {type: logmel, sample_rate: 22050}\n") }
        #expect(messages == ["f.yaml:2:39: features.sample_rate: sample_rate must equal data.sample_rate (16000), since "
            + "clips are resampled to it before feature extraction. Received: sample_rate=22050"])
    }

    @Test func audioFeaturesRangeErrorsPointAtTheirKey() throws {
        let messages = specMessages { _ = try features("features:\n  type: mfcc\n  n_mels: 32\n  n_mfcc: 40\n  n_mfc: 3\n") }
        #expect(messages.count == 2)
        #expect(messages[0] == "f.yaml:4:11: features.n_mfcc: n_mfcc must be in 1...n_mels (32). Received: n_mfcc=40")
        #expect(messages[1].hasPrefix("f.yaml:5:3: features.n_mfc: unknown key 'n_mfc' for feature type 'mfcc'. Valid keys: amin, center,"))
        #expect(messages[1].hasSuffix("Did you mean 'n_mfcc'?"))
    }

    @Test func choicesOfEnumeratedOptionsAreListed() throws {
        let messages = specMessages { _ = try features("features: {type: spectrogram, window: han}\n") }
        #expect(messages == ["f.yaml:1:39: features.window: window must be one of hann, hamming. Received: window=han. Did you mean 'hann'?"])
    }
}

@Suite struct CorpusAndSplitBuiltinsTests {
    private func spec(_ yaml: String) throws -> ExperimentSpec {
        var registries = Fakes.registries
        registries.corpora = Registries.builtins.corpora
        registries.splits = Registries.builtins.splits
        return try ExperimentSpec(tree: node(yaml, file: "c.yaml"), file: "c.yaml", registries: registries, classCount: 8)
    }

    @Test func registeredNames() {
        #expect(Registries.builtins.corpora.names == ["crema_d", "emodb", "emovo", "folders", "manifest", "ravdess", "savee", "tess"])
        #expect(Registries.builtins.splits.names == ["corpus_holdout", "loso", "manifest", "random", "speaker_holdout", "speaker_kfold", "statement_holdout"])
    }

    @Test func theIssueExampleDataAndSplitValidate() throws {
        let resolved = try spec("""
            data: {corpus: ravdess, root: data/ravdess, sample_rate: 16000, duration: 3.0, normalize: peak}
            split: {type: speaker_holdout, test_speakers: ['19', '20'], validation_speakers: ['17', '18']}
            """).resolved
        #expect(resolved.data.corpus.options == ["root": .string("data/ravdess"), "vocal_channel": .string("speech"),
                                                 "on_bad_file": .string("skip")])
        #expect(resolved.split.options["test_speakers"] == .array([.string("19"), .string("20")]))
        #expect(resolved.split.options["balance_gender"] == .bool(true))
        let split = try Registries.builtins.splits.make(try spec("data: {root: x}\nsplit: {type: speaker_kfold, k: 4, fold: 1}\n").split)
        #expect(split.summary.isEmpty == false)
    }

    @Test func corpusAndSplitErrorsAreCollected() throws {
        let messages = specMessages { _ = try spec("""
            data: {corpus: ravdess, vocal_channel: speach}
            split: {type: speaker_kfold, k: 4, fold: 4}
            """) }
        // Decoding stops at a component's first type error, so the bad vocal_channel waits for the missing root.
        #expect(messages == [
            "c.yaml:1:7: data: missing required key 'root'",
            "c.yaml:2:42: split.fold: fold must be in [0, 4). Received: fold=4",
        ])
        let channel = specMessages { _ = try spec("data: {corpus: ravdess, root: x, vocal_channel: speach}\n") }
        #expect(channel == ["c.yaml:1:49: data.vocal_channel: expected one of speech, song, both, got 'speach'. Did you mean 'speech'?"])
    }
}

@Suite struct AugmentationBuiltinsTests {
    private func spec(_ yaml: String) throws -> ExperimentSpec {
        var registries = Fakes.registries
        registries.augmentations = Registries.builtins.augmentations
        return try ExperimentSpec(tree: node(yaml, file: "a.yaml"), file: "a.yaml", registries: registries, classCount: 8)
    }

    @Test func theIssueExampleAugmentationsBuildOneConfiguration() throws {
        let spec = try spec("augment: [{type: noise, snr_db: [15, 30]}, {type: spec_augment, time_masks: 2, freq_masks: 2}]\n")
        #expect(spec.resolved.augment[0].options == ["snr_db": .array([.int(15), .int(30)]), "probability": .int(1)])
        let steps = try spec.augment.map { try Registries.builtins.augmentations.make($0) }
        let configuration = AugmentationStep.configuration(steps)
        #expect(configuration.noise?.snrDecibels == 15...30)
        #expect(configuration.specAugment?.timeMasks == 2)
        #expect(configuration.gain == nil && configuration.speed == nil && configuration.timeShift == nil)
    }

    @Test func repeatedTypesAndDecodingChecksAreReported() throws {
        let messages = specMessages { _ = try spec("augment:\n  - {type: noise}\n  - {type: spec_augment, freq_masks: -1}\n  - {type: noise}\n") }
        #expect(messages == [
            "a.yaml:3:38: augment[1].freq_masks: freq_masks must be >= 0. Received: freq_masks=-1",
            "a.yaml:4:12: augment[2].type: 'noise' is already listed at augment[0]; each augmentation may appear once",
        ])
    }
}

@Suite struct OptimizerAndScheduleBuiltinsTests {
    private func spec(_ yaml: String) throws -> ExperimentSpec {
        var registries = Fakes.registries
        registries.optimizers = Registries.builtins.optimizers
        registries.schedules = Registries.builtins.schedules
        return try ExperimentSpec(tree: node(yaml, file: "o.yaml"), file: "o.yaml", registries: registries, classCount: 8)
    }

    @Test func theIssueExampleOptimizerAndScheduleBuild() throws {
        let spec = try spec("optimizer: {type: adam, learning_rate: 0.001}\nschedule: {type: reduce_on_plateau, factor: 0.5, patience: 4}\n")
        let optimizer = try Registries.builtins.optimizers.make(spec.optimizer)
        #expect(optimizer.learningRate == 0.001)
        let schedule = try Registries.builtins.schedules.make(try #require(spec.schedule))
        #expect(schedule == .reduceOnPlateau(.init(mode: .min, factor: 0.5, patience: 4)))
        #expect(spec.resolved.optimizer.options["beta2"] == .double(0.999))
    }

    @Test func adamwDefaultsToDecoupledDecay() throws {
        let entry = Registries.builtins.catalog(.optimizer).entries.first { $0.name == "adamw" }
        #expect(entry?.options.first { $0.name == "weight_decay" }?.defaultValue == .double(0.01))
        let defaulted = try spec("optimizer: adamw\n")
        let adam = try #require(try Registries.builtins.optimizers.make(defaulted.optimizer) as? Adam)
        #expect(adam.decoupledWeightDecay && adam.weightDecay == 0.01)
        let explicit = try spec("optimizer: {type: adamw, weight_decay: 0}\n")
        #expect(explicit.resolved.optimizer.options["weight_decay"] == .int(0))
    }

    @Test func valuesThatWouldTrapTheOptimizerAreSpecErrors() throws {
        let messages = specMessages { _ = try spec("""
            optimizer: {type: sgd, nesterov: true, learning_rate: -1}
            schedule: {type: reduce_on_plateau, factor: 1.5, monitor: val_acc}
            """) }
        #expect(messages == [
            "o.yaml:1:34: optimizer.nesterov: nesterov needs momentum > 0. Received: momentum=0.0",
            "o.yaml:1:55: optimizer.learning_rate: learning_rate must be > 0.0. Received: learning_rate=-1.0",
            "o.yaml:2:45: schedule.factor: factor must be in (0, 1). Received: factor=1.5",
            "o.yaml:2:59: schedule.monitor: monitor must be one of val_accuracy, val_loss, val_macro_f1, val_uar. Received: monitor=val_acc. Did you mean 'val_uar'?",
        ])
    }
}
