import AudioFeatures
import NeuralNet

extension ExperimentSpec {
    /// The model's per-example input shape `[T, C]`: the feature matrix of `data.duration` seconds of audio
    /// (`DataOptions.shapeInferenceSeconds` for whole clips, whose `T` is only known from the corpus).
    ///
    /// - Throws: `SpecErrors` if the feature extractor cannot be built.
    public func inputShape(registries: Registries) throws -> [Int] {
        let extractor = try registries.features.make(features)
        let seconds = resolved.data.options.duration ?? DataOptions.shapeInferenceSeconds
        let samples = Int((seconds * Double(resolved.data.options.sampleRate)).rounded())
        // The frame count depends on padding and centring choices; extracting silence asks the extractor itself.
        let matrix = extractor.extract([Float](repeating: 0, count: samples))
        return [matrix.frameCount, extractor.featureCount]
    }

    /// Builds the network for `inputShape`, checking each spec layer's shape in turn (Keras-style shape inference).
    ///
    /// - Throws: `SpecErrors` naming the first layer that cannot take its input, at that layer's line.
    public func buildModel(registries: Registries, inputShape: [Int], seed: UInt64? = nil) throws -> Sequential {
        let built = try Self.buildLayers(layers, inputShape: inputShape, table: registries.layers, nested: false)
        do {
            return try Sequential(built, inputShape: inputShape, seed: seed)
        } catch let error as ShapeError {
            throw SpecErrors([.invalidValue(tree["model"]?.location ?? Defaults.location, path: "model.layers", message: "\(error)")])
        }
    }

    /// Builds `specs` in order from `inputShape`, checking each layer's output shape; `nested` lists (residual
    /// blocks) never hold the model's last layer.
    static func buildLayers(_ specs: [ComponentSpec], inputShape: [Int], table: Registry<[any Layer], LayerContext>,
                            nested: Bool) throws -> [any Layer] {
        var shape = inputShape
        var built: [any Layer] = []
        for (index, spec) in specs.enumerated() {
            let incoming = shape
            let parameters = SpecLimits.parameterEstimate(spec, input: incoming)
            guard parameters <= Double(SpecLimits.maxLayerParameters) else {
                throw SpecErrors([.invalidValue(spec.typeLocation, path: spec.path, message: "a \(spec.type) layer on input "
                    + "\(incoming) would have about \(Int(parameters)) parameters, above the limit of "
                    + "\(SpecLimits.maxLayerParameters)")])
            }
            do {
                let context = LayerContext(inputShape: incoming, isLast: !nested && index == specs.count - 1, spec: spec) {
                    try buildLayers($0, inputShape: $1, table: table, nested: true)
                }
                let stage = try table.make(spec, context: context)
                for layer in stage { shape = try layer.outputShape(for: shape) }
                let values = shape.reduce(1.0) { $0 * Double($1) }
                guard values <= Double(SpecLimits.maxActivationValues) else {
                    throw SpecErrors([.invalidValue(spec.typeLocation, path: spec.path, message: "outputs \(shape), "
                        + "\(Int(values)) values per clip, above the limit of \(SpecLimits.maxActivationValues)")])
                }
                built += stage
            } catch let error as ShapeError {
                throw SpecErrors([.invalidValue(spec.typeLocation, path: spec.path, message: "\(error)")])
            } catch let error as any OptionError {
                let target = error.optionKey.flatMap { spec.options[$0] }
                throw SpecErrors([.invalidValue(target?.location ?? spec.typeLocation,
                                                path: error.optionKey.map { SpecPath.key(spec.path, $0) } ?? spec.path,
                                                message: error.optionMessage)])
            }
        }
        return built
    }
}
