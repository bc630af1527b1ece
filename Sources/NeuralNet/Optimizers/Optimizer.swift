/// Updates parameters in place from their accumulated gradients (PyTorch `torch.optim`, MLX `OptimizerBase`).
///
/// Per-parameter state (momentum buffers, moment estimates) is kept internally per parameter object and saved keyed by
/// parameter name, so a run can stop, write its state with `Checkpoint.saveOptimizer`, and resume bit-exactly.
public protocol Optimizer: AnyObject {
    /// The YAML type name (`sgd`, `adam`, `adamw`, `rmsprop`), recorded in saved state.
    var kind: String { get }
    /// The step size `η`; schedules assign it before each step.
    var learningRate: Float { get set }
    /// Applies one update to every parameter from its `gradient` (the gradients are left as they are).
    func step(_ parameters: [Parameter])
    /// Every piece of state needed to resume exactly: scalars and per-parameter tensors named
    /// `"<parameter name>.<slot>"`, e.g. `"0.weight.exp_avg"`.
    func state(for parameters: [Parameter]) -> OptimizerState
    /// Replaces this optimizer's state with `state`, matching tensors to `parameters` by name.
    ///
    /// - Throws: `CheckpointError` if the kind differs, or a slot is missing, unexpected or has the wrong shape.
    func restore(_ state: OptimizerState, for parameters: [Parameter]) throws
}

extension Optimizer {
    /// Clears the gradient of every parameter (once per step, before the backward pass).
    public func zeroGradients(_ parameters: [Parameter]) {
        for parameter in parameters { parameter.zeroGradient() }
    }
}

/// A snapshot of an optimizer: its kind, scalar hyper-parameters and counters, and named per-parameter tensors.
public struct OptimizerState: Sendable, Equatable {
    /// The optimizer's YAML type name.
    public var kind: String
    /// Counters and the current learning rate, e.g. `["step": 12, "learning_rate": 0.001]`.
    public var scalars: [String: Double]
    /// Per-parameter slots named `"<parameter name>.<slot>"`.
    public var tensors: [String: Tensor]

    /// A state with the given parts.
    public init(kind: String, scalars: [String: Double], tensors: [String: Tensor]) {
        self.kind = kind
        self.scalars = scalars
        self.tensors = tensors
    }
}

/// The per-parameter buffers of one optimizer (e.g. Adam's `exp_avg` and `exp_avg_sq`), created lazily as zeros on a
/// parameter's first step and keyed by the parameter's identity.
struct SlotStore {
    /// Slot names in PyTorch's `state_dict` spelling (`momentum_buffer`, `exp_avg`, …).
    let names: [String]
    private(set) var slots: [ObjectIdentifier: [[Float]]] = [:]

    init(names: [String]) { self.names = names }

    /// Whether `parameter` has been stepped before (PyTorch initialises SGD momentum from the first gradient).
    func has(_ parameter: Parameter) -> Bool { slots[ObjectIdentifier(parameter)] != nil }

    /// Runs `body` on the parameter's slots, creating them as zeros first if needed.
    mutating func with<R>(_ parameter: Parameter, _ body: (inout [[Float]]) -> R) -> R {
        let (count, slotCount) = (parameter.value.count, names.count)
        return body(&slots[ObjectIdentifier(parameter), default: Array(repeating: [Float](repeating: 0, count: count), count: slotCount)])
    }

    /// Every existing slot as a tensor named `"<parameter>.<slot>"`.
    func tensors(for parameters: [Parameter]) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for parameter in parameters {
            guard let buffers = slots[ObjectIdentifier(parameter)] else { continue }
            for (name, buffer) in zip(names, buffers) {
                result["\(parameter.name).\(name)"] = Tensor(shape: parameter.value.shape, storage: buffer)
            }
        }
        return result
    }

    /// Replaces every slot from `state`; a parameter with none of its slots saved starts fresh (never stepped).
    mutating func restore(_ state: OptimizerState, kind: String, for parameters: [Parameter]) throws {
        let source = "optimizer state"
        guard state.kind == kind else {
            throw CheckpointError.metadataMismatch(file: source, key: "optimizer", expected: kind, found: state.kind)
        }
        var restored: [ObjectIdentifier: [[Float]]] = [:]
        var used = Set<String>()
        for parameter in parameters {
            let keys = names.map { "\(parameter.name).\($0)" }
            let present = keys.filter { state.tensors[$0] != nil }
            if present.isEmpty { continue }
            var buffers: [[Float]] = []
            for key in keys {
                guard let tensor = state.tensors[key] else { throw CheckpointError.missingTensor(file: source, tensor: key) }
                guard tensor.shape == parameter.value.shape else {
                    throw CheckpointError.shapeMismatch(file: source, tensor: key, expected: parameter.value.shape,
                                                        found: tensor.shape)
                }
                buffers.append(tensor.storage)
                used.insert(key)
            }
            restored[ObjectIdentifier(parameter)] = buffers
        }
        if let extra = Set(state.tensors.keys).subtracting(used).sorted().first {
            throw CheckpointError.unexpectedTensor(file: source, tensor: extra)
        }
        slots = restored
    }
}

extension OptimizerState {
    /// The scalar `key`, or a `CheckpointError` naming it.
    func scalar(_ key: String) throws -> Double {
        guard let value = scalars[key] else { throw CheckpointError.missingMetadata(file: "optimizer state", key: key) }
        return value
    }
}
