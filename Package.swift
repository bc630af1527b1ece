// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "exp",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "exp", targets: ["exp"]),
        .library(name: "AudioFeatures", targets: ["AudioFeatures"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "EmotionCorpus", targets: ["EmotionCorpus"]),
        .library(name: "ExperimentKit", targets: ["ExperimentKit"]),
        .library(name: "ExpCommands", targets: ["ExpCommands"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: - C system libraries (module map + one header each; no Swift)
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),

        // MARK: - Library targets
        .target(name: "AudioFeatures", dependencies: ["CSndFile", "CFFTW", "CSoxr"]),
        .target(name: "NeuralNet", dependencies: ["CBLAS"]),
        .target(
            name: "EmotionCorpus",
            dependencies: [
                "AudioFeatures",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "ExperimentKit",
            dependencies: [
                "AudioFeatures", "NeuralNet", "EmotionCorpus",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "ExpCommands",
            dependencies: [
                "AudioFeatures",
                "EmotionCorpus",
                "ExperimentKit",
                "NeuralNet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "exp", dependencies: ["ExpCommands"]),

        // MARK: - Tests
        .target(name: "TestSupport", dependencies: ["NeuralNet"], path: "Sources/TestSupport"),
        .testTarget(name: "AudioFeaturesTests", dependencies: ["AudioFeatures", "TestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TestSupport"]),
        .testTarget(
            name: "EmotionCorpusTests",
            dependencies: [
                "EmotionCorpus",
                "TestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(name: "ExperimentKitTests", dependencies: ["ExperimentKit", "TestSupport"]),
        .testTarget(
            name: "ExpTests",
            dependencies: ["exp", "ExpCommands", "ExperimentKit", "EmotionCorpus", "NeuralNet", "TestSupport"]
        ),
        .testTarget(name: "FaultTests", dependencies: ["exp", "ExperimentKit", "EmotionCorpus", "NeuralNet"]),
    ],
    swiftLanguageModes: [.v6]
)
