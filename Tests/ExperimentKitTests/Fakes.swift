import ExperimentKit
import Foundation

/// A stand-in for a network layer: records what it was built from so tests can check the factory path.
final class FakeLayer {
    let name: String
    let inputShape: [Int]
    let outputShape: [Int]

    init(name: String, inputShape: [Int], outputShape: [Int]) {
        self.name = name
        self.inputShape = inputShape
        self.outputShape = outputShape
    }
}

struct FakeDense: ComponentConfiguration, Equatable, Validatable {
    var units: Int
    var activation: String = "linear"

    enum CodingKeys: String, CodingKey, CaseIterable { case units, activation }

    static let activations = ["linear", "relu", "softmax", "tanh"]
    static var options: [OptionInfo] {
        [.required("units", "int > 0", example: "1", "Output features"),
         .optional("activation", "string", "Applied after the affine map", choices: activations)]
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        units = try c.decode(Int.self, forKey: .units)
        activation = try c.decodeIfPresent(String.self, forKey: .activation) ?? activation
    }

    func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(units, 0, key: CodingKeys.units),
         ValueIssue.oneOf(activation, Self.activations, key: CodingKeys.activation)].compactMap { $0 }
    }
}

struct FakeConv: ComponentConfiguration, Equatable, Validatable {
    var filters: Int
    var kernelSize: Int = 3
    var activation: String = "linear"

    enum CodingKeys: String, CodingKey, CaseIterable { case filters, kernelSize = "kernel_size", activation }

    static var options: [OptionInfo] {
        [.required("filters", "int > 0", example: "8", "Output channels"),
         .optional("kernel_size", "int > 0", "Filter width in frames"),
         .optional("activation", "string", "Applied after the convolution", choices: FakeDense.activations)]
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        filters = try c.decode(Int.self, forKey: .filters)
        kernelSize = try c.decodeIfPresent(Int.self, forKey: .kernelSize) ?? kernelSize
        activation = try c.decodeIfPresent(String.self, forKey: .activation) ?? activation
    }

    func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(filters, 0, key: CodingKeys.filters),
         ValueIssue.greaterThan(kernelSize, 0, key: CodingKeys.kernelSize)].compactMap { $0 }
    }
}

struct FakePool: ComponentConfiguration, Equatable {
    var poolSize: Int = 2
    enum CodingKeys: String, CodingKey, CaseIterable { case poolSize = "pool_size" }
    static var options: [OptionInfo] { [.optional("pool_size", "int > 0", "Window and stride in frames")] }
    init(from decoder: any Decoder) throws {
        poolSize = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Int.self, forKey: .poolSize) ?? poolSize
    }
}

struct FakeLSTM: ComponentConfiguration, Equatable {
    var units: Int
    var returnSequences: Bool = false
    enum CodingKeys: String, CodingKey, CaseIterable { case units, returnSequences = "return_sequences" }
    static var options: [OptionInfo] {
        [.required("units", "int > 0", example: "4", "Hidden size"),
         .optional("return_sequences", "bool", "Emit every step instead of the last")]
    }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        units = try c.decode(Int.self, forKey: .units)
        returnSequences = try c.decodeIfPresent(Bool.self, forKey: .returnSequences) ?? returnSequences
    }
}

struct FakeDropout: ComponentConfiguration, Equatable, Validatable {
    var rate: Double = 0.5
    enum CodingKeys: String, CodingKey, CaseIterable { case rate }
    static var options: [OptionInfo] { [.optional("rate", "float in [0, 1)", "Fraction of inputs zeroed in training")] }
    init(from decoder: any Decoder) throws {
        rate = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Double.self, forKey: .rate) ?? rate
    }
    func validate() -> [ValueIssue] { [ValueIssue.inHalfOpen(rate, 0..<1, key: CodingKeys.rate)].compactMap { $0 } }
}

enum FakeMelScale: String, Codable, CaseIterable { case htk, slaney }

struct FakeMFCC: ComponentConfiguration, Equatable {
    var coefficientCount: Int = 40
    var fftSize: Int = 512
    var melScale: FakeMelScale = .slaney
    enum CodingKeys: String, CodingKey, CaseIterable { case coefficientCount = "n_mfcc", fftSize = "n_fft", melScale = "mel_scale" }
    static var options: [OptionInfo] {
        [.optional("n_mfcc", "int > 0", "Coefficients per frame"),
         .optional("n_fft", "int > 0", "FFT size in samples"),
         .optional("mel_scale", "htk | slaney", "Mel formula", choices: FakeMelScale.allCases.map(\.rawValue))]
    }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        coefficientCount = try c.decodeIfPresent(Int.self, forKey: .coefficientCount) ?? coefficientCount
        fftSize = try c.decodeIfPresent(Int.self, forKey: .fftSize) ?? fftSize
        melScale = try c.decodeIfPresent(FakeMelScale.self, forKey: .melScale) ?? melScale
    }
}

struct FakeAdam: ComponentConfiguration, Equatable, Validatable {
    var learningRate: Double = 0.001
    var beta1: Double = 0.9
    enum CodingKeys: String, CodingKey, CaseIterable { case learningRate = "learning_rate", beta1 }
    static var options: [OptionInfo] {
        [.optional("learning_rate", "float > 0", "Step size"), .optional("beta1", "float in [0, 1)", "First-moment decay")]
    }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
        beta1 = try c.decodeIfPresent(Double.self, forKey: .beta1) ?? beta1
    }
    func validate() -> [ValueIssue] {
        [ValueIssue.greaterThan(learningRate, 0, key: CodingKeys.learningRate),
         ValueIssue.inHalfOpen(beta1, 0..<1, key: CodingKeys.beta1)].compactMap { $0 }
    }
}

struct FakeCorpus: ComponentConfiguration, Equatable {
    var root: String = "data/ravdess"
    enum CodingKeys: String, CodingKey, CaseIterable { case root }
    static var options: [OptionInfo] { [.optional("root", "path", "Corpus directory")] }
    init(from decoder: any Decoder) throws {
        root = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .root) ?? root
    }
}

struct FakeSplit: ComponentConfiguration, Equatable {
    var testSpeakers: [Int] = [23, 24]
    enum CodingKeys: String, CodingKey, CaseIterable { case testSpeakers = "test_speakers" }
    static var options: [OptionInfo] { [.optional("test_speakers", "list of int", "Speakers held out for test")] }
    init(from decoder: any Decoder) throws {
        testSpeakers = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([Int].self, forKey: .testSpeakers) ?? testSpeakers
    }
}

/// Registries holding fakes under the names the default spec uses, so full specs validate in tests.
enum Fakes {
    static func layerRegistry() -> Registry<FakeLayer, [Int]> {
        Registry(kind: .layer, [
            "dense": Registration(FakeDense.self, "Fully connected") { config, shape in
                FakeLayer(name: "dense", inputShape: shape, outputShape: [config.units]) },
            "conv1d": Registration(FakeConv.self, "Convolution over time") { config, shape in
                FakeLayer(name: "conv1d", inputShape: shape, outputShape: [shape[0] - config.kernelSize + 1, config.filters]) },
            "maxpool1d": Registration(FakePool.self, "Max pooling over time") { config, shape in
                FakeLayer(name: "maxpool1d", inputShape: shape, outputShape: [shape[0] / config.poolSize, shape[1]]) },
            "lstm": Registration(FakeLSTM.self, "Long short-term memory") { config, shape in
                FakeLayer(name: "lstm", inputShape: shape, outputShape: [config.units]) },
            "dropout": Registration(FakeDropout.self, "Dropout") { _, shape in
                FakeLayer(name: "dropout", inputShape: shape, outputShape: shape) },
            "relu": Registration(EmptyConfiguration.self, "max(0, x)") { _, shape in
                FakeLayer(name: "relu", inputShape: shape, outputShape: shape) },
        ])
    }

    static var registries: Registries {
        var registries = Registries()
        registries.install(layerRegistry())
        registries.install(Registry<String, Void>(kind: .feature, [
            "mfcc": Registration(FakeMFCC.self, "Mel-frequency cepstral coefficients") { config, _ in "mfcc\(config.coefficientCount)" },
        ]))
        registries.install(Registry<String, Void>(kind: .optimizer, [
            "adam": Registration(FakeAdam.self, "Adam") { config, _ in "adam \(config.learningRate)" },
            "sgd": Registration(EmptyConfiguration.self, "Plain SGD") { _, _ in "sgd" },
        ]))
        registries.install(Registry<String, Void>(kind: .corpus, [
            "ravdess": Registration(FakeCorpus.self, "RAVDESS speech") { config, _ in config.root },
        ]))
        registries.install(Registry<String, Void>(kind: .split, [
            "speaker_holdout": Registration(FakeSplit.self, "Hold out speakers") { _, _ in "split" },
        ]))
        registries.install(Registry<String, Void>(kind: .metric, [
            "accuracy": Registration(EmptyConfiguration.self, "Fraction correct") { _, _ in "accuracy" },
            "uar": Registration(EmptyConfiguration.self, "Unweighted average recall") { _, _ in "uar" },
            "macro_f1": Registration(EmptyConfiguration.self, "Mean F1 over classes") { _, _ in "macro_f1" },
        ]))
        registries.install(Registry<String, Void>(kind: .schedule, [
            "reduce_on_plateau": Registration(FakePool.self, "Reduce on plateau") { _, _ in "plateau" },
        ]))
        registries.install(Registry<String, Void>(kind: .augmentation, [
            "noise": Registration(FakeDropout.self, "Additive noise") { _, _ in "noise" },
        ]))
        return registries
    }
}

/// A temporary directory of spec files, removed when the value is deinitialised.
final class SpecFiles {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("exp-kit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// The messages of the `SpecErrors` (or `SpecError`) thrown by `body`, or `[]` if it did not throw one.
func specMessages(_ body: () throws -> Void) -> [String] {
    do {
        try body()
        return []
    } catch let errors as SpecErrors {
        return errors.errors.map(\.description)
    } catch let error as SpecError {
        return [error.description]
    } catch {
        return ["unexpected error: \(error)"]
    }
}

/// A node parsed from inline YAML, located in `file`.
func node(_ yaml: String, file: String = "t.yaml") throws -> SpecNode {
    try SpecLoader().parse(yaml, file: file)
}
