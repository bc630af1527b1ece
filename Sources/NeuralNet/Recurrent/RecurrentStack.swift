/// The cell-independent part of the LSTM and GRU layers: one or two directions (forward, then reversed), the output
/// layout (every step `[N, T, D·H]` or the last state `[N, D·H]`, directions concatenated), valid lengths, and the
/// routing of output gradients back to each direction's states. `name` ("LSTM", "GRU") appears in messages.
final class RecurrentStack {
    let name: String
    let inputSize: Int, hiddenSize: Int
    let returnSequences: Bool
    let directions: [RecurrentDirection]
    private var inputShape: [Int]?
    private var lengths: [Int]?

    init(name: String, inputSize: Int, hiddenSize: Int, returnSequences: Bool, bidirectional: Bool,
         makeDirection: (_ reverse: Bool) -> RecurrentDirection) {
        precondition(inputSize > 0 && hiddenSize > 0, "\(name) sizes must be > 0, got \(inputSize)→\(hiddenSize)")
        (self.name, self.inputSize, self.hiddenSize, self.returnSequences) = (name, inputSize, hiddenSize, returnSequences)
        directions = (bidirectional ? [false, true] : [false]).map(makeDirection)
    }

    /// Each direction's four parameters, forward direction first (PyTorch order).
    var parameters: [Parameter] { directions.flatMap(\.parameters) }

    /// Draws every direction's weights and biases, in PyTorch's parameter order.
    func resetParameters(kernel: Initializer, recurrent: Initializer, bias: Initializer, using generator: inout RandomGenerator) {
        let (c, h) = (inputSize, hiddenSize)
        for direction in directions {
            let width = direction.gates * h
            // PyTorch-style uniform uses fan-in H for every tensor, as nn.LSTM and nn.GRU do.
            let torchStyle = { (i: Initializer, fanIn: Int) in i == .torchUniform ? h : fanIn }
            direction.inputWeight.value = kernel.make(shape: [width, c], fanIn: torchStyle(kernel, c), fanOut: width, using: &generator)
            direction.hiddenWeight.value = recurrent.make(shape: [width, h], fanIn: torchStyle(recurrent, h), fanOut: width,
                                                          using: &generator)
            direction.inputBias.value = bias.make(shape: [width], fanIn: h, fanOut: width, using: &generator)
            direction.hiddenBias.value = bias.make(shape: [width], fanIn: h, fanOut: width, using: &generator)
        }
    }

    func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[1] == inputSize else {
            throw ShapeError("\(name) expects a [T, \(inputSize)] sequence input, got \(describe(inputShape))")
        }
        let width = directions.count * hiddenSize
        return returnSequences ? [inputShape[0], width] : [width]
    }

    func flopsPerExample(inputShape: [Int]) -> Int {
        directions.reduce(0) { $0 + 2 * (inputShape.first ?? 0) * $1.gates * hiddenSize * (inputSize + hiddenSize) }
    }

    func forward(_ input: Tensor, lengths: [Int]?, mode: Mode) -> (output: Tensor, lengths: [Int]?) {
        let (c, h) = (inputSize, hiddenSize)
        precondition(input.rank == 3 && input.shape[2] == c, "\(name) expects [N, T, \(c)], got \(input.shape)")
        let (n, t) = (input.shape[0], input.shape[1])
        validateLengths(lengths, batch: n, frames: t, layer: name)
        precondition(t > 0, "\(name) needs at least one frame, got \(input.shape)")
        inputShape = mode == .training ? input.shape : nil
        self.lengths = lengths
        let states = directions.map { $0.forward(input, lengths: lengths, training: mode == .training) }
        let width = directions.count * h
        if returnSequences {
            // One direction and no padding: the state sequence is the output, no interleaving needed.
            if states.count == 1 && lengths == nil { return (Tensor(shape: [n, t, width], storage: states[0]), nil) }
            var output = [Float](repeating: 0, count: n * t * width)
            for (d, hidden) in states.enumerated() {
                for b in 0..<n {
                    for time in 0..<min(t, lengths?[b] ?? t) {
                        for j in 0..<h { output[(b * t + time) * width + d * h + j] = hidden[(b * t + time) * h + j] }
                    }
                }
            }
            return (Tensor(shape: [n, t, width], storage: output), lengths)
        }
        var output = [Float](repeating: 0, count: n * width)
        for (d, hidden) in states.enumerated() {
            let last = directions[d].reverse ? 0 : t - 1
            for b in 0..<n {
                for j in 0..<h { output[b * width + d * h + j] = hidden[(b * t + last) * h + j] }
            }
        }
        return (Tensor(shape: [n, width], storage: output), nil)
    }

    func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let inputShape else { preconditionFailure("\(name).backward called without a training forward") }
        let (n, t, h) = (inputShape[0], inputShape[1], hiddenSize)
        let width = directions.count * h
        let expected = returnSequences ? [n, t, width] : [n, width]
        precondition(outputGradient.shape == expected, "\(name).backward expects \(expected), got \(outputGradient.shape)")
        var inputGradient = [Float](repeating: 0, count: needsInputGradient ? inputShape.reduce(1, *) : 0)
        for (d, direction) in directions.enumerated() {
            if returnSequences && directions.count == 1 && lengths == nil {
                // The output is the state sequence itself, so its gradient is ∂L/∂h as it stands.
                direction.backward(outputGradient.storage, into: &inputGradient, needsInputGradient: needsInputGradient)
                continue
            }
            var hiddenGradient = [Float](repeating: 0, count: n * t * h)
            for b in 0..<n {
                if returnSequences {
                    // Padded steps output constant zeros, so their upstream gradient does not reach the state.
                    for time in 0..<min(t, lengths?[b] ?? t) {
                        for j in 0..<h { hiddenGradient[(b * t + time) * h + j] = outputGradient.storage[(b * t + time) * width + d * h + j] }
                    }
                } else {
                    let last = direction.reverse ? 0 : t - 1
                    for j in 0..<h { hiddenGradient[(b * t + last) * h + j] = outputGradient.storage[b * width + d * h + j] }
                }
            }
            direction.backward(hiddenGradient, into: &inputGradient, needsInputGradient: needsInputGradient)
        }
        return needsInputGradient ? Tensor(shape: inputShape, storage: inputGradient) : Tensor(shape: [0])
    }
}
