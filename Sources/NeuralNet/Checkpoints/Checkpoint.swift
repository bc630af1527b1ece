import Foundation

/// Model and optimizer checkpoints in the safetensors format, with PyTorch `state_dict` names and layouts, so that
/// `model.load_state_dict(safetensors.torch.load_file(path))` takes a model file.
///
/// A model file holds every parameter and buffer plus a `__metadata__` string map (layer configurations, class names,
/// feature statistics: whatever the caller passes). The optimizer and schedule go to a second file,
/// `<name>.optimizer.safetensors` (`optimizerURL(for:)`): per-parameter slots named `"<parameter>.<slot>"` (e.g.
/// `"0.weight.exp_avg"`), and metadata `optimizer` (kind), `optimizer.<scalar>` (`step`, `learning_rate`) and, with a
/// scheduler, `schedule` (kind) and `schedule.<counter>`, numbers written in Swift's shortest round-trip form.
public enum Checkpoint {
    /// Writes `tensors` (parameters and buffers) and `metadata` to `url` atomically.
    ///
    /// - Throws: `CheckpointError.io` if the file cannot be written.
    public static func save(_ tensors: [Parameter], metadata: [String: String] = [:], to url: URL) throws {
        var named: [String: Tensor] = [:]
        for tensor in tensors {
            precondition(named[tensor.name] == nil, "Checkpoint.save got two tensors named '\(tensor.name)'")
            named[tensor.name] = tensor.value
        }
        try write(SafetensorsFile(tensors: named, metadata: metadata), to: url)
    }

    /// Writes a model's parameters and buffers with `metadata`.
    ///
    /// - Throws: `CheckpointError.io` if the file cannot be written.
    public static func save(_ model: Sequential, metadata: [String: String] = [:], to url: URL) throws {
        try save(model.parameters + model.buffers, metadata: metadata, to: url)
    }

    /// Reads and validates a safetensors file.
    ///
    /// - Throws: `CheckpointError` naming the file (and the tensor) for any unreadable, truncated or tampered file.
    public static func read(_ url: URL) throws -> SafetensorsFile {
        // A FIFO or a device (e.g. a planted link to /dev/zero) would block or never end; only files are read.
        var info = stat()
        if stat(url.path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw CheckpointError.io(file: url.path, reason: "cannot read the checkpoint (not a regular file)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CheckpointError.io(file: url.path, reason: "cannot read the checkpoint (\(error.localizedDescription))")
        }
        return try SafetensorsFile.decode(data, file: url.path)
    }

    /// Loads `url` into `tensors`, which must match the file's names and shapes exactly, and returns its metadata.
    ///
    /// Nothing is assigned unless every tensor matches.
    /// - Throws: `CheckpointError` for an invalid file, or a missing, unexpected or differently shaped tensor.
    @discardableResult
    public static func load(into tensors: [Parameter], from url: URL) throws -> [String: String] {
        let file = try read(url)
        try match(file.tensors, to: tensors, file: url.path)
        for tensor in tensors { tensor.value = file.tensors[tensor.name] ?? tensor.value }
        return file.metadata
    }

    /// Loads a model's parameters and buffers from `url` and returns the file's metadata.
    ///
    /// - Throws: `CheckpointError` as `load(into:from:)`.
    @discardableResult
    public static func load(into model: Sequential, from url: URL) throws -> [String: String] {
        try load(into: model.parameters + model.buffers, from: url)
    }

    /// `<directory>/<name>.optimizer.safetensors` for a model file `<directory>/<name>.safetensors`.
    public static func optimizerURL(for modelURL: URL) -> URL {
        let base = modelURL.pathExtension == "safetensors" ? modelURL.deletingPathExtension() : modelURL
        return base.appendingPathExtension("optimizer.safetensors")
    }

    /// Writes `optimizer`'s state for `parameters`, `scheduler`'s counters (if given) and the caller's `metadata`
    /// (e.g. the epoch, a data-order or dropout generator state) to `url` atomically.
    ///
    /// - Throws: `CheckpointError.io` if the file cannot be written.
    public static func saveOptimizer(_ optimizer: any Optimizer, scheduler: LearningRateScheduler? = nil,
                                     parameters: [Parameter], metadata extra: [String: String] = [:], to url: URL) throws {
        precondition(!extra.keys.contains { $0.hasPrefix("optimizer") || $0.hasPrefix("schedule") },
                     "metadata keys starting with 'optimizer' or 'schedule' are reserved, got \(extra.keys.sorted())")
        let state = optimizer.state(for: parameters)
        var metadata = extra
        metadata["optimizer"] = state.kind
        for (key, value) in state.scalars { metadata["optimizer.\(key)"] = "\(value)" }
        if let scheduler {
            metadata["schedule"] = scheduler.schedule.kind
            for (key, value) in scheduler.state { metadata["schedule.\(key)"] = "\(value)" }
        }
        try write(SafetensorsFile(tensors: state.tensors, metadata: metadata), to: url)
    }

    /// Restores `optimizer` (and `scheduler`) from a file written by `saveOptimizer` and returns its metadata.
    ///
    /// - Throws: `CheckpointError` for an invalid file, a different optimizer or schedule kind, a missing counter,
    ///   or a slot that is missing, unexpected or differently shaped.
    @discardableResult
    public static func loadOptimizer(into optimizer: any Optimizer, scheduler: LearningRateScheduler? = nil,
                                     parameters: [Parameter], from url: URL) throws -> [String: String] {
        let file = try read(url)
        let path = url.path
        let kind = try value("optimizer", in: file.metadata, file: path)
        var scalars: [String: Double] = [:], scheduleState: [String: Double] = [:]
        for (key, text) in file.metadata {
            for (prefix, isOptimizer) in [("optimizer.", true), ("schedule.", false)] where key.hasPrefix(prefix) {
                let name = String(key.dropFirst(prefix.count))
                guard let number = Double(text) else {
                    throw CheckpointError.metadataMismatch(file: path, key: key, expected: "a number", found: text)
                }
                // Counters become `Int`s on restore: infinity, NaN or a huge value would trap there. Other scalars
                // (a plateau schedule's `best`) may legitimately be infinite.
                if Self.counters.contains(name), !(number.isFinite && number >= 0 && number < 0x1p53) {
                    throw CheckpointError.metadataMismatch(file: path, key: key,
                                                           expected: "a whole count from 0 to 2^53", found: text)
                }
                if isOptimizer { scalars[name] = number } else { scheduleState[name] = number }
            }
        }
        do {
            try optimizer.restore(OptimizerState(kind: kind, scalars: scalars, tensors: file.tensors), for: parameters)
            if let scheduler {
                let scheduleKind = try value("schedule", in: file.metadata, file: path)
                guard scheduleKind == scheduler.schedule.kind else {
                    throw CheckpointError.metadataMismatch(file: path, key: "schedule", expected: scheduler.schedule.kind,
                                                           found: scheduleKind)
                }
                try scheduler.restore(scheduleState)
            }
        } catch let error as CheckpointError {
            throw error.naming(file: path)
        }
        return file.metadata
    }

    /// The optimizer and schedule scalars that are restored as `Int` counters.
    static let counters: Set<String> = ["step", "bad_epochs", "cooldown_counter"]

    private static func value(_ key: String, in metadata: [String: String], file: String) throws -> String {
        guard let value = metadata[key] else { throw CheckpointError.missingMetadata(file: file, key: key) }
        return value
    }

    private static func match(_ stored: [String: Tensor], to tensors: [Parameter], file: String) throws {
        let expected = Set(tensors.map(\.name))
        for tensor in tensors.sorted(by: { $0.name < $1.name }) {
            guard let found = stored[tensor.name] else { throw CheckpointError.missingTensor(file: file, tensor: tensor.name) }
            guard found.shape == tensor.value.shape else {
                throw CheckpointError.shapeMismatch(file: file, tensor: tensor.name, expected: tensor.value.shape,
                                                    found: found.shape)
            }
        }
        if let extra = stored.keys.filter({ !expected.contains($0) }).sorted().first {
            throw CheckpointError.unexpectedTensor(file: file, tensor: extra)
        }
    }

    /// Writes to a temporary file in the same directory, then renames it over `url` (Foundation's `.atomic`).
    private static func write(_ file: SafetensorsFile, to url: URL) throws {
        do {
            try file.encoded().write(to: url, options: .atomic)
        } catch {
            throw CheckpointError.io(file: url.path, reason: "cannot write the checkpoint (\(error.localizedDescription))")
        }
    }
}

extension CheckpointError {
    /// The same error naming `file` instead of an in-memory source such as "optimizer state".
    func naming(file: String) -> CheckpointError {
        switch self {
        case let .missingTensor(_, tensor): .missingTensor(file: file, tensor: tensor)
        case let .unexpectedTensor(_, tensor): .unexpectedTensor(file: file, tensor: tensor)
        case let .shapeMismatch(_, tensor, expected, found): .shapeMismatch(file: file, tensor: tensor, expected: expected, found: found)
        case let .missingMetadata(_, key): .missingMetadata(file: file, key: key)
        case let .metadataMismatch(_, key, expected, found): .metadataMismatch(file: file, key: key, expected: expected, found: found)
        default: self
        }
    }
}
