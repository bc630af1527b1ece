import ExperimentKit
import Testing

@Suite struct ListingTests {
    @Test func componentsListingShowsOptionsTypesAndDerivedDefaults() {
        let text = CatalogListing.render(Fakes.registries, kinds: [.optimizer, .feature])
        #expect(text == """
            optimizer (2 types)
              adam: Adam
                learning_rate  float > 0        default 0.001  Step size
                beta1          float in [0, 1)  default 0.9    First-moment decay
              sgd: Plain SGD

            feature (1 type)
              mfcc: Mel-frequency cepstral coefficients
                n_mfcc     int > 0       default 40      Coefficients per frame
                n_fft      int > 0       default 512     FFT size in samples
                mel_scale  htk | slaney  default slaney  Mel formula

            """)
    }

    @Test func requiredOptionsAndEmptyKindsAreMarked() {
        let text = CatalogListing.render(Fakes.registries, kinds: [.layer])
        #expect(text.contains("    units       int > 0  required        Output features"))
        #expect(CatalogListing.render(Registries(), kinds: [.split]) == "split (0 types)\n  (none registered)\n")
    }

    @Test func summaryListsEverySectionAndLayer() throws {
        let resolved = try ExperimentSpec(tree: node(ExperimentSpecTests.full), file: "e.yaml",
                                          registries: Fakes.registries, classCount: 8).resolved
        let lines = resolved.summary.split(separator: "\n").map(String.init)
        #expect(lines[0] == "name       cnn-lstm-mfcc")
        #expect(lines[1] == "run id     \(resolved.runID)")
        #expect(lines.contains("data       ravdess(root=data/ravdess) sample_rate=16000 duration=3.0 normalize=peak"))
        #expect(lines.contains("model      4 layers"))
        #expect(lines.contains("  [3]  dense(activation=softmax, units=classes)"))
        #expect(lines.contains("  early_stopping  monitor=val_uar patience=10 min_delta=0.0"))
        #expect(lines.last == "metrics    accuracy, uar")
    }
}

@Suite struct BuiltinListingTests {
    @Test func defaultsThatFollowAnotherOptionAreNamed() {
        let text = CatalogListing.render(.builtins, kinds: [.layer, .feature])
        #expect(text.contains("    stride     int > 0       default pool_size  Step between windows\n"))
        #expect(text.contains("    sample_rate  int > 0                           default data.sample_rate  Input rate in Hz (librosa sr)\n"))
    }
}
