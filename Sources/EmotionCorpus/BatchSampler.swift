import AudioFeatures

/// Splits a labelled dataset into mini-batches per epoch: seeded shuffling, optional class balancing,
/// padding per batch.
///
/// An epoch's order depends only on `(seed, epoch)`, so a run resumed at epoch `e` sees exactly the batches
/// the uninterrupted run would have.
public struct BatchSampler: Sendable {
    /// Batching options (YAML keys in snake_case).
    public struct Configuration: Codable, Sendable, Equatable {
        /// Examples per batch (`batch_size`, > 0).
        public var batchSize: Int
        /// Reshuffle every epoch (`shuffle`, default true); off, the order is the dataset order.
        public var shuffle: Bool
        /// Draw each epoch with equal class proportions (`class_balanced`, default false): minority-class
        /// examples repeat, majority-class examples are subsampled; the epoch keeps the dataset's size.
        public var classBalanced: Bool
        /// Pad or cut every batch to this many frames (`pad_to`); `nil` pads to the longest example in the batch.
        public var padTo: Int?
        /// Drop a last batch smaller than `batchSize` (`drop_last`, default false).
        public var dropLast: Bool

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case batchSize = "batch_size", shuffle, classBalanced = "class_balanced", padTo = "pad_to", dropLast = "drop_last"
        }

        /// Options; only `batchSize` has no default.
        public init(batchSize: Int, shuffle: Bool = true, classBalanced: Bool = false, padTo: Int? = nil, dropLast: Bool = false) {
            self.batchSize = batchSize
            self.shuffle = shuffle
            self.classBalanced = classBalanced
            self.padTo = padTo
            self.dropLast = dropLast
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(batchSize: try c.decode(Int.self, forKey: .batchSize),
                      shuffle: try c.decodeIfPresent(Bool.self, forKey: .shuffle) ?? true,
                      classBalanced: try c.decodeIfPresent(Bool.self, forKey: .classBalanced) ?? false,
                      padTo: try c.decodeIfPresent(Int.self, forKey: .padTo),
                      dropLast: try c.decodeIfPresent(Bool.self, forKey: .dropLast) ?? false)
            guard batchSize > 0 else {
                throw DecodingError.dataCorruptedError(forKey: .batchSize, in: c,
                                                       debugDescription: "batch_size must be > 0. Received: batch_size=\(batchSize)")
            }
            if let padTo, padTo <= 0 {
                throw DecodingError.dataCorruptedError(forKey: .padTo, in: c, debugDescription: "pad_to must be > 0. Received: pad_to=\(padTo)")
            }
        }
    }

    /// The batching options.
    public let configuration: Configuration
    /// Class index of every example.
    public let labels: [Int]
    /// Seed of every epoch's order.
    public let seed: Int

    /// A sampler over examples labelled `labels` (class indices ≥ 0).
    public init(labels: [Int], configuration: Configuration, seed: Int) {
        precondition(configuration.batchSize > 0, "BatchSampler needs batchSize > 0, got \(configuration.batchSize)")
        precondition(labels.allSatisfy { $0 >= 0 }, "BatchSampler labels must be class indices ≥ 0")
        self.labels = labels
        self.configuration = configuration
        self.seed = seed
    }

    /// The dataset indices visited in `epoch`, in order (a permutation unless class-balanced).
    public func order(epoch: Int) -> [Int] {
        var random = CorpusRandom(seed: seed, epoch, 0x5A3D)
        guard configuration.classBalanced else {
            return configuration.shuffle ? random.permutation(labels.count) : Array(labels.indices)
        }
        var members: [Int: [Int]] = [:]
        for (index, label) in labels.enumerated() { members[label, default: []].append(index) }
        let classes = members.keys.sorted()
        guard !classes.isEmpty else { return [] }
        // Equal quotas; the remainder goes to randomly chosen classes so no class is favoured across epochs.
        var quotas = [Int](repeating: labels.count / classes.count, count: classes.count)
        for k in random.permutation(classes.count).prefix(labels.count % classes.count) { quotas[k] += 1 }
        var drawn: [Int] = []
        drawn.reserveCapacity(labels.count)
        for (k, label) in classes.enumerated() {
            let pool = members[label] ?? []
            // Cycle through fresh permutations so every member appears before any repeats.
            var cycle: [Int] = []
            for _ in 0..<quotas[k] {
                if cycle.isEmpty { cycle = random.permutation(pool.count).map { pool[$0] }.reversed() }
                drawn.append(cycle.removeLast())
            }
        }
        if configuration.shuffle { random.shuffle(&drawn) }
        return drawn
    }

    /// The dataset indices of each batch of `epoch`.
    public func batchIndices(epoch: Int) -> [[Int]] {
        let order = order(epoch: epoch)
        let size = configuration.batchSize
        return stride(from: 0, to: order.count, by: size).compactMap { start in
            let batch = Array(order[start..<min(start + size, order.count)])
            return configuration.dropLast && batch.count < size ? nil : batch
        }
    }

    /// The batches of `epoch` built from per-example `features` (`[T, C]` each).
    ///
    /// - Parameter transform: Applied to each example before padding, with its dataset index (e.g. SpecAugment
    ///   on training batches); `nil` leaves features untouched.
    public func batches(epoch: Int, features: [FeatureMatrix],
                        transform: ((FeatureMatrix, Int) -> FeatureMatrix)? = nil) -> [Batch] {
        precondition(features.count == labels.count, "BatchSampler: \(features.count) feature matrices for \(labels.count) labels")
        return batchIndices(epoch: epoch).map { indices in
            guard let transform else {
                return Batch.collate(indices, features: features, labels: labels, frames: configuration.padTo)
            }
            let transformed = indices.map { transform(features[$0], $0) }
            var batch = Batch.collate(Array(transformed.indices), features: transformed, labels: indices.map { labels[$0] },
                                      frames: configuration.padTo)
            batch.indices = indices
            return batch
        }
    }
}
