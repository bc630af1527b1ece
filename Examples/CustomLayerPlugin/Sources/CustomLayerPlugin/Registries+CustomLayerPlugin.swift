import ExperimentKit

extension Registries {
    /// The built-in registries plus this plugin's `squeeze_excitation` layer and `spectral_shape` features.
    public static var withCustomLayerPlugin: Registries {
        var registries = Registries.builtins
        registries.layers.register("squeeze_excitation", SqueezeExcitation.registration)
        registries.features.register("spectral_shape", SpectralShape.registration)
        return registries
    }
}
