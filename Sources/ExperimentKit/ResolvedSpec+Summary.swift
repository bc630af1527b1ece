extension ResolvedSpec {
    /// A readable summary of the resolved spec for `exp validate`: one line per section, one per layer.
    public var summary: String {
        func describe(_ component: ResolvedComponent) -> String {
            let options = component.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return options.isEmpty ? component.type : "\(component.type)(\(options.joined(separator: ", ")))"
        }
        let early = training.earlyStopping.map { "monitor=\($0.monitor) patience=\($0.patience) min_delta=\($0.minDelta)" } ?? "off"
        var lines = [
            "name       \(name)",
            "run id     \(runID)",
            "seed       \(seed)",
            "data       \(data.allCorpora.map(describe).joined(separator: " + ")) sample_rate=\(data.options.sampleRate) "
                + "duration=\(data.options.duration.map { "\($0)" } ?? "whole clips") normalize=\(data.options.normalize)"
                + (data.options.testCrops > 1 ? " test_crops=\(data.options.testCrops)" : "")
                + (data.options.trainCrop != "first" ? " train_crop=\(data.options.trainCrop)" : ""),
            "labels     \(labelsSummary)",
            "features   \(describe(features))",
            "augment    \(augment.isEmpty ? "none" : augment.map(describe).joined(separator: ", "))",
            "model      \(model.layers.count) layer\(model.layers.count == 1 ? "" : "s")",
        ]
        for (index, layer) in model.layers.enumerated() { lines.append("  [\(index)]  \(describe(layer))") }
        lines += [
            "optimizer  \(describe(optimizer))",
            "schedule   \(schedule.map(describe) ?? "none (constant learning rate)")",
            "training   epochs=\(training.epochs) batch_size=\(training.batchSize) class_weights=\(training.classWeights) "
                + "grad_clip_norm=\(training.gradClipNorm.map { "\($0)" } ?? "none")",
            "  early_stopping  \(early)",
            "split      \(describe(split))",
            "metrics    \(metrics.map(describe).joined(separator: ", "))",
        ]
        return lines.joined(separator: "\n")
    }

    /// `map=calm->neutral keep=neutral,angry`, or how the corpus names its classes when there is no `labels`.
    private var labelsSummary: String {
        guard let labels else { return "as the corpus names them" }
        var parts: [String] = []
        if !labels.map.isEmpty {
            parts.append("map=" + labels.map.sorted { $0.key < $1.key }.map { "\($0.key)->\($0.value)" }.joined(separator: ","))
        }
        if let keep = labels.keep { parts.append("keep=" + keep.joined(separator: ",")) }
        return parts.joined(separator: " ")
    }
}
