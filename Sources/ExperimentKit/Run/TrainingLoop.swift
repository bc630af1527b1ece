import Foundation

/// Runs epochs of a `TrainingTask`: data order, events, early stopping, best/last checkpoints, history, resume.
///
/// The order of the training examples in epoch `e` is a permutation drawn from a generator seeded by `(seed, e)`
/// alone, so resuming at epoch `e` needs no saved data-order state and reproduces the uninterrupted order exactly.
/// After each epoch: history line, then `best` (if improved), then `last`. A kill anywhere in between leaves a
/// `last` checkpoint of an earlier epoch; resuming truncates the history to it and trains the lost epoch again.
public final class TrainingLoop {
    /// Options of the loop (the `training` section of a spec).
    public struct Configuration: Sendable, Equatable {
        /// Maximum epochs (> 0).
        public var epochs: Int
        /// Training examples per step (> 0); the last batch of an epoch may be smaller.
        public var batchSize: Int
        /// Seed of the data order.
        public var seed: UInt64
        /// Metric that selects the best checkpoint (and drives early stopping).
        public var monitor: Monitor
        /// Patience of early stopping; nil trains all `epochs`.
        public var patience: Int?
        /// Minimum improvement for early stopping (≥ 0).
        public var minDelta: Double
        /// Evaluate the best checkpoint on the test side (true) or the last weights (false).
        public var restoreBest: Bool
        /// Average the weights of this many best epochs by `monitor` and evaluate that (≥ 2), or nil.
        public var averageCheckpoints: Int?

        /// Creates the options.
        public init(epochs: Int, batchSize: Int, seed: UInt64, monitor: Monitor = Monitor("val_uar"),
                    patience: Int? = nil, minDelta: Double = 0, restoreBest: Bool = true,
                    averageCheckpoints: Int? = nil) {
            precondition(epochs > 0 && batchSize > 0, "epochs and batchSize must be > 0, got \(epochs), \(batchSize)")
            self.epochs = epochs
            self.batchSize = batchSize
            self.seed = seed
            self.monitor = monitor
            self.patience = patience
            self.minDelta = minDelta
            self.restoreBest = restoreBest
            self.averageCheckpoints = averageCheckpoints
        }
    }

    /// How the loop ended.
    public struct Outcome: Sendable, Equatable {
        /// `completed`, `failed`, `diverged` or `interrupted`.
        public var status: RunStatus
        /// Epochs completed and checkpointed.
        public var epochsCompleted: Int
        /// Epoch of the best checkpoint.
        public var bestEpoch: Int?
        /// Test metrics, when completed.
        public var test: ClassificationMetrics?
        /// What went wrong, for `failed`/`diverged`.
        public var error: String?
        /// Training and evaluation seconds over all processes.
        public var elapsedSeconds: Double
        /// Wall-clock seconds of the epochs this process trained, checkpoints and logging included.
        public var processSeconds: Double = 0
        /// Of `processSeconds`, the seconds in forward, backward, optimiser steps and validation forward passes.
        public var processComputeSeconds: Double = 0

        /// The share of `processSeconds` outside compute: batching, metrics, logging, checkpoints.
        public var overheadFraction: Double? {
            processSeconds > 0 ? max(0, processSeconds - processComputeSeconds) / processSeconds : nil
        }
    }

    private let task: any TrainingTask
    private let directory: RunDirectory
    private let configuration: Configuration
    private let observers: [any TrainingObserver]
    private let interrupt: InterruptFlag
    private let clock: () -> Double
    private let name: String
    private let id: String
    private var processSeconds = 0.0
    private var processComputeSeconds = 0.0
    /// Called after each epoch's `last` checkpoint is on disk (the runner updates `run.json` there).
    public var epochCommitted: (LoopState) throws -> Void = { _ in }

    /// A loop over `task` writing into `directory`, reporting to `observers`.
    public init(task: any TrainingTask, directory: RunDirectory, name: String, id: String,
                configuration: Configuration, observers: [any TrainingObserver] = [],
                interrupt: InterruptFlag = InterruptFlag(),
                clock: @escaping () -> Double = ProgressObserver.monotonicSeconds) {
        self.task = task
        self.directory = directory
        self.name = name
        self.id = id
        self.configuration = configuration
        self.observers = observers
        self.interrupt = interrupt
        self.clock = clock
    }

    /// Trains (continuing from `checkpoints/last.safetensors` when `resume` and it exists) and evaluates on test.
    ///
    /// Never throws: every failure becomes the outcome's status and error, so a sweep goes on with other runs.
    public func run(resume: Bool) -> Outcome {
        let stopping = configuration.patience.map {
            EarlyStopper(monitor: configuration.monitor, patience: $0, minDelta: configuration.minDelta,
                          restoreBest: configuration.restoreBest)
        }
        var state = LoopState(epoch: 0, earlyStopping: stopping?.state, best: BestTracker(monitor: configuration.monitor),
                              stopped: false, elapsedSeconds: 0)
        do {
            if resume { state = try restore(into: stopping) ?? state }
            try HistoryLog.truncate(directory.history, toEpoch: state.epoch)
        } catch {
            return finish(.failed, state: state, error: "\(error)")
        }
        let batchCount = (task.trainingCount + configuration.batchSize - 1) / configuration.batchSize
        broadcast(.runStarted(RunInfo(name: name, id: id, epochs: configuration.epochs, stepsPerEpoch: batchCount,
                                      firstEpoch: state.epoch + 1)))
        var epoch = state.epoch + 1
        while epoch <= configuration.epochs && !state.stopped {
            if interrupt.isRaised { return finish(.interrupted, state: state, error: nil) }
            let start = clock()
            let result: EpochResult
            do {
                result = try trainEpoch(epoch, batchCount: batchCount)
            } catch {
                return finish(.failed, state: state, error: "epoch \(epoch): \(error)")
            }
            switch result {
            case .interrupted: return finish(.interrupted, state: state, error: nil)
            case let .diverged(message): return finish(.diverged, state: state, error: message)
            case var .finished(metrics):
                metrics.seconds = clock() - start
                do {
                    state = try commit(metrics, state: state, stopping: stopping, elapsed: metrics.seconds)
                } catch {
                    return finish(.failed, state: state, error: "\(error)")
                }
                processSeconds += clock() - start
                processComputeSeconds += metrics.computeSeconds
            }
            epoch += 1
        }
        return evaluate(state: state)
    }

    private enum EpochResult {
        case finished(EpochMetrics)
        case diverged(String)
        case interrupted
    }

    private func trainEpoch(_ epoch: Int, batchCount: Int) throws -> EpochResult {
        task.beginEpoch(epoch)
        let learningRate = task.learningRate
        let order = DataOrder.permutation(count: task.trainingCount, seed: configuration.seed, epoch: epoch)
        var accumulator = MetricsAccumulator(classNames: task.classNames)
        var computeSeconds = 0.0
        for step in 0 ..< batchCount {
            let indices = Array(order[step * configuration.batchSize ..< min(order.count,
                                                                             (step + 1) * configuration.batchSize)])
            let before = clock()
            let batch = try task.trainStep(indices)
            FaultInjection.killIfArrived(.step)
            computeSeconds += batch.computeSeconds ?? (clock() - before)
            guard batch.loss.isFinite else {
                return .diverged("training loss became \(batch.loss) in epoch \(epoch), step \(step + 1)")
            }
            accumulator.add(truth: batch.truth, predicted: batch.predicted, meanLoss: batch.loss)
            if !observers.isEmpty {
                let running = accumulator.result()
                broadcast(.stepEnded(StepProgress(epoch: epoch, step: step + 1, stepsPerEpoch: batchCount,
                                                  loss: running.loss ?? .nan, accuracy: running.accuracy)))
            }
            // Interrupting between steps loses at most this partial epoch; the resumed run redoes it identically.
            if interrupt.isRaised { return .interrupted }
        }
        // An update in the last step turns weights NaN after the last loss of the epoch was taken; look at them too.
        if let name = task.nonFiniteParameter {
            return .diverged("parameter \(name) became NaN or infinite in epoch \(epoch)")
        }
        var validation: MetricSummary?
        if task.hasValidation {
            let before = clock()
            let metrics = try task.evaluate(.validation)
            computeSeconds += clock() - before
            guard let loss = metrics.loss, loss.isFinite else {
                return .diverged("validation loss became \(metrics.loss ?? .nan) in epoch \(epoch)")
            }
            validation = MetricSummary(metrics)
        }
        return .finished(EpochMetrics(epoch: epoch, learningRate: learningRate,
                                      train: MetricSummary(accumulator.result()), validation: validation,
                                      seconds: 0, computeSeconds: computeSeconds))
    }

    /// Records a finished epoch: schedule, observers, history, checkpoints; returns the new state.
    private func commit(_ metrics: EpochMetrics, state: LoopState, stopping: EarlyStopper?,
                        elapsed: Double) throws -> LoopState {
        task.endEpoch(metrics)
        var state = state
        var stop = stopping.map { $0.handle(.epochEnded(metrics)) == .stop } ?? false
        stop = broadcast(.epochEnded(metrics)) == .stop || stop
        let isBest = state.best.update(metrics)
        state.epoch = metrics.epoch
        state.earlyStopping = stopping?.state
        state.stopped = stop
        state.elapsedSeconds += elapsed
        try HistoryLog.append(metrics, to: directory.history)
        if let count = configuration.averageCheckpoints { state.topEpochs = try keepTop(count, metrics, state.topEpochs) }
        let encoded = try JSONCoding.lineEncoder().encode(state)
        if isBest {
            try task.saveCheckpoint(to: directory.checkpoint(.best), loopState: encoded)
            broadcast(.checkpointSaved(kind: .best, epoch: metrics.epoch))
        }
        try task.saveCheckpoint(to: directory.checkpoint(.last), loopState: encoded)
        broadcast(.checkpointSaved(kind: .last, epoch: metrics.epoch))
        try epochCommitted(state)
        return state
    }

    /// The `count` best epochs after `metrics` (ties keep the earlier epoch): writes the new epoch's weights when it
    /// enters and deletes the file of the epoch it pushes out.
    private func keepTop(_ count: Int, _ metrics: EpochMetrics, _ top: [RankedEpoch]?) throws -> [RankedEpoch] {
        var top = top ?? []
        guard let value = metrics.value(named: configuration.monitor.name), value.isFinite else { return top }
        let better: (Double, Double) -> Bool = configuration.monitor.mode == .max ? { $0 > $1 } : { $0 < $1 }
        let position = top.firstIndex { better(value, $0.value) } ?? top.count
        guard position < count else { return top }
        try task.saveWeights(to: topWeights(metrics.epoch))
        top.insert(RankedEpoch(epoch: metrics.epoch, value: value), at: position)
        while top.count > count { unlink(topWeights(top.removeLast().epoch).path) }
        return top
    }

    /// `checkpoints/top-eNNNNN.safetensors`: the weights of a kept epoch.
    private func topWeights(_ epoch: Int) -> URL {
        directory.checkpoints.appendingPathComponent(String(format: "top-e%05d.safetensors", epoch))
    }

    private func restore(into stopping: EarlyStopper?) throws -> LoopState? {
        let last = directory.checkpoint(.last)
        guard FileManager.default.fileExists(atPath: last.path) else { return nil }
        let data = try task.loadCheckpoint(from: last)
        let state: LoopState
        do {
            state = try JSONCoding.decoder().decode(LoopState.self, from: data)
        } catch {
            throw RunError.readFailed(path: last.path, reason: "checkpoint has no valid loop state (\(error))")
        }
        if let stopping, let saved = state.earlyStopping { stopping.state = saved }
        return state
    }

    private func evaluate(state: LoopState) -> Outcome {
        let start = clock()
        do {
            if configuration.averageCheckpoints != nil, let top = state.topEpochs, !top.isEmpty {
                try task.loadAverageWeights(of: top.map { topWeights($0.epoch) })
                try task.saveWeights(to: directory.checkpoint(.average))
            } else if configuration.restoreBest, state.best.bestEpoch != nil {
                _ = try task.loadCheckpoint(from: directory.checkpoint(.best))
            }
            let test = try task.evaluate(.test)
            var final = state
            final.elapsedSeconds += clock() - start
            return finish(.completed, state: final, error: nil, test: test)
        } catch {
            return finish(.failed, state: state, error: "evaluation: \(error)")
        }
    }

    private func finish(_ status: RunStatus, state: LoopState, error: String?,
                        test: ClassificationMetrics? = nil) -> Outcome {
        let outcome = Outcome(status: status, epochsCompleted: state.epoch, bestEpoch: state.best.bestEpoch,
                              test: test, error: error, elapsedSeconds: state.elapsedSeconds,
                              processSeconds: processSeconds, processComputeSeconds: processComputeSeconds)
        broadcast(.runEnded(RunSummary(status: status, epochsCompleted: state.epoch, bestEpoch: state.best.bestEpoch,
                                       test: test, error: error)))
        return outcome
    }

    @discardableResult
    private func broadcast(_ event: TrainingEvent) -> TrainingDecision {
        var decision = TrainingDecision.proceed
        for observer in observers where observer.handle(event) == .stop { decision = .stop }
        return decision
    }
}

/// The per-epoch order of training examples, a function of `(seed, epoch)` only.
public enum DataOrder {
    /// A Fisher–Yates permutation of `0..<count` from a SplitMix64 stream seeded by `seed` and `epoch`.
    public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var state = seed ^ (UInt64(truncatingIfNeeded: epoch) &* 0xD1B5_4A32_D192_ED03)
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var order = Array(0 ..< count)
        guard count > 1 else { return order }
        for i in stride(from: count - 1, to: 0, by: -1) {
            // Multiply-shift maps 64 random bits onto 0...i without modulo bias worth measuring at these sizes.
            let j = Int(next().multipliedFullWidth(by: UInt64(i + 1)).high)
            order.swapAt(i, j)
        }
        return order
    }
}
