// swift-tools-version:6.0
import PackageDescription

// A plugin for exp: one custom layer and one custom feature extractor, and an `exp-plugin` executable that is
// `exp` with both registered. It depends on the exp package by path, so it builds against this checkout.
let package = Package(
    name: "CustomLayerPlugin",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "exp-plugin", targets: ["ExpWithPlugin"]),
        .library(name: "CustomLayerPlugin", targets: ["CustomLayerPlugin"]),
    ],
    dependencies: [
        .package(name: "exp", path: "../.."),
    ],
    targets: [
        .target(
            name: "CustomLayerPlugin",
            dependencies: [
                .product(name: "AudioFeatures", package: "exp"),
                .product(name: "ExperimentKit", package: "exp"),
                .product(name: "NeuralNet", package: "exp"),
            ]
        ),
        .executableTarget(
            name: "ExpWithPlugin",
            dependencies: ["CustomLayerPlugin", .product(name: "ExpCommands", package: "exp")]
        ),
        .testTarget(name: "CustomLayerPluginTests", dependencies: ["CustomLayerPlugin"]),
    ],
    swiftLanguageModes: [.v6]
)
