import EmotionCorpus

// The spec descriptions of EmotionCorpus' corpus readers and splits. Decoding is EmotionCorpus' own; these add the
// option lists (checked against `CodingKeys` by `Registration`) and the range checks a spec needs before a run.

private let badFileChoices = ["skip", "fail"]
private let onBadFileOption = OptionInfo.optional("on_bad_file", "skip | fail", "What to do with a malformed or undecodable file",
                                            choices: badFileChoices)

extension RavdessSource.Configuration: ComponentConfiguration {
    /// `root`, `vocal_channel`, `on_bad_file`.
    public static var options: [OptionInfo] {
        [.required("root", "path", example: "data/ravdess", "Directory of Actor_XX/ folders or of the .wav files"),
         .optional("vocal_channel", "speech | song | both", "Which RAVDESS channel to keep", choices: ["speech", "song", "both"]),
         onBadFileOption]
    }
}

extension ManifestSource.Configuration: ComponentConfiguration {
    /// `path`, `name`, `on_bad_file`.
    public static var options: [OptionInfo] {
        [.required("path", "path", example: "data/manifest.csv", "CSV manifest: path, label, speaker, gender, split"),
         .optional("name", "string or null", "Corpus name; null uses the manifest's file name"), onBadFileOption]
    }
}

extension FolderSource.Configuration: ComponentConfiguration {
    /// `root`, `name`, `on_bad_file`.
    public static var options: [OptionInfo] {
        [.required("root", "path", example: "data/clips", "Directory with one sub-folder per class"),
         .optional("name", "string or null", "Corpus name; null uses the folder's name"), onBadFileOption]
    }
}

extension SpeakerHoldoutSplit.Configuration: ComponentConfiguration, Validatable {
    /// Speakers or fractions held out, gender balance and seed.
    public static var options: [OptionInfo] {
        [.optional("test_speakers", "list of speaker ids or null", "Test speakers; null draws test_fraction of the speakers"),
         .optional("validation_speakers", "list of speaker ids or null", "Validation speakers; null draws validation_fraction"),
         .optional("test_fraction", "float in [0, 1)", "Share of speakers drawn for test"),
         .optional("validation_fraction", "float in [0, 1)", "Share of speakers drawn for validation"),
         .optional("balance_gender", "bool", "Draw speakers so each side keeps the gender ratio"),
         .optional("seed", "int", "Seed of the speaker draw")]
    }

    /// Fractions in [0, 1).
    public func validate() -> [ValueIssue] {
        [ValueIssue.inHalfOpen(testFraction, 0..<1, key: CodingKeys.testFraction),
         ValueIssue.inHalfOpen(validationFraction, 0..<1, key: CodingKeys.validationFraction)].compactMap { $0 }
    }
}

extension SpeakerKFoldSplit.Configuration: ComponentConfiguration, Validatable {
    /// `k`, `fold`, `validation`, `balance_gender`, `seed`.
    public static var options: [OptionInfo] {
        [.optional("k", "int >= 2", "Folds of speakers"),
         .optional("fold", "int in [0, k)", "The fold used for test"),
         .optional("validation", "none | next_fold | train_speakers", "Where validation clips come from",
                   choices: ["none", "next_fold", "train_speakers"]),
         .optional("balance_gender", "bool", "Deal speakers so each fold keeps the gender ratio"),
         .optional("seed", "int", "Seed of the speaker deal"),
         .optional("validation_count", "int >= 1",
                   "Validation speakers drawn from the training folds (validation: train_speakers)")]
    }

    /// `k >= 2`, `0 <= fold < k`, `validation_count >= 1`.
    public func validate() -> [ValueIssue] {
        [ValueIssue.atLeast(k, 2, key: CodingKeys.k), ValueIssue.atLeast(validationCount, 1, key: CodingKeys.validationCount),
         ValueIssue.inHalfOpen(fold, 0..<max(k, 1), key: CodingKeys.fold)].compactMap { $0 }
    }
}

extension LeaveOneSpeakerOutSplit.Configuration: ComponentConfiguration, Validatable {
    /// `speaker`, `fold`, `validation`.
    public static var options: [OptionInfo] {
        [.optional("speaker", "speaker id or null", "The held-out speaker; null takes the fold-th speaker"),
         .optional("fold", "int >= 0", "Index of the held-out speaker in sorted order"),
         .optional("validation", "none | next_speaker", "Where validation clips come from", choices: ["none", "next_speaker"])]
    }

    /// `fold >= 0`.
    public func validate() -> [ValueIssue] {
        [ValueIssue.atLeast(fold, 0, key: CodingKeys.fold)].compactMap { $0 }
    }
}

extension RandomSplit.Configuration: ComponentConfiguration, Validatable {
    /// Fractions and seed.
    public static var options: [OptionInfo] {
        [.optional("test_fraction", "float in [0, 1)", "Share of clips for test (speakers may leak across sides)"),
         .optional("validation_fraction", "float in [0, 1)", "Share of clips for validation"),
         .optional("seed", "int", "Seed of the draw")]
    }

    /// Fractions in [0, 1).
    public func validate() -> [ValueIssue] {
        [ValueIssue.inHalfOpen(testFraction, 0..<1, key: CodingKeys.testFraction),
         ValueIssue.inHalfOpen(validationFraction, 0..<1, key: CodingKeys.validationFraction)].compactMap { $0 }
    }
}

extension StatementHoldoutSplit.Configuration: ComponentConfiguration, Validatable {
    /// `test_statement`, `validation_fraction`, `seed`.
    public static var options: [OptionInfo] {
        [.optional("test_statement", "1 | 2", "RAVDESS statement held out for test"),
         .optional("validation_fraction", "float in [0, 1)", "Share of the training clips for validation"),
         .optional("seed", "int", "Seed of the validation draw")]
    }

    /// Statement 1 or 2, fraction in [0, 1).
    public func validate() -> [ValueIssue] {
        [ValueIssue.oneOf(String(testStatement), ["1", "2"], key: CodingKeys.testStatement),
         ValueIssue.inHalfOpen(validationFraction, 0..<1, key: CodingKeys.validationFraction)].compactMap { $0 }
    }
}

extension ManifestSplit.Configuration: ComponentConfiguration {
    /// No options: the manifest's `split` column decides.
    public static var options: [OptionInfo] { [] }
}

extension NamedCorpusConfiguration: ComponentConfiguration {
    /// `root`, `name`, `on_bad_file` (the EmoDB, SAVEE, TESS and EMOVO readers).
    public static var options: [OptionInfo] {
        [.required("root", "path", example: "data/emodb", "Corpus directory as distributed (see docs/corpora.md)"),
         .optional("name", "string or null", "Corpus name; null uses the reader's type (emodb, savee, tess, emovo)"),
         onBadFileOption]
    }
}

extension CremaDSource.Configuration: ComponentConfiguration {
    /// `root`, `name`, `demographics`, `on_bad_file`.
    public static var options: [OptionInfo] {
        [.required("root", "path", example: "data/crema-d", "Folder holding AudioWAV/, or the audio folder itself"),
         .optional("name", "string or null", "Corpus name; null uses crema_d"),
         .optional("demographics", "path or null", "VideoDemographics.csv; null looks in the root and its parent"),
         onBadFileOption]
    }
}

extension CorpusHoldoutSplit.Configuration: ComponentConfiguration, Validatable {
    /// `test`, `validation`, `validation_fraction`, `validation_count`, `balance_gender`, `seed`.
    public static var options: [OptionInfo] {
        [.required("test", "corpus name", example: "emodb", "The corpus held out whole for test"),
         .optional("validation", "corpus name or null", "A corpus held out whole for validation"),
         .optional("validation_fraction", "float in [0, 1)", "Share of training speakers drawn for validation"),
         .optional("validation_count", "int >= 0 or null", "Training speakers drawn for validation (overrides the fraction)"),
         .optional("balance_gender", "bool", "Draw validation speakers gender-balanced"),
         .optional("seed", "int", "Seed of the validation draw")]
    }

    /// Fraction in [0, 1), count >= 0.
    public func validate() -> [ValueIssue] {
        [ValueIssue.inHalfOpen(validationFraction, 0..<1, key: CodingKeys.validationFraction),
         validationCount.flatMap { ValueIssue.atLeast($0, 0, key: CodingKeys.validationCount) }].compactMap { $0 }
    }
}
