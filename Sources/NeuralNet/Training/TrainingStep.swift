/// One optimisation step on one batch: clear gradients, forward in training mode, loss, backward, optional clipping
/// by global norm, optimizer update. Returns the loss value.
///
/// - Parameters:
///   - model: The network; its output for `input [N, …]` must be logits `[N, K]`.
///   - lengths: Per-example valid frames of a zero-padded batch (`nil`: all valid).
///   - labels: `N` class indices in `0..<K`.
///   - maxGradientNorm: Clip the global gradient norm to this value first (`nil`: no clipping).
@discardableResult
public func trainStep(model: Sequential, loss: CrossEntropyLoss, optimizer: any Optimizer, input: Tensor,
                      lengths: [Int]? = nil, labels: [Int], maxGradientNorm: Float? = nil) -> Float {
    let parameters = model.parameters
    optimizer.zeroGradients(parameters)
    let logits = model.forward(input, lengths: lengths, mode: .training)
    let (value, gradient) = loss(logits, labels: labels)
    _ = model.backward(gradient, needsInputGradient: false)
    if let maxGradientNorm { GradientClipping.clipByGlobalNorm(parameters, maxNorm: maxGradientNorm) }
    optimizer.step(parameters)
    return value
}

extension Sequential {
    /// The default speech-emotion stack: Conv1D 64 k5 · ReLU · MaxPool 2 · Conv1D 128 k5 · ReLU · MaxPool 2 ·
    /// LSTM 128 (sequences) · LSTM 64 · Dense 64 · ReLU · Dropout · Dense `classes` (logits), over `[frames, features]`.
    ///
    /// - Throws: `ShapeError` if `frames` is too short for the two convolutions and pools (fewer than 16).
    public static func defaultStack(frames: Int, features: Int, classes: Int, dropout: Float = 0.3,
                                    seed: UInt64 = 0) throws -> Sequential {
        try Sequential([
            Conv1D(inputChannels: features, outputChannels: 64, kernelSize: 5), ReLU(), MaxPool1D(poolSize: 2),
            Conv1D(inputChannels: 64, outputChannels: 128, kernelSize: 5), ReLU(), MaxPool1D(poolSize: 2),
            LSTM(inputSize: 128, hiddenSize: 128, returnSequences: true), LSTM(inputSize: 128, hiddenSize: 64),
            Dense(inputSize: 64, outputSize: 64), ReLU(), Dropout(rate: dropout, seed: seed),
            Dense(inputSize: 64, outputSize: classes),
        ], inputShape: [frames, features], seed: seed)
    }

    /// A small 2-D CNN over a log-mel "image" (the `exp bench train --model cnn2d` workload): ExpandChannels ·
    /// Conv2D 16 3×3 same · ReLU · MaxPool2D 2 · Conv2D 32 3×3 same · ReLU · MaxPool2D 2 · MergeFrequency · mean over
    /// time · Dense `classes` (logits), over `[frames, features]`.
    ///
    /// - Throws: `ShapeError` if `frames` or `features` is below 4 (two 2×2 pools).
    public static func smallCNN2D(frames: Int, features: Int, classes: Int, seed: UInt64 = 0) throws -> Sequential {
        try Sequential([
            ExpandChannels(),
            Conv2D(inputChannels: 1, outputChannels: 16, kernelSize: Size2D(square: 3), padding: .same), ReLU(),
            MaxPool2D(poolSize: Size2D(2, 2)),
            Conv2D(inputChannels: 16, outputChannels: 32, kernelSize: Size2D(square: 3), padding: .same), ReLU(),
            MaxPool2D(poolSize: Size2D(2, 2)), MergeFrequency(), GlobalAveragePool1D(),
            Dense(inputSize: features / 4 * 32, outputSize: classes),
        ], inputShape: [frames, features], seed: seed)
    }
}
