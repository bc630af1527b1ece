import EmotionCorpus
import Foundation
import NeuralNet

/// Mixup (Zhang, Cissé, Dauphin & Lopez-Paz 2018, "mixup: Beyond Empirical Risk Minimization", ICLR): each
/// training batch is blended with a shuffled copy of itself, and the loss with the two label sets in the same
/// proportion.
///
/// ```
/// λ ~ Beta(α, α);  π = a seeded permutation of the batch
/// x̃[n] = λ · x[n] + (1 − λ) · x[π(n)]          (features [T, C], zero beyond each length)
/// L    = λ · CE(f(x̃), y) + (1 − λ) · CE(f(x̃), y[π])
/// ```
///
/// The blended example keeps the longer of its two lengths, so no frame of either clip is masked away. Draws
/// come from `(seed, epoch, batch)` alone, so a resumed run blends exactly as an uninterrupted one.
public struct Mixup: Sendable, Equatable {
    /// Concentration `α` of the Beta distribution (> 0); small values (0.1–0.4) keep most blends near one clip.
    public var alpha: Double

    /// Mixup with concentration `alpha` (> 0).
    public init(alpha: Double) {
        precondition(alpha > 0 && alpha.isFinite, "Mixup needs alpha > 0, got \(alpha)")
        self.alpha = alpha
    }

    /// `batch` blended with its permutation, the partner labels and `λ`.
    public func mix(_ batch: Batch, generator: inout RandomGenerator) -> (batch: Batch, partners: [Int], lambda: Float) {
        let lambda = Float(Self.beta(alpha, alpha, generator: &generator))
        let count = batch.labels.count
        var permutation = Array(0..<count)
        for index in stride(from: count - 1, to: 0, by: -1) {
            permutation.swapAt(index, Int(generator.next() % UInt64(index + 1)))
        }
        let stride = batch.shape[1] * batch.shape[2]
        var mixed = batch
        for n in 0..<count {
            let a = n * stride, b = permutation[n] * stride
            for offset in 0..<stride {
                mixed.features[a + offset] = lambda * batch.features[a + offset]
                    + (1 - lambda) * batch.features[b + offset]
            }
            mixed.lengths[n] = max(batch.lengths[n], batch.lengths[permutation[n]])
        }
        return (mixed, permutation.map { batch.labels[$0] }, lambda)
    }

    /// `λ · loss(y) + (1 − λ) · loss(y[π])` and its gradient with respect to the logits.
    public static func loss(_ loss: CrossEntropyLoss, logits: Tensor, labels: [Int], partners: [Int],
                            lambda: Float) -> (value: Float, gradient: Tensor) {
        let (first, firstGradient) = loss(logits, labels: labels)
        let (second, secondGradient) = loss(logits, labels: partners)
        var gradient = firstGradient
        for index in gradient.storage.indices {
            gradient.storage[index] = lambda * firstGradient.storage[index] + (1 - lambda) * secondGradient.storage[index]
        }
        return (lambda * first + (1 - lambda) * second, gradient)
    }

    /// A Beta(a, b) draw as `X / (X + Y)` with `X ~ Gamma(a)`, `Y ~ Gamma(b)`.
    static func beta(_ a: Double, _ b: Double, generator: inout RandomGenerator) -> Double {
        let x = gamma(a, generator: &generator), y = gamma(b, generator: &generator)
        return x + y > 0 ? x / (x + y) : 0.5
    }

    /// A Gamma(shape, 1) draw: Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM
    /// TOMS 26(3); for shape < 1 the boost `Gamma(shape + 1) · U^(1/shape)` of the same paper.
    static func gamma(_ shape: Double, generator: inout RandomGenerator) -> Double {
        if shape < 1 {
            let u = Double(generator.nextUniform()) + 0x1.0p-25
            return gamma(shape + 1, generator: &generator) * Foundation.pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3.0, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = Double(generator.nextNormal())
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = Double(generator.nextUniform()) + 0x1.0p-25
            if u < 1 - 0.0331 * x * x * x * x || Foundation.log(u) < 0.5 * x * x + d * (1 - v + Foundation.log(v)) {
                return d * v
            }
        }
    }
}
