import NeuralNet

extension Registries {
    /// The built-in layer table: each spec layer becomes one NeuralNet layer plus its activation, with input
    /// sizes taken from the incoming shape (`[T, C]` or `[C]`).
    static let builtinLayers = Registry<[any Layer], LayerContext>(kind: .layer, [
        "dense": Registration(DenseOptions.self, "Fully connected over the last axis, [..., C] → [..., units]") { config, context in
            try [Dense(inputSize: context.inputShape.last ?? 0, outputSize: config.units)]
                + ActivationOption.layers(config.activation, isLast: context.isLast) },
        "conv1d": Registration(Conv1DOptions.self, "1-D convolution over time, [T, C] → [T', filters]") { config, context in
            try [Conv1D(inputChannels: context.inputShape.last ?? 0, outputChannels: config.filters, kernelSize: config.kernelSize,
                        stride: config.stride, dilation: config.dilation, padding: config.padding)]
                + ActivationOption.layers(config.activation, isLast: context.isLast) },
        "maxpool1d": Registration(Pooling1DConfiguration.self, "Max over windows of frames, [T, C] → [T', C]") { config, _ in
            [MaxPool1D(config)] },
        "avgpool1d": Registration(Pooling1DConfiguration.self, "Mean over windows of frames, [T, C] → [T', C]") { config, _ in
            [AveragePool1D(config)] },
        "lstm": Registration(RecurrentOptions.self, "LSTM over time, [T, C] → [T, H] or [H] (gates i, f, g, o)") { config, context in
            [LSTM(inputSize: context.inputShape.last ?? 0, hiddenSize: config.units, returnSequences: config.returnSequences,
                  bidirectional: config.bidirectional)] },
        "gru": Registration(RecurrentOptions.self, "GRU over time, [T, C] → [T, H] or [H]") { config, context in
            [GRU(inputSize: context.inputShape.last ?? 0, hiddenSize: config.units, returnSequences: config.returnSequences,
                 bidirectional: config.bidirectional)] },
        "dropout": Registration(DropoutOptions.self, "Inverted dropout in training, identity at inference") { config, _ in
            [Dropout(rate: Float(config.rate))] },
        "relu": Registration(EmptyConfiguration.self, "max(0, x)") { _, _ in [ReLU()] },
        "tanh": Registration(EmptyConfiguration.self, "tanh(x)") { _, _ in [Tanh()] },
        "sigmoid": Registration(EmptyConfiguration.self, "1 / (1 + e^-x)") { _, _ in [Sigmoid()] },
        "gelu": Registration(EmptyConfiguration.self, "Gaussian error linear unit") { _, _ in [GELU()] },
        "flatten": Registration(EmptyConfiguration.self, "[T, C] → [T·C]") { _, _ in [Flatten()] },
        "global_average_pooling1d": Registration(EmptyConfiguration.self, "Mean over time, [T, C] → [C]") { _, _ in [GlobalAveragePool1D()] },
        "global_max_pooling1d": Registration(EmptyConfiguration.self, "Max over time, [T, C] → [C]") { _, _ in [GlobalMaxPool1D()] },
        "conv2d": Registration(Conv2DOptions.self, "2-D convolution over time and frequency, [T, F, C] → [T', F', filters]") { config, context in
            try [Conv2D(inputChannels: context.inputShape.last ?? 0, outputChannels: config.filters, kernelSize: config.kernelSize,
                        stride: config.stride, padding: config.padding)]
                + ActivationOption.layers(config.activation, isLast: context.isLast) },
        "maxpool2d": Registration(Pooling2DConfiguration.self, "Max over windows of frames × bins, [T, F, C] → [T', F', C]") { config, _ in
            [MaxPool2D(config)] },
        "avgpool2d": Registration(Pooling2DConfiguration.self, "Mean over windows of frames × bins, [T, F, C] → [T', F', C]") { config, _ in
            [AveragePool2D(config)] },
        "batchnorm": Registration(BatchNorm2DOptions.self, "Batch normalization of each channel of a [T, C] sequence (padding left out) or a [C] vector") { config, context in
            [BatchNorm(BatchNorm.Configuration(featureCount: context.inputShape.last ?? 0, momentum: Float(config.momentum), epsilon: Float(config.epsilon)))] },
        "batchnorm2d": Registration(BatchNorm2DOptions.self, "Batch normalization of each channel of a [T, F, C] map") { config, context in
            [BatchNorm2D(featureCount: context.inputShape.last ?? 0, momentum: Float(config.momentum), epsilon: Float(config.epsilon))] },
        "expand_channels": Registration(EmptyConfiguration.self, "[T, F] → [T, F, 1], features as a one-channel map") { _, _ in
            [ExpandChannels()] },
        "merge_frequency": Registration(EmptyConfiguration.self, "[T, F, C] → [T, F·C], a map back to a sequence") { _, _ in
            [MergeFrequency()] },
        "residual": Registration(ResidualOptions.self, "y = F(x) + x, or + a 1×1 projection when F changes the shape") { config, context in
            [try Residual(context.nestedLayers("layers"), inputShape: context.inputShape, projection: config.projection)] },
        "transformer_encoder": Registration(TransformerEncoderOptions.self,
                                            "Transformer encoder layers (self-attention + feed-forward), [T, C] → [T, C]") { config, context in
            [try config.encoder(channels: context.inputShape.last ?? 0)] },
        "positional_encoding": Registration(EmptyConfiguration.self, "Adds sinusoidal position signals, [T, C] → [T, C]") { _, _ in
            [PositionalEncoding()] },
    ])

    /// Layers by type name (`model.layers[i]`); a factory returns the layer and its activation, if any.
    public var layers: Registry<[any Layer], LayerContext> {
        get { registry(.layer) }
        set { install(newValue) }
    }
}
