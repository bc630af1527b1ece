import ExperimentKit
import NeuralNet
import Testing

/// What a plugin package writes: a layer of its own, its spec options, and one registration.
private final class Scale: Layer {
    let factor: Float
    init(factor: Float) { self.factor = factor }
    var parameters: [Parameter] { [] }
    func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    func forward(_ input: Tensor, mode: Mode) -> Tensor {
        Tensor(shape: input.shape, storage: input.storage.map { $0 * factor })
    }
    func backward(_ outputGradient: Tensor) -> Tensor {
        Tensor(shape: outputGradient.shape, storage: outputGradient.storage.map { $0 * factor })
    }
}

private struct ScaleOptions: ComponentConfiguration, Validatable {
    var factor = 2.0
    enum CodingKeys: String, CodingKey, CaseIterable { case factor }
    static var options: [OptionInfo] { [.optional("factor", "float != 0", "Multiplier")] }
    init(from decoder: any Decoder) throws {
        factor = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Double.self, forKey: .factor) ?? factor
    }
    func validate() -> [ValueIssue] {
        factor == 0 ? [ValueIssue(key: "factor", message: "factor must be != 0. Received: factor=0.0")] : []
    }
}

@Suite struct PluginTests {
    private var extended: Registries {
        var registries = Registries.builtins
        registries.layers.register("scale", Registration(ScaleOptions.self, "Multiply by a constant (plugin)") { config, _ in
            [Scale(factor: Float(config.factor))]
        })
        return registries
    }

    @Test func aPluginLayerIsValidatedListedAndBuiltLikeABuiltin() throws {
        let files = try SpecFiles()
        let path = try files.write("plugin.yaml", """
            name: plugin
            data: {root: data/ravdess}
            model:
              layers:
                - {type: scale, factor: 3}
                - global_average_pooling1d
                - {type: dense, units: classes}
            """)
        let registries = extended
        let spec = try RegistryScope.$current.withValue(registries) {
            try ExperimentSpec.load(file: path, registries: RegistryScope.current, classCount: 4)
        }
        #expect(spec.resolved.model.layers[0] == ResolvedComponent(type: "scale", options: ["factor": .int(3)]))
        let model = try spec.buildModel(registries: registries, inputShape: [5, 2], seed: 3)
        #expect(model.outputShapes == [[5, 2], [2], [4]])
        let scaled = model.layers[0].forward(Tensor(shape: [1, 5, 2], repeating: 1), mode: .inference)
        #expect(scaled.storage == Array(repeating: 3, count: 10))
        #expect(CatalogListing.render(registries, kinds: [.layer]).contains("  scale: Multiply by a constant (plugin)\n    factor  float != 0  default 2  Multiplier"))
    }

    @Test func pluginOptionsAreAsStrictAsBuiltins() throws {
        let messages = specMessages {
            _ = try ExperimentSpec(tree: node("data: {root: x}\nmodel: {layers: [{type: scale, factr: 0}, {type: scale, factor: 0}]}\n"),
                                   file: "t.yaml", registries: extended, classCount: 4)
        }
        #expect(messages == [
            "t.yaml:2:32: model.layers[0].factr: unknown key 'factr' for layer type 'scale'. Valid keys: factor, type. Did you mean 'factor'?",
            "t.yaml:2:65: model.layers[1].factor: factor must be != 0. Received: factor=0.0",
        ])
        let unknown = specMessages {
            _ = try ExperimentSpec(tree: node("data: {root: x}\nmodel: {layers: [{type: scal}]}\n"), file: "t.yaml",
                                   registries: .builtins, classCount: 4)
        }
        #expect(unknown.count == 1 && unknown[0].hasPrefix("t.yaml:2:25: model.layers[0].type: unknown layer type 'scal'. Known layer types: avgpool1d,"))
    }
}
