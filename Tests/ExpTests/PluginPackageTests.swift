import EmotionCorpus
import Foundation
import NeuralNet
import Testing

/// `Examples/CustomLayerPlugin` as an outside package would use exp: `swift build` it against this checkout, run
/// its own tests (the layer's gradient check, the feature's properties), then drive its `exp` binary on a spec that
/// names the plugin's `squeeze_excitation` layer and `spectral_shape` features.
@Suite(.timeLimit(.minutes(40))) struct PluginPackageTests {
    /// The example package, found from this file's place in the repository.
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/CustomLayerPlugin")

    /// Runs `swift arguments` on the example package; returns the exit status and the combined output.
    static func swift(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift"] + arguments + ["--package-path", package.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func thePluginPackageBuildsPassesItsTestsAndTrainsWithItsComponents() throws {
        // Builds into the example's own .build (ignored by git), so a rerun is incremental; SwiftPM's lock on it
        // serialises concurrent test processes. Dependencies resolve the same way as the root package's.
        let build = try Self.swift(["build", "--build-tests"])
        try #require(build.status == 0, "swift build failed:\n\(build.output.suffix(4000))")
        let tests = try Self.swift(["test", "--skip-build"])
        #expect(tests.status == 0, "plugin tests failed:\n\(tests.output.suffix(4000))")
        #expect(tests.output.contains("backwardMatchesCentralDifferences"), "\(tests.output.suffix(2000))")
        let binPath = try Self.swift(["build", "--show-bin-path"])
        try #require(binPath.status == 0)
        let binary = URL(fileURLWithPath: binPath.output.trimmingCharacters(in: .whitespacesAndNewlines))
            .appendingPathComponent("exp-plugin")

        let root = FileManager.default.temporaryDirectory.appendingPathComponent("exp-plugin-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try DemoCorpus.write(to: root.appendingPathComponent("corpus").path,
                                 configuration: .init(actorCount: 4, seed: 5, sampleRate: 8000))

        let layers = try RunCommandTests.exp(["components", "layer"], in: root, binary: binary)
        #expect(layers.status == 0)
        #expect(layers.output.contains("  squeeze_excitation: Channel gates from the mean over time, [T, C] → [T, C] (plugin)\n    reduction  int > 0  default 4"),
                "\(layers.output)")
        #expect(layers.output.contains("  lstm: "), "the built-in layers are still registered")
        let features = try RunCommandTests.exp(["components", "feature"], in: root, binary: binary)
        #expect(features.output.contains("  spectral_shape: Log-mel + spectral centroid, bandwidth, flatness"), "\(features.output)")

        let spec = root.appendingPathComponent("plugin.yaml")
        try """
            name: plugin
            seed: 1
            data: {corpus: ravdess, root: corpus, sample_rate: 8000, duration: 0.5, normalize: peak}
            features: {type: spectral_shape, n_fft: 256, hop_length: 128, n_mels: 12}
            model:
              layers:
                - {type: conv1d, filters: 6, kernel_size: 3, activation: relu}
                - {type: squeeze_excitation, reduction: 2}
                - global_average_pooling1d
                - {type: dense, units: classes, activation: softmax}
            optimizer: {type: adam, learning_rate: 0.01}
            training: {epochs: 2, batch_size: 32}
            split: {type: speaker_holdout, test_speakers: ["04"], validation_speakers: ["03"]}

            """.write(to: spec, atomically: true, encoding: .utf8)
        let validated = try RunCommandTests.exp(["validate", spec.path], in: root, binary: binary)
        #expect(validated.status == 0, "\(validated.error)")
        #expect(validated.output.contains("SqueezeExcitation"), "\(validated.output)")

        // The plugin's options are validated like a built-in's.
        let bad = root.appendingPathComponent("bad.yaml")
        try String(contentsOf: spec, encoding: .utf8).replacingOccurrences(of: "reduction: 2", with: "reduktion: 2")
            .write(to: bad, atomically: true, encoding: .utf8)
        let rejected = try RunCommandTests.exp(["validate", bad.path], in: root, binary: binary)
        #expect(rejected.status != 0)
        #expect(rejected.error.contains("bad.yaml:8:34: model.layers[1].reduktion: unknown key 'reduktion' for layer type 'squeeze_excitation'. Valid keys: reduction, type. Did you mean 'reduction'?"),
                "\(rejected.error)")

        let run = try RunCommandTests.exp(["run", spec.path, "--runs-dir", "runs", "--threads", "1", "--quiet"], in: root, binary: binary)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error.contains("completed after 2 epochs"), "\(run.error)")
        let runs = root.appendingPathComponent("runs/plugin")
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
        let checkpoint = try Checkpoint.read(runs.appendingPathComponent("\(id)/checkpoints/best.safetensors"))
        // Checkpoint names count built layers: the conv1d's relu is layer 1, so the block is layer 2.
        #expect(Set(checkpoint.tensors.keys).isSuperset(of: ["2.fc1.weight", "2.fc1.bias", "2.fc2.weight", "2.fc2.bias"]),
                "\(checkpoint.tensors.keys.sorted())")
        #expect(checkpoint.tensors["2.fc1.weight"]?.shape == [3, 6])
        let resolved = try String(contentsOf: runs.appendingPathComponent("\(id)/spec.yaml"), encoding: .utf8)
        #expect(resolved.contains("spectral_shape") && resolved.contains("squeeze_excitation"))
    }
}
