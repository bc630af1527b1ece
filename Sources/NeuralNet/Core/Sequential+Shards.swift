/// Data parallelism inside one model: a batch split into contiguous shards of examples, each carried through runs of
/// `ReplicableLayer`s by its own replica of those layers, the shards shared out among the threads within one
/// fork–join. Threads then each run whole layers on a few examples instead of meeting at every matrix product and
/// every recurrent step, and a shard's working set stays in cache.
///
/// The plan depends on the batch size alone (`⌊N / shardSize⌋` near-equal shards), never on the thread count, and
/// the replicas' gradients are added in shard order: training gives the same bits on any number of threads up to the
/// number of shards. Threads beyond that help inside the shards' layers, which rounds some sums differently.
extension Sequential {
    /// The smallest shard: a batch of `N ≥ 2 · shardSize` examples splits into `⌊N / shardSize⌋` shards.
    public static let shardSize = 8

    /// The example ranges of the shards of a batch of `batch` examples (one range: the batch runs unsplit).
    func shardPlan(batch: Int) -> [Range<Int>] {
        let shards = sharding && segments.contains(where: \.replicable) ? max(1, batch / Self.shardSize) : 1
        return (0..<shards).map { Parallel.slice($0, of: shards, total: batch) }
    }

    /// Runs `body(shard)` for every shard, spread over the threads; a thread left over when there are fewer shards
    /// than threads helps inside a shard's layers.
    private func forEachShard(_ count: Int, _ body: (Int) -> Void) {
        let threads = Parallel.workers
        Parallel.forEach(count, innerWorkers: max(1, threads / count), body)
    }

    /// The layer that runs layer `index` for shard `shard`.
    private func layer(_ index: Int, shard: Int) -> any Layer {
        shard == 0 ? layers[index] : replicas[shard - 1][index]
    }

    /// Makes sure shards `1..<shards` have replicas, and points their parameters and buffers at the current values.
    private func prepareReplicas(_ shards: Int) {
        while replicas.count < shards - 1 {
            replicas.append(layers.map { ($0 as? any ReplicableLayer)?.makeReplica() ?? $0 })
        }
        for shardReplicas in replicas.prefix(shards - 1) {
            for (layer, replica) in zip(layers, shardReplicas) where layer !== replica {
                for (source, target) in zip(layer.parameters + layer.buffers, replica.parameters + replica.buffers) {
                    precondition(source.value.shape == target.value.shape,
                                 "replica of \(typeName(of: layer)) has parameter \(target.value.shape), expected \(source.value.shape)")
                    target.value = source.value
                }
            }
        }
    }

    /// The ranges of consecutive `layers`, each either one run of replicable layers or a single other layer.
    static func segments(of layers: [any Layer]) -> [Segment] {
        var result: [Segment] = [], start = 0
        while start < layers.count {
            var end = start + 1
            let replicable = layers[start] is any ReplicableLayer
            if replicable { while end < layers.count && layers[end] is any ReplicableLayer { end += 1 } }
            result.append(Segment(range: start..<end, replicable: replicable))
            start = end
        }
        return result
    }

    /// `forward` with the batch split by `plan`; returns the shards' outputs stacked in order.
    func shardedForward(_ input: Tensor, lengths: [Int]?, plan: [Range<Int>], mode: Mode) -> Tensor {
        prepareReplicas(plan.count)
        let states = plan.map { rows in ShardState(input.rows(rows), lengths: lengths.map { Array($0[rows]) }) }
        for segment in segments {
            let range = segment.range
            if segment.replicable {
                forEachShard(plan.count) { shard in
                    let state = states[shard]
                    for index in range {
                        (state.value, state.lengths) = layer(index, shard: shard).forward(state.value, lengths: state.lengths, mode: mode)
                    }
                }
            } else {
                let whole = Tensor.concatenating(states.map { $0.value })
                let wholeLengths = states[0].lengths == nil ? nil : states.flatMap { $0.lengths ?? [] }
                let (output, outputLengths) = layers[range.lowerBound].forward(whole, lengths: wholeLengths, mode: mode)
                for (state, rows) in zip(states, plan) {
                    state.value = output.rows(rows)
                    state.lengths = outputLengths.map { Array($0[rows]) }
                }
            }
        }
        return Tensor.concatenating(states.map { $0.value })
    }

    /// `backward` for a forward split by `plan`: each shard's replicas start from zero gradients, which are added to
    /// the layers' own in shard order at the end.
    func shardedBackward(_ outputGradient: Tensor, plan: [Range<Int>], needsInputGradient: Bool) -> Tensor {
        precondition(outputGradient.rank >= 1 && outputGradient.shape[0] == plan.last?.upperBound,
                     "Sequential.backward expects the batch of the last training forward (\(plan.last?.upperBound ?? 0)), got \(outputGradient.shape)")
        let first = firstLayerNeedingBackward(needsInputGradient: needsInputGradient)
        let states = plan.map { ShardState(outputGradient.rows($0), lengths: nil) }
        for segment in segments.reversed() where segment.range.upperBound > first {
            let range = segment.range
            if segment.replicable {
                forEachShard(plan.count) { shard in
                    let state = states[shard]
                    for index in range.reversed() where index >= first {
                        let layer = layer(index, shard: shard)
                        if shard > 0 { for parameter in layer.parameters { parameter.zeroGradient() } }
                        state.value = layer.backward(state.value, needsInputGradient: index > first || needsInputGradient)
                    }
                }
            } else {
                let needsGradient = range.lowerBound > first || needsInputGradient
                let whole = Tensor.concatenating(states.map { $0.value })
                let gradient = layers[range.lowerBound].backward(whole, needsInputGradient: needsGradient)
                guard needsGradient else {
                    reduceReplicaGradients(shards: plan.count)
                    return gradient
                }
                for (state, rows) in zip(states, plan) { state.value = gradient.rows(rows) }
            }
        }
        reduceReplicaGradients(shards: plan.count)
        guard needsInputGradient else { return Tensor(shape: [0]) }
        return Tensor.concatenating(states.map { $0.value })
    }

    /// Adds every replica's parameter gradients to its layer's, shard 1 first.
    private func reduceReplicaGradients(shards: Int) {
        for shardReplicas in replicas.prefix(shards - 1) {
            for (layer, replica) in zip(layers, shardReplicas) where layer !== replica {
                for (target, source) in zip(layer.parameters, replica.parameters) {
                    target.gradient.storage.withUnsafeMutableBufferPointer { sum in
                        source.gradient.storage.withUnsafeBufferPointer { part in
                            for i in sum.indices { sum[i] += part[i] }
                        }
                    }
                }
            }
        }
    }
}

/// Consecutive layers that run together in a sharded pass: a run of replicable layers, or one layer on the whole batch.
struct Segment {
    let range: Range<Int>
    let replicable: Bool
}

/// One shard's activation (or gradient) between layers; each shard's thread touches only its own.
private final class ShardState {
    var value: Tensor
    var lengths: [Int]?

    init(_ value: Tensor, lengths: [Int]?) {
        self.value = value
        self.lengths = lengths
    }
}

extension Tensor {
    /// Examples `range` of a batch `[N, …]`, copied.
    func rows(_ range: Range<Int>) -> Tensor {
        let stride = shape.dropFirst().reduce(1, *)
        return Tensor(shape: [range.count] + shape.dropFirst(),
                      storage: Array(storage[(range.lowerBound * stride)..<(range.upperBound * stride)]))
    }

    /// The batches `parts` (equal shapes after the first axis) stacked along the first axis.
    static func concatenating(_ parts: [Tensor]) -> Tensor {
        guard let first = parts.first else { preconditionFailure("nothing to concatenate") }
        let tail = Array(first.shape.dropFirst())
        precondition(parts.allSatisfy { Array($0.shape.dropFirst()) == tail },
                     "cannot concatenate batches of shapes \(parts.map(\.shape))")
        var storage: [Float] = []
        storage.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { storage.append(contentsOf: part.storage) }
        return Tensor(shape: [parts.reduce(0) { $0 + $1.shape[0] }] + tail, storage: storage)
    }
}
