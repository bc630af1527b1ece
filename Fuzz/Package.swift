// swift-tools-version:6.0
// libFuzzer harnesses for exp's parsers, kept out of the root package so `swift build` / `swift test` there never
// see them. Build only with the fuzzer sanitizer (see `make fuzz` in the root Makefile):
//   swift build --package-path Fuzz --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address
// (one combined list: swift-frontend keeps only the last -sanitize= flag, so `--sanitize` twice drops one).
// Each harness is one file without `main.swift`, so SwiftPM compiles it as a library and libFuzzer supplies `main`.
import PackageDescription

let package = Package(
    name: "ExpFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "exp", path: ".."),
    ],
    targets: [
        // MARK: - Harnesses (one executable per parser)
        .executableTarget(name: "FuzzSpec", dependencies: [.product(name: "ExperimentKit", package: "exp")]),
        .executableTarget(name: "FuzzSafetensors", dependencies: [.product(name: "NeuralNet", package: "exp")]),
        .executableTarget(name: "FuzzWAV", dependencies: [.product(name: "AudioFeatures", package: "exp")]),
        .executableTarget(name: "FuzzManifest", dependencies: [.product(name: "EmotionCorpus", package: "exp")]),
        .executableTarget(name: "FuzzWhere", dependencies: [.product(name: "ExperimentKit", package: "exp")]),
    ],
    swiftLanguageModes: [.v6]
)
