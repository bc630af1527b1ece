import ExperimentKit
import Testing

@Suite struct RegistryTests {
    @Test func makesComponentsWithTheirContext() throws {
        let layers = Fakes.layerRegistry()
        let spec = try ComponentSpec(node: node("{type: conv1d, filters: 6, kernel_size: 5}"), path: "model.layers[0]", kind: .layer)
        let layer = try layers.make(spec, context: [30, 13])
        #expect(layer.name == "conv1d")
        #expect(layer.inputShape == [30, 13])
        #expect(layer.outputShape == [26, 6])
    }

    @Test func unknownTypeListsKnownTypesAndSuggests() throws {
        let spec = try ComponentSpec(node: node("{type: lstmm, units: 3}"), path: "model.layers[2]", kind: .layer)
        let messages = specMessages { _ = try Fakes.layerRegistry().make(spec, context: [4, 4]) }
        #expect(messages == [
            "t.yaml:1:8: model.layers[2].type: unknown layer type 'lstmm'. Known layer types: conv1d, dense, dropout, lstm, maxpool1d, relu. Did you mean 'lstm'?",
        ])
    }

    @Test func emptyKindSaysNothingIsRegistered() throws {
        let spec = try ComponentSpec(node: node("{type: mfcc}"), path: "features", kind: .feature)
        let messages = specMessages { _ = try Registries().catalog(.feature).resolve(spec) }
        #expect(messages == ["t.yaml:1:8: features.type: unknown feature type 'mfcc'. No feature types are registered."])
    }

    @Test func resolveFillsDefaults() throws {
        let spec = try ComponentSpec(node: node("{type: dense, units: 3}"), path: "model.layers[0]", kind: .layer)
        let resolved = try Fakes.layerRegistry().resolve(spec)
        #expect(resolved == ResolvedComponent(type: "dense", options: ["units": .int(3), "activation": .string("linear")]))
    }

    @Test func defaultsAreDerivedFromTheConfiguration() {
        let dense = Fakes.layerRegistry().entries.first { $0.name == "dense" }
        #expect(dense?.options.map(\.name) == ["units", "activation"])
        #expect(dense?.options.map(\.defaultValue) == [nil, .string("linear")])
        #expect(dense?.options.map(\.isRequired) == [true, false])
        let conv = Fakes.layerRegistry().entries.first { $0.name == "conv1d" }
        #expect(conv?.options.map(\.defaultValue) == [nil, .int(3), .string("linear")])
    }

    /// Listing and validation come from the same `Configuration`: every listed option (at its default, or its
    /// example when required) is accepted, and every accepted key is listed.
    @Test(arguments: ComponentKind.allCases)
    func listingAgreesWithValidation(kind: ComponentKind) throws {
        let catalog = Fakes.registries.catalog(kind)
        #expect(!catalog.entries.isEmpty)
        for entry in catalog.entries {
            let here = SourceLocation(file: "t.yaml", line: 1, column: 1)
            let all = entry.options.map { option in
                SpecNode.Entry(key: option.name, keyLocation: here,
                               value: option.requiredExample.map { .plain($0, at: here) }
                                   ?? (option.defaultValue ?? .null).node(at: here))
            }
            let spec = ComponentSpec(kind: kind, type: entry.name, options: SpecNode(.mapping(all), at: here), path: "x")
            let resolved = try catalog.resolve(spec)
            #expect(Set(resolved.options.keys) == Set(entry.options.map(\.name)), "\(kind) \(entry.name)")
            for option in entry.options where !option.isRequired {
                #expect(resolved.options[option.name] == option.defaultValue, "\(entry.name).\(option.name)")
            }
            // A key that is not listed is rejected.
            let extra = SpecNode(.mapping(all + [SpecNode.Entry(key: "not_an_option", keyLocation: here, value: .plain("1", at: here))]), at: here)
            let rejected = specMessages { _ = try catalog.resolve(ComponentSpec(kind: kind, type: entry.name, options: extra, path: "x")) }
            #expect(rejected.count == 1 && rejected[0].contains("unknown key 'not_an_option'"), "\(rejected)")
        }
    }

    @Test func pluginRegistersIntoACopyOfTheBuiltins() throws {
        var registries = Fakes.registries
        registries.register("gated", Registration(FakeDense.self, "Gated dense (plugin)") { config, shape in
            FakeLayer(name: "gated", inputShape: shape, outputShape: [config.units])
        }, as: .layer)
        let spec = try ComponentSpec(node: node("{type: gated, units: 5}"), path: "model.layers[0]", kind: .layer)
        let layer = try registries.registry(.layer, of: FakeLayer.self, context: [Int].self).make(spec, context: [9, 2])
        #expect(layer.name == "gated" && layer.outputShape == [5])
        #expect(registries.catalog(.layer).entries.map(\.name).contains("gated"))
        // The original value is untouched: registries are values, not global state.
        #expect(!Fakes.registries.catalog(.layer).entries.map(\.name).contains("gated"))
    }

    @Test func pluginCanAddAWholeNewKindTable() throws {
        var registries = Registries()
        registries.register("zcr", Registration<Int, Void>(EmptyConfiguration.self, "Zero-crossing rate") { _, _ in 1 }, as: .feature)
        let table: Registry<Int, Void> = registries.registry(.feature)
        let spec = try ComponentSpec(node: node("zcr"), path: "features", kind: .feature)
        #expect(try table.make(spec) == 1)
        #expect(table.names == ["zcr"])
    }

    @Test func commandsSeeTheRegistriesBoundForTheirTask() throws {
        var extended = Fakes.registries
        extended.register("swish", Registration(EmptyConfiguration.self, "x·sigmoid(x) (plugin)") { _, shape in
            FakeLayer(name: "swish", inputShape: shape, outputShape: shape)
        }, as: .layer)
        let tree = try node("name: p\nmodel: {layers: [{type: dense, units: 3}, swish]}\n")
        let withPlugin = try RegistryScope.$current.withValue(extended) {
            try ExperimentSpec(tree: tree, file: "p.yaml", registries: RegistryScope.current, classCount: 8)
        }
        #expect(withPlugin.resolved.model.layers.map(\.type) == ["dense", "swish"])
        #expect(CatalogListing.render(RegistryScope.$current.withValue(extended) { RegistryScope.current }, kinds: [.layer])
            .contains("  swish: x·sigmoid(x) (plugin)"))
        // Outside the binding the built-in registries are in effect again.
        #expect(RegistryScope.current.catalog(.layer).entries.map(\.name).contains("swish") == false)
    }
}
