/// Upper bounds on the spec values that size memory, far above any real experiment, so that a huge but well-typed
/// value (`units: 9223372036854775807`, `duration: 1e30`) is a located error instead of an integer overflow trap or
/// a failed allocation while the model or the features are built. See `docs/specs.md`, "Limits".
public enum SpecLimits {
    /// Largest value of each size-like option, wherever it appears in a spec (any section, any component).
    public static let maxima: [String: Double] = [
        "sample_rate": 384_000, "duration": 3_600,
        "n_fft": 1_048_576, "win_length": 1_048_576, "hop_length": 1_048_576, "n_mels": 4_096, "n_mfcc": 4_096,
        "units": 65_536, "filters": 65_536, "kernel_size": 65_536, "pool_size": 65_536, "stride": 65_536,
        "dilation": 65_536, "batch_size": 1_048_576, "epochs": 1_000_000, "heads": 65_536, "ff_size": 65_536,
    ]
    /// Most audio samples in one clip (`duration × sample_rate`): 2^27, about 35 minutes at 64 kHz.
    public static let maxClipSamples = 1 << 27
    /// Most values in one clip's feature matrix (`T × C`), estimated from duration, sample rate and feature options.
    public static let maxFeatureValues = 1 << 26
    /// Most trainable values of one layer, estimated from its options and input shape before it is built.
    public static let maxLayerParameters = 1 << 28
    /// Most values of one layer's output for one clip.
    public static let maxActivationValues = 1 << 26

    /// Every option in `tree` above its maximum.
    static func oversizedValues(in tree: SpecNode, path: String = "") -> [SpecError] {
        switch tree.content {
        case .scalar:
            return []
        case .sequence(let items):
            return items.enumerated().flatMap { oversizedValues(in: $1, path: SpecPath.index(path, $0)) }
        case .mapping(let entries):
            return entries.flatMap { entry -> [SpecError] in
                let entryPath = SpecPath.key(path, entry.key)
                guard let maximum = maxima[entry.key] else { return oversizedValues(in: entry.value, path: entryPath) }
                guard let text = entry.value.scalarText, let kind = entry.value.scalarKind else { return [] }
                let value = kind == .int ? StrictDecoder.integerValue(text).map(Double.init) : kind == .float ? Double(text) : nil
                guard let value, value > maximum else { return [] }
                return [.invalidValue(entry.value.location, path: entryPath, message: "\(entry.key) must be <= "
                    + "\(Int(maximum)) (a limit far above real use). Received: \(entry.key)=\(text)")]
            }
        }
    }

    /// An error if one clip could exceed `maxClipSamples`, or its feature matrix `maxFeatureValues`: frames ≤ samples / hop + 2 and
    /// features ≤ 3 × max(n_fft / 2 + 1, n_mels, n_mfcc) (deltas triple them).
    static func featureMatrixError(data: DataOptions, features: ResolvedComponent, dataAt dataLocation: SourceLocation,
                                   featuresAt location: SourceLocation) -> SpecError? {
        func option(_ key: String) -> Double? {
            switch features.options[key] {
            case .int(let value)?: return Double(value)
            case .double(let value)?: return value
            default: return nil
            }
        }
        // Whole clips (`duration: null`) have no length before they are read.
        guard let duration = data.duration else { return nil }
        let samples = duration * Double(data.sampleRate)
        if samples > Double(maxClipSamples) {
            return .invalidValue(dataLocation, path: "data", message: "one clip would hold \(Int(samples.rounded())) samples "
                + "(duration × sample_rate), above the limit of \(maxClipSamples); lower data.duration or data.sample_rate")
        }
        let hop = max(1, option("hop_length") ?? option("n_fft").map { $0 / 4 } ?? 1)
        let frames = samples / hop + 2
        let bins = [option("n_fft").map { $0 / 2 + 1 }, option("n_mels"), option("n_mfcc")].compactMap { $0 }.max() ?? 1
        let values = frames * bins * 3
        guard values > Double(maxFeatureValues) else { return nil }
        return .invalidValue(location, path: "features", message: "one clip's features could hold "
            + "\(Int(values.rounded())) values (\(Int(frames)) frames × up to \(Int(bins * 3)) features), above the "
            + "limit of \(maxFeatureValues); lower data.duration or data.sample_rate, or raise features.hop_length")
    }

    /// An estimate (from above) of the trainable values of layer `spec` on input `shape`, before it is built.
    static func parameterEstimate(_ spec: ComponentSpec, input shape: [Int]) -> Double {
        func option(_ key: String) -> Double { spec.options[key]?.scalarText.flatMap(Double.init) ?? 1 }
        let channels = Double(shape.last ?? 1)
        let directions = spec.options["bidirectional"]?.scalarText == "true" ? 2.0 : 1.0
        switch spec.type {
        case "dense": return option("units") * (channels + 1)
        case "conv1d": return option("filters") * (option("kernel_size") * channels + 1)
        case "conv2d":
            // kernel_size is one int or a [time, frequency] pair.
            let kernel = spec.options["kernel_size"].map { node in
                node.items.map { $0.reduce(1.0) { $0 * ($1.scalarText.flatMap(Double.init) ?? 1) } } ?? option("kernel_size") * option("kernel_size")
            } ?? 1
            return option("filters") * (kernel * channels + 1)
        case "transformer_encoder": return option("layers") * (4 * channels * channels + 2 * channels * option("ff_size"))
        case "lstm": return directions * 4 * option("units") * (channels + option("units") + 2)
        case "gru": return directions * 3 * option("units") * (channels + option("units") + 2)
        default: return 0
        }
    }
}
