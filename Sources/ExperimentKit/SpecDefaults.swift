/// What a spec gets for each omitted section (documented in `docs/spec.md`).
enum Defaults {
    /// Locations of default values name no file line, so errors in them read `<default>:1:1`.
    static let location = SourceLocation(file: "<default>", line: 1, column: 1)
    static let emptyMapping = SpecNode(.mapping([]), at: location)
    static let corpus = "ravdess"
    static let features = "mfcc"
    static let augment: [String] = []
    static let optimizer = "adam"
    static let split = "speaker_holdout"
    static let metrics = ["accuracy", "uar", "macro_f1"]

    /// The stack used when `model.layers` is omitted: two conv/pool stages, two LSTMs, a dense head.
    static let layersYAML = """
        - {type: conv1d, filters: 64, kernel_size: 5, activation: relu}
        - {type: maxpool1d, pool_size: 2}
        - {type: conv1d, filters: 128, kernel_size: 5, activation: relu}
        - {type: maxpool1d, pool_size: 2}
        - {type: lstm, units: 128, return_sequences: true}
        - {type: lstm, units: 64}
        - {type: dense, units: 64, activation: relu}
        - {type: dropout, rate: 0.3}
        - {type: dense, units: classes, activation: softmax}
        """

    static let layers: SpecNode = {
        do {
            return try SpecLoader().parse(layersYAML, file: "<default model.layers>")
        } catch {
            preconditionFailure("the default model stack does not parse: \(error)")
        }
    }()
}
