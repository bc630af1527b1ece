import Foundation
@testable import ExperimentKit

/// Softmax regression with momentum SGD, step-decay schedule and per-epoch input noise: small, but it has every kind
/// of state a resumed run must restore (weights, optimiser velocity, schedule, epoch-seeded randomness).
final class SoftmaxTask: TrainingTask {
    struct Saved: Codable {
        var weights: [Double]
        var velocity: [Double]
        var learningRate: Double
        var loopState: Data
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let classNames = ["neutral", "happy", "sad"]
    let features = 4
    var hasValidation = true
    var divergeAtEpoch: Int?
    var failAtEpoch: Int?
    private(set) var stepsTaken = 0
    private(set) var epochsBegun: [Int] = []
    private(set) var learningRate = 0.2
    private var weights: [Double]
    private var velocity: [Double]
    private var noise = SplitMix(seed: 0)
    private var epoch = 0
    private let seed: UInt64
    private let train: [(x: [Double], y: Int)]
    private let validation: [(x: [Double], y: Int)]
    private let test: [(x: [Double], y: Int)]

    init(seed: UInt64 = 7) {
        self.seed = seed
        var generator = SplitMix(seed: 1234)
        func sample(_ count: Int) -> [(x: [Double], y: Int)] {
            (0 ..< count).map { index in
                let label = index % 3
                let x = (0 ..< 4).map { feature in
                    (feature == label ? 1.5 : 0) + (feature == 3 ? -0.5 * Double(label) : 0) + generator.normal()
                }
                return (x, label)
            }
        }
        train = sample(61)
        validation = sample(21)
        test = sample(30)
        weights = (0 ..< 3 * 5).map { _ in 0.01 * generator.normal() }
        velocity = [Double](repeating: 0, count: 15)
    }

    var trainingCount: Int { train.count }

    func beginEpoch(_ epoch: Int) {
        self.epoch = epoch
        epochsBegun.append(epoch)
        noise = SplitMix(seed: seed &* 31 &+ UInt64(epoch))
    }

    func trainStep(_ indices: [Int]) throws -> BatchResult {
        if epoch == failAtEpoch { throw Failure(description: "feature file vanished") }
        stepsTaken += 1
        var gradient = [Double](repeating: 0, count: 15)
        var loss = 0.0
        var predicted: [Int] = []
        for index in indices {
            let x = train[index].x.map { $0 + 0.1 * noise.normal() }
            let p = probabilities(x)
            loss -= log(p[train[index].y])
            predicted.append(p.indices.max { p[$0] < p[$1] } ?? 0)
            for k in 0 ..< 3 {
                let delta = p[k] - (k == train[index].y ? 1 : 0)
                for f in 0 ..< 4 { gradient[k * 5 + f] += delta * x[f] / Double(indices.count) }
                gradient[k * 5 + 4] += delta / Double(indices.count)
            }
        }
        for i in weights.indices {
            velocity[i] = 0.9 * velocity[i] + gradient[i]
            weights[i] -= learningRate * velocity[i]
        }
        let mean = epoch == divergeAtEpoch ? Double.nan : loss / Double(indices.count)
        return BatchResult(loss: mean, truth: indices.map { train[$0].y }, predicted: predicted)
    }

    func endEpoch(_ metrics: EpochMetrics) {
        if metrics.epoch % 3 == 0 { learningRate *= 0.5 }
    }

    func evaluate(_ split: EvaluationSplit) throws -> ClassificationMetrics {
        let data = split == .test ? test : validation
        var loss = 0.0
        var predicted: [Int] = []
        for example in data {
            let p = probabilities(example.x)
            loss -= log(p[example.y])
            predicted.append(p.indices.max { p[$0] < p[$1] } ?? 0)
        }
        return ClassificationMetrics(truth: data.map(\.y), predicted: predicted, classNames: classNames,
                                     loss: loss / Double(data.count))
    }

    func saveCheckpoint(to url: URL, loopState: Data) throws {
        let saved = Saved(weights: weights, velocity: velocity, learningRate: learningRate, loopState: loopState)
        try AtomicFile.write(JSONEncoder().encode(saved), to: url)
    }

    func loadCheckpoint(from url: URL) throws -> Data {
        let saved = try JSONDecoder().decode(Saved.self, from: Data(contentsOf: url))
        weights = saved.weights
        velocity = saved.velocity
        learningRate = saved.learningRate
        return saved.loopState
    }

    private func probabilities(_ x: [Double]) -> [Double] {
        var logits = [Double](repeating: 0, count: 3)
        for k in 0 ..< 3 {
            var sum: Double = weights[k * 5 + 4]
            for f in 0 ..< 4 { sum += weights[k * 5 + f] * x[f] }
            logits[k] = sum
        }
        let top = logits.max() ?? 0
        let exps = logits.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}

/// SplitMix64 with a Box–Muller normal, for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-12), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

/// Raises the interrupt flag when epoch `epoch` ends, as a Ctrl-C during that epoch's checkpoint write would.
final class InterruptAfterEpoch: TrainingObserver {
    let epoch: Int
    let flag: InterruptFlag
    init(epoch: Int, flag: InterruptFlag) {
        self.epoch = epoch
        self.flag = flag
    }
    func handle(_ event: TrainingEvent) -> TrainingDecision {
        if case let .epochEnded(metrics) = event, metrics.epoch == epoch { flag.raise() }
        return .proceed
    }
}

/// Records every event.
final class EventRecorder: TrainingObserver {
    var events: [TrainingEvent] = []
    func handle(_ event: TrainingEvent) -> TrainingDecision {
        events.append(event)
        return .proceed
    }
}
