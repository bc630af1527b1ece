import Foundation
import NeuralNet
import Testing
import TestSupport

/// Safetensors checkpoints: round trips, byte-identity with the reference writer (`Data/train/interop.safetensors`,
/// written by `safetensors.torch.save_file` in `Tests/Reference/make_train_reference.py`, which also loads it into a
/// PyTorch module with `load_state_dict(strict=True)`), and every kind of corrupt or mismatched file.
@Suite struct CheckpointTests {
    /// The generator's `InteropModel`: Conv1d(6→4, k3) · ReLU · LSTM(4→3) · Linear(3→2).
    static func interopModel() throws -> Sequential {
        try Sequential([Conv1D(inputChannels: 6, outputChannels: 4, kernelSize: 3), ReLU(),
                        LSTM(inputSize: 4, hiddenSize: 3), Dense(inputSize: 3, outputSize: 2)], inputShape: [9, 6])
    }

    /// PyTorch's `named_parameters` order, which numbers the formula weights.
    static let torchOrder = ["0.weight", "0.bias", "2.weight_ih_l0", "2.weight_hh_l0", "2.bias_ih_l0", "2.bias_hh_l0",
                             "3.weight", "3.bias"]

    static func assignInteropWeights(_ model: Sequential) {
        for parameter in model.parameters {
            let index = torchOrder.firstIndex(of: parameter.name) ?? -1
            parameter.value = formulaWeights(shape: parameter.value.shape, tensorIndex: index)
        }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("exp-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writesTheReferenceWritersBytes() throws {
        let model = try Self.interopModel()
        #expect(Set(model.parameters.map(\.name)) == Set(Self.torchOrder))
        Self.assignInteropWeights(model)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        try Checkpoint.save(model, metadata: ["classes": "neutral,calm"], to: url)
        let ours = try Data(contentsOf: url)
        let reference = try Data(contentsOf: ReferenceData.url("train/interop.safetensors"))
        #expect(ours == reference, "our file differs from safetensors.torch.save_file's (\(ours.count) vs \(reference.count) bytes)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
    }

    @Test func loadsTheReferenceFile() throws {
        let model = try Self.interopModel()
        let metadata = try Checkpoint.load(into: model, from: ReferenceData.url("train/interop.safetensors"))
        #expect(metadata == ["classes": "neutral,calm"])
        for parameter in model.parameters {
            let index = try #require(Self.torchOrder.firstIndex(of: parameter.name))
            #expect(parameter.value == formulaWeights(shape: parameter.value.shape, tensorIndex: index), "\(parameter.name)")
        }
    }

    @Test func roundTripsParametersBuffersAndMetadata() throws {
        let make = {
            try Sequential([Dense(inputSize: 5, outputSize: 3), BatchNorm(featureCount: 3), ReLU(),
                            Dense(inputSize: 3, outputSize: 2)], inputShape: [5])
        }
        let model = try make()
        model.resetParameters(seed: 7)
        _ = model.forward(Tensor(shape: [4, 5], storage: (0..<20).map { Float($0) * 0.1 }), mode: .training)
        let metadata = ["layers": "[{\"type\":\"dense\"}]", "quote\"and\\slash": "tab\there\nnewline é"]
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("run.safetensors")
        try Checkpoint.save(model, metadata: metadata, to: url)
        let restored = try make()
        restored.resetParameters(seed: 99)
        #expect(try Checkpoint.load(into: restored, from: url) == metadata)
        #expect(restored.buffers.count == 3)
        for (a, b) in zip(restored.parameters + restored.buffers, model.parameters + model.buffers) {
            #expect(a.name == b.name && a.value == b.value, "\(a.name)")
        }
    }

    @Test func optimizerAndScheduleStateRoundTrip() throws {
        let model = try Self.interopModel()
        Self.assignInteropWeights(model)
        for parameter in model.parameters { parameter.gradient = parameter.value }
        let optimizer = Adam(learningRate: 0.01)
        let scheduler = LearningRateScheduler(.reduceOnPlateau(.init(patience: 1)), baseLearningRate: 0.01)
        for metric in [1.0, 1.0, 1.0] { optimizer.step(model.parameters); scheduler.step(metric: metric) }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = Checkpoint.optimizerURL(for: directory.appendingPathComponent("run.safetensors"))
        #expect(url.lastPathComponent == "run.optimizer.safetensors")
        try Checkpoint.saveOptimizer(optimizer, scheduler: scheduler, parameters: model.parameters,
                                     metadata: ["epoch": "3"], to: url)

        let restoredOptimizer = Adam(learningRate: 1)
        let restoredScheduler = LearningRateScheduler(.reduceOnPlateau(.init(patience: 1)), baseLearningRate: 0.01)
        let metadata = try Checkpoint.loadOptimizer(into: restoredOptimizer, scheduler: restoredScheduler,
                                                    parameters: model.parameters, from: url)
        #expect(metadata["epoch"] == "3" && metadata["optimizer"] == "adam" && metadata["schedule"] == "reduce_on_plateau")
        #expect(restoredOptimizer.state(for: model.parameters) == optimizer.state(for: model.parameters))
        #expect(restoredOptimizer.stepCount == 3)
        #expect(restoredScheduler.state == scheduler.state)
        #expect(try Checkpoint.read(url).tensors.keys.contains("2.weight_hh_l0.exp_avg_sq"))

        let error = #expect(throws: CheckpointError.self) {
            try Checkpoint.loadOptimizer(into: SGD(learningRate: 0.1), parameters: model.parameters, from: url)
        }
        #expect(error?.description == "\(url.path): metadata 'optimizer' is 'adam', expected 'sgd'")
    }

    // MARK: - Corrupt and mismatched files

    /// A file with `header` (padded like the reference writer) followed by `dataSize` bytes.
    static func file(header: String, dataSize: Int) -> Data {
        var headerBytes = Data(header.utf8)
        headerBytes.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8))
        var data = Data((0..<8).map { UInt8(truncatingIfNeeded: UInt64(headerBytes.count) >> (8 * UInt64($0))) })
        data.append(headerBytes)
        data.append(Data(count: dataSize))
        return data
    }

    static func entry(_ name: String, _ dtype: String = "F32", shape: [Int], _ begin: Int, _ end: Int) -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
    }

    struct CorruptCase: CustomTestStringConvertible, Sendable {
        let id: String
        let data: @Sendable () -> Data
        let message: String
        var testDescription: String { id }
    }

    static let corruptCases: [CorruptCase] = [
        CorruptCase(id: "truncated", data: { Data([1, 0, 0, 0, 0]) },
                    message: "F: truncated safetensors file: 5 bytes, expected at least 8 (the header length)"),
        CorruptCase(id: "header length past the end", data: {
            var data = file(header: "{" + entry("a", shape: [2], 0, 8) + "}", dataSize: 8)
            data[0] = UInt8(data.count)
            return data
        }, message: "F: safetensors header length 72 is invalid for a file of 72 bytes (must be at most 100000000 and at most the file size − 8)"),
        CorruptCase(id: "absurd header length", data: { Data([0, 0, 0, 0, 0, 1, 0, 0]) + Data(count: 64) },
                    message: "F: safetensors header length 1099511627776 is invalid for a file of 72 bytes (must be at most 100000000 and at most the file size − 8)"),
        CorruptCase(id: "not JSON", data: { file(header: "{\"a\":", dataSize: 0) },
                    message: "F: invalid safetensors header: not valid JSON"),
        CorruptCase(id: "entry without offsets", data: { file(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", dataSize: 4) },
                    message: "F: tensor 'a': invalid header entry: data_offsets must be [begin, end], two non-negative integers, got nothing"),
        CorruptCase(id: "overlapping offsets", data: {
            file(header: "{" + entry("a", shape: [2], 0, 8) + "," + entry("b", shape: [2], 4, 12) + "}", dataSize: 12)
        }, message: "F: tensor 'b' overlaps tensor 'a'"),
        CorruptCase(id: "offsets out of range", data: { file(header: "{" + entry("a", shape: [4], 0, 16) + "}", dataSize: 8) },
                    message: "F: tensor 'a' has data_offsets [0, 16] outside the data section of 8 bytes"),
        CorruptCase(id: "wrong dtype", data: { file(header: "{" + entry("a", "F16", shape: [4], 0, 8) + "}", dataSize: 8) },
                    message: "F: tensor 'a' has dtype F16; only F32 is supported"),
        CorruptCase(id: "shape disagrees with offsets", data: { file(header: "{" + entry("a", shape: [3], 0, 8) + "}", dataSize: 8) },
                    message: "F: tensor 'a' of shape [3] needs 12 bytes, its offsets span 8"),
        CorruptCase(id: "uncovered bytes", data: { file(header: "{" + entry("a", shape: [1], 0, 4) + "}", dataSize: 8) },
                    message: "F: data section of 8 bytes has bytes at offset 4 that no tensor covers"),
    ]

    @Test(arguments: corruptCases)
    func rejectsCorruptFile(_ corrupt: CorruptCase) {
        let error = #expect(throws: CheckpointError.self) { try SafetensorsFile.decode(corrupt.data(), file: "F") }
        #expect(error?.description == corrupt.message)
    }

    @Test func rejectsTheWrongModel() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("small.safetensors")
        try Checkpoint.save(try Sequential([Dense(inputSize: 3, outputSize: 2)], inputShape: [3]), to: url)
        let path = url.path

        let wider = try Sequential([Dense(inputSize: 4, outputSize: 2)], inputShape: [4])
        let shape = #expect(throws: CheckpointError.self) { try Checkpoint.load(into: wider, from: url) }
        #expect(shape?.description == "\(path): tensor '0.weight' has shape [2, 3], expected [2, 4]")

        let deeper = try Sequential([Dense(inputSize: 3, outputSize: 2), Dense(inputSize: 2, outputSize: 2)], inputShape: [3])
        let missing = #expect(throws: CheckpointError.self) { try Checkpoint.load(into: deeper, from: url) }
        #expect(missing?.description == "\(path): missing tensor '1.bias'")

        let extra = #expect(throws: CheckpointError.self) {
            try Checkpoint.load(into: [Parameter(name: "0.weight", value: Tensor(shape: [2, 3]))], from: url)
        }
        #expect(extra?.description == "\(path): unexpected tensor '0.bias' (not in the model)")

        let absent = directory.appendingPathComponent("absent.safetensors")
        let unreadable = #expect(throws: CheckpointError.self) { try Checkpoint.load(into: wider, from: absent) }
        #expect(unreadable?.description.hasPrefix("\(absent.path): cannot read the checkpoint") == true)
    }
}
