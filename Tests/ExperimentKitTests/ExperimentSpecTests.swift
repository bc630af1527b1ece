import ExperimentKit
import Foundation
import Testing

@Suite struct ExperimentSpecTests {
    static let full = """
        name: cnn-lstm-mfcc
        seed: 42
        data: {corpus: ravdess, root: data/ravdess, sample_rate: 16000, duration: 3.0, normalize: peak}
        features: {type: mfcc, n_mfcc: 40, n_fft: 512}
        augment: [{type: noise, rate: 0.1}]
        model:
          layers:
            - {type: conv1d, filters: 64, kernel_size: 5, activation: relu}
            - {type: maxpool1d, pool_size: 2}
            - {type: lstm, units: 64}
            - {type: dense, units: classes, activation: softmax}
        optimizer: {type: adam, learning_rate: 0.001}
        schedule: {type: reduce_on_plateau, pool_size: 4}
        training: {epochs: 60, batch_size: 32, early_stopping: {monitor: val_uar, patience: 10}, class_weights: balanced, grad_clip_norm: 5.0}
        split: {type: speaker_holdout, test_speakers: [19, 20]}
        metrics: [accuracy, uar]
        sweep: {grid: {optimizer.learning_rate: [0.001, 0.0003]}}
        """

    private func spec(_ yaml: String, file: String = "exp.yaml", classes: Int = 8) throws -> ExperimentSpec {
        try ExperimentSpec(tree: node(yaml, file: file), file: file, registries: Fakes.registries, classCount: classes)
    }

    @Test func resolvesAFullSpec() throws {
        let spec = try spec(Self.full)
        let resolved = spec.resolved
        #expect(resolved.name == "cnn-lstm-mfcc" && resolved.seed == 42)
        #expect(resolved.data.corpus == ResolvedComponent(type: "ravdess", options: ["root": .string("data/ravdess")]))
        #expect(resolved.data.options == DataOptions())
        #expect(resolved.features.options == ["n_mfcc": .int(40), "n_fft": .int(512), "mel_scale": .string("slaney")])
        #expect(resolved.model.layers.map(\.type) == ["conv1d", "maxpool1d", "lstm", "dense"])
        #expect(resolved.model.layers[3].options["units"] == .string("classes"), "the class count comes from the data at run time")
        #expect(resolved.schedule?.type == "reduce_on_plateau")
        #expect(resolved.training.earlyStopping?.patience == 10)
        #expect(resolved.training.gradClipNorm == 5.0)
        #expect(resolved.metrics.map(\.type) == ["accuracy", "uar"])
        #expect(spec.sweep?["grid"] != nil)
        #expect(spec.layers[3].options["units"]?.scalarText == "8")
        #expect(spec.corpus.type == "ravdess" && spec.corpus.options.entries?.map(\.key) == ["root"])
    }

    @Test func omittedSectionsTakeTheirDefaults() throws {
        let resolved = try spec("name: minimal\n", classes: 5).resolved
        #expect(resolved.seed == 0)
        #expect(resolved.data.corpus.type == "ravdess")
        #expect(resolved.data.options.sampleRate == 16_000 && resolved.data.options.duration == 3.0)
        #expect(resolved.features.type == "mfcc")
        #expect(resolved.augment.isEmpty)
        #expect(resolved.model.layers.map(\.type)
            == ["conv1d", "maxpool1d", "conv1d", "maxpool1d", "lstm", "lstm", "dense", "dropout", "dense"])
        #expect(resolved.model.layers[8].options == ["units": .string("classes"), "activation": .string("softmax")])
        #expect(resolved.model.layers[4].options["return_sequences"] == .bool(true))
        #expect(resolved.optimizer == ResolvedComponent(type: "adam", options: ["learning_rate": .double(0.001), "beta1": .double(0.9)]))
        #expect(resolved.schedule == nil)
        #expect(resolved.training == TrainingOptions())
        #expect(resolved.split.type == "speaker_holdout")
        #expect(resolved.metrics.map(\.type) == ["accuracy", "uar", "macro_f1"])
    }

    @Test func nameDefaultsToTheFileStem() throws {
        #expect(try spec("seed: 1\n", file: "dir/baseline.v2.yaml").resolved.name == "baseline")
    }

    @Test func everyErrorOfAFileIsReportedAtOnce() throws {
        let yaml = """
            name: ok
            seed: -3
            optimiser: {type: adam}
            data: {corpus: ravdess, sample_rate: 0, roots: x}
            features: {type: mfc}
            model:
              layers:
                - {type: dense, units: abc}
                - {type: dropout, rate: 1.5}
                - {type: lstmm, units: 3}
              depth: 3
            optimizer: {type: adam, learning_rate: 0}
            training: {epochs: 0, batch_size: 8, early_stopping: {monitor: val_uarr}}
            split: {type: speaker_holdout, test_speakers: 19}
            metrics: [accuracy, f1]
            """
        let messages = specMessages { _ = try spec(yaml) }
        #expect(messages == [
            "exp.yaml:2:7: seed: seed must be >= 0. Received: seed=-3",
            "exp.yaml:3:1: optimiser: unknown key 'optimiser'. Valid keys: augment, data, evaluate, features, labels, metrics, model, name, optimizer, schedule, seed, split, sweep, training. Did you mean 'optimizer'?",
            "exp.yaml:4:38: data.sample_rate: sample_rate must be > 0. Received: sample_rate=0",
            "exp.yaml:4:41: data.roots: unknown key 'roots' for corpus type 'ravdess'. Valid keys: corpus, duration, normalize, root, sample_rate, speaker_normalization, test_crops, train_crop, trim_db. Did you mean 'root'?",
            "exp.yaml:5:18: features.type: unknown feature type 'mfc'. Known feature types: mfcc. Did you mean 'mfcc'?",
            "exp.yaml:8:28: model.layers[0].units: expected an integer, got 'abc'",
            "exp.yaml:9:29: model.layers[1].rate: rate must be in [0.0, 1.0). Received: rate=1.5",
            "exp.yaml:10:14: model.layers[2].type: unknown layer type 'lstmm'. Known layer types: conv1d, dense, dropout, lstm, maxpool1d, relu. Did you mean 'lstm'?",
            "exp.yaml:11:3: model.depth: unknown key 'depth' for model. Valid keys: layers.",
            "exp.yaml:12:40: optimizer.learning_rate: learning_rate must be > 0.0. Received: learning_rate=0.0",
            "exp.yaml:13:20: training.epochs: epochs must be > 0. Received: epochs=0",
            "exp.yaml:13:64: training.early_stopping.monitor: monitor must be one of val_accuracy, val_loss, val_macro_f1, val_uar. Received: monitor=val_uarr. Did you mean 'val_uar'?",
            "exp.yaml:14:47: split.test_speakers: expected a list, got '19'",
            "exp.yaml:15:21: metrics[1].type: unknown metric type 'f1'. Known metric types: accuracy, macro_f1, uar.",
        ])
    }

    @Test func errorsInAParentPointAtTheParentFile() throws {
        let files = try SpecFiles()
        let base = try files.write("base.yaml", "name: base\noptimizer: {type: adam, beta1: 2}\n")
        let child = try files.write("child.yaml", "extends: base.yaml\nmodel: {layers: [{type: dense, units: 0}]}\n")
        let messages = specMessages { _ = try ExperimentSpec.load(file: child, registries: Fakes.registries, classCount: 8) }
        #expect(messages == [
            "\(base):2:32: optimizer.beta1: beta1 must be in [0.0, 1.0). Received: beta1=2.0",
            "\(child):2:39: model.layers[0].units: units must be > 0. Received: units=0",
        ])
    }

    @Test func overridesApplyBeforeValidation() throws {
        let files = try SpecFiles()
        let path = try files.write("exp.yaml", Self.full)
        let overrides = try Override.parse(["optimizer.learning_rate=0.01", "model.layers[2].units=32", "~schedule",
                                            "+training.early_stopping.min_delta=0.5"])
        let spec = try ExperimentSpec.load(file: path, overrides: overrides, registries: Fakes.registries, classCount: 8)
        #expect(spec.resolved.optimizer.options["learning_rate"] == .double(0.01))
        #expect(spec.resolved.model.layers[2].options["units"] == .int(32))
        #expect(spec.resolved.schedule == nil)
        #expect(spec.resolved.training.earlyStopping?.minDelta == 0.5)
    }

    @Test func writingOutDefaultsDoesNotChangeTheResolvedSpec() throws {
        for yaml in ["name: minimal\n", Self.full, "name: x\noptimizer: sgd\nmodel: {layers: [relu, {type: dense, units: 2}]}\n"] {
            let tree = try node(yaml)
            let plain = try ExperimentSpec(tree: tree, file: "e.yaml", registries: Fakes.registries, classCount: 8)
            let expanded = try ExperimentSpec(tree: ExperimentSpec.withDefaults(tree), file: "e.yaml",
                                              registries: Fakes.registries, classCount: 8)
            #expect(plain.resolved == expanded.resolved)
        }
    }

    @Test func overridesReachDefaultedKeys() throws {
        let files = try SpecFiles()
        let path = try files.write("exp.yaml", "name: minimal\noptimizer: adam\n")
        let overrides = try Override.parse(["optimizer.beta1=0.5", "model.layers[6].units=16", "features.n_mfcc=13"])
        let resolved = try ExperimentSpec.load(file: path, overrides: overrides, registries: Fakes.registries,
                                               classCount: 8).resolved
        #expect(resolved.optimizer.options["beta1"] == .double(0.5))
        #expect(resolved.model.layers[6].options["units"] == .int(16))
        #expect(resolved.model.layers.count == 9)
        #expect(resolved.features.options["n_mfcc"] == .int(13))
    }

    @Test func anInvalidOverrideValueIsLocatedInTheOverride() throws {
        let files = try SpecFiles()
        let path = try files.write("exp.yaml", Self.full)
        let overrides = try Override.parse(["model.layers[3].units=many"])
        let messages = specMessages {
            _ = try ExperimentSpec.load(file: path, overrides: overrides, registries: Fakes.registries, classCount: 8)
        }
        #expect(messages == ["override 'model.layers[3].units=many':1:23: model.layers[3].units: expected an integer, got 'many'"])
    }

    @Test func resolvedYAMLReloadsToTheSameSpecAndID() throws {
        for yaml in [Self.full, "name: minimal\n", "name: q\ndata: {root: '123'}\ntraining: {grad_clip_norm: 1}\n"] {
            let resolved = try spec(yaml).resolved
            let reloaded = try spec(resolved.yaml, file: "spec.yaml").resolved
            #expect(reloaded == resolved)
            #expect(reloaded.runID == resolved.runID)
        }
        let text = try spec("name: q\ndata: {root: '123'}\n").resolved.yaml
        #expect(text.hasPrefix("name: q\nseed: 0\ndata:\n"))
        #expect(text.contains("  root: '123'\n"))
    }

    /// The real-speech options: checked like every key, written when used, absent (run ids unchanged) when off.
    @Test func realSpeechOptionsValidateAndResolve() throws {
        let unknown = specMessages { _ = try spec("data: {root: r}\ntraining: {mixup: {alpha: 0.2, beta: 1}}\n") }
        #expect(unknown.count == 1 && unknown[0].contains("training.mixup.beta: unknown key 'beta'"), "\(unknown)")
        let on = try spec("data: {root: r, trim_db: 30, speaker_normalization: true}\n"
                          + "training: {mixup: {alpha: 0.3}, label_smoothing: 0.1}\n").resolved
        #expect(on.data.options.trimDB == 30 && on.data.options.speakerNormalization)
        #expect(on.training.mixup?.alpha == 0.3 && on.training.labelSmoothing == 0.1)
        #expect(on.yaml.contains("trim_db: 30") && on.yaml.contains("speaker_normalization: true")
                && on.yaml.contains("alpha: 0.3"))
        let reloaded = try spec(on.yaml, file: "spec.yaml").resolved
        #expect(reloaded == on && reloaded.runID == on.runID)
        let off = try spec("data: {root: r}\n").resolved
        let explicitOff = try spec("data: {root: r, trim_db: null, speaker_normalization: false}\ntraining: {mixup: null}\n").resolved
        #expect(off.runID == explicitOff.runID)
        #expect(!off.canonicalJSON.contains("trim_db") && !off.canonicalJSON.contains("speaker_normalization")
                && !off.canonicalJSON.contains("mixup") && !off.canonicalJSON.contains("label_smoothing"))
        let invalid = specMessages { _ = try spec("data: {root: r, trim_db: -1}\ntraining: {mixup: {alpha: 0}, label_smoothing: 1}\n") }
        #expect(invalid.contains { $0.hasSuffix("data.trim_db: trim_db must be > 0.0. Received: trim_db=-1.0") }, "\(invalid)")
        #expect(invalid.contains { $0.hasSuffix("training.mixup.alpha: alpha must be > 0.0. Received: alpha=0.0") }, "\(invalid)")
        #expect(invalid.contains { $0.hasSuffix("training.label_smoothing: label_smoothing must be in [0, 1). Received: label_smoothing=1.0") }, "\(invalid)")
    }

    @Test func wholeClipsAndTestCropsValidateAndResolve() throws {
        let absent = try spec("data: {root: r}\n").resolved
        #expect(absent.data.options.duration == 3.0 && absent.data.options.testCrops == 1)
        let explicit = try spec("data: {root: r, duration: 3.0, test_crops: 1}\n").resolved
        #expect(explicit.runID == absent.runID && !absent.canonicalJSON.contains("test_crops"))

        let whole = try spec("data: {root: r, duration: null, test_crops: 4}\n").resolved
        #expect(whole.data.options.duration == nil && whole.data.options.testCrops == 4)
        #expect(whole.runID != absent.runID)
        #expect(whole.yaml.contains("duration: null") && whole.yaml.contains("test_crops: 4"), "\(whole.yaml)")
        #expect(whole.summary.contains("duration=whole clips") && whole.summary.contains("test_crops=4"))
        let reloaded = try spec(whole.yaml, file: "spec.yaml").resolved
        #expect(reloaded == whole && reloaded.runID == whole.runID)
        let decoded = try JSONDecoder().decode(ResolvedSpec.self, from: Data(whole.prettyJSON.utf8))
        #expect(decoded == whole)

        let invalid = specMessages { _ = try spec("data: {root: r, test_crops: 0, duration: 0}\n") }
        #expect(invalid.contains { $0.hasSuffix("data.test_crops: test_crops must be >= 1. Received: test_crops=0") }, "\(invalid)")
        #expect(invalid.contains { $0.hasSuffix("data.duration: duration must be > 0.0. Received: duration=0.0") }, "\(invalid)")
        let random = try spec("data: {root: r, train_crop: random}\n").resolved
        #expect(random.data.options.trainCrop == "random" && random.yaml.contains("train_crop: random"))
        #expect(random.summary.contains("train_crop=random") && random.runID != absent.runID)
        #expect(try spec("data: {root: r, train_crop: first}\n").resolved.runID == absent.runID)
        let crops = specMessages { _ = try spec("data: {root: r, train_crop: middle}\n") }
        #expect(crops.contains { $0.hasSuffix("data.train_crop: train_crop must be one of first, random. Received: train_crop=middle") }, "\(crops)")
        let uncut = specMessages { _ = try spec("data: {root: r, duration: null, train_crop: random}\n") }
        #expect(uncut.contains { $0.hasSuffix("data.train_crop: train_crop: random needs a duration to crop to; whole clips (duration: null) have none") }, "\(uncut)")
        let wrongType = specMessages { _ = try spec("data: {root: r, test_crops: many}\n") }
        #expect(wrongType.count == 1 && wrongType[0].contains("data.test_crops: expected an integer, got 'many'"), "\(wrongType)")
    }

    @Test func resolvedSpecRoundTripsThroughJSON() throws {
        let resolved = try spec(Self.full).resolved
        let decoded = try JSONDecoder().decode(ResolvedSpec.self, from: Data(resolved.prettyJSON.utf8))
        #expect(decoded == resolved)
        #expect(resolved.prettyJSON.contains("\"corpus\" : \"ravdess\""))
        #expect(!resolved.canonicalJSON.contains("sweep"))
    }
}

@Suite struct ErrorOrderTests {
    @Test func fileErrorsComeBeforeOverrideAndDefaultErrors() throws {
        var registries = Fakes.registries
        registries.install(Registry<String, Void>(kind: .split))   // nothing registered: the default split fails
        let tree = try Override.apply([Override.parse("seed=x")], to: node("name: z\ntraining: {epochs: 0}\n", file: "z.yaml"))
        let messages = specMessages { _ = try ExperimentSpec(tree: tree, file: "z.yaml", registries: registries, classCount: 8) }
        #expect(messages == [
            "z.yaml:2:20: training.epochs: epochs must be > 0. Received: epochs=0",
            "override 'seed=x':1:6: seed: expected an integer, got 'x'",
            "<default>:1:1: split.type: unknown split type 'speaker_holdout'. No split types are registered.",
        ])
    }
}
