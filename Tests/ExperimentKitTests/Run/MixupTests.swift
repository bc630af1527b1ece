import AudioFeatures
import EmotionCorpus
import Foundation
import NeuralNet
import Testing
@testable import ExperimentKit

@Suite struct MixupTests {
    /// Sample means of Gamma(k) (mean k, variance k) and of Beta(α, α) (mean 1/2, variance 1 / (4(2α + 1))) over
    /// 20,000 seeded draws stay within 5 standard errors, for shapes on both sides of the k < 1 boost.
    @Test(arguments: [0.2, 0.4, 1.0, 2.5])
    func drawsFollowTheirDistributions(alpha: Double) {
        var generator = RandomGenerator(seed: 17)
        let count = 20_000
        let gammas = (0..<count).map { _ in Mixup.gamma(alpha, generator: &generator) }
        #expect(gammas.allSatisfy { $0 >= 0 && $0.isFinite })
        let gammaMean = gammas.reduce(0, +) / Double(count)
        #expect(abs(gammaMean - alpha) < 5 * (alpha / Double(count)).squareRoot(), "Gamma(\(alpha)) mean \(gammaMean)")
        let betas = (0..<count).map { _ in Mixup.beta(alpha, alpha, generator: &generator) }
        #expect(betas.allSatisfy { (0...1).contains($0) })
        let betaMean = betas.reduce(0, +) / Double(count)
        let betaVariance = 1 / (4 * (2 * alpha + 1))
        #expect(abs(betaMean - 0.5) < 5 * (betaVariance / Double(count)).squareRoot(), "Beta mean \(betaMean)")
        let observedVariance = betas.map { ($0 - betaMean) * ($0 - betaMean) }.reduce(0, +) / Double(count)
        #expect(abs(observedVariance - betaVariance) < 0.1 * betaVariance, "Beta variance \(observedVariance)")
    }

    /// Each blended example is λ·x[n] + (1 − λ)·x[π(n)] with the longer length, and π is a permutation.
    @Test func blendsEachExampleWithItsPartner() {
        let n = 5, t = 3, c = 2
        let matrices = [3, 1, 2, 3, 2].enumerated().map { index, frames in
            FeatureMatrix(frameCount: frames, featureCount: c,
                          values: (0..<(frames * c)).map { Float(index * 10 + $0) * 0.25 - 3 })
        }
        let batch = Batch.collate(Array(0..<n), features: matrices, labels: [0, 1, 2, 3, 4], frames: t)
        let features = batch.features
        var generator = RandomGenerator(seed: 5)
        let (mixed, partners, lambda) = Mixup(alpha: 0.4).mix(batch, generator: &generator)
        #expect(lambda >= 0 && lambda <= 1)
        #expect(partners.sorted() == [0, 1, 2, 3, 4])
        for row in 0..<n {
            let partner = partners[row]  // labels equal indices here
            #expect(mixed.lengths[row] == max(batch.lengths[row], batch.lengths[partner]))
            for offset in 0..<(t * c) {
                let expected = lambda * features[row * t * c + offset] + (1 - lambda) * features[partner * t * c + offset]
                #expect(mixed.features[row * t * c + offset] == expected)
            }
        }
        var again = RandomGenerator(seed: 5)
        #expect(Mixup(alpha: 0.4).mix(batch, generator: &again).batch == mixed)
    }

    /// The mixed loss and gradient are the λ-weighted sums of the two plain cross-entropies, checked against
    /// central differences of the mixed value.
    @Test func lossIsTheBlendOfBothLabelSets() {
        let logits = Tensor(shape: [3, 4], storage: [0.3, -1.2, 2.0, 0.1, 1.5, 0.2, -0.7, 0.9, -0.4, 0.8, 0.0, 1.1])
        let loss = CrossEntropyLoss(classWeights: [1, 2, 0.5, 1], labelSmoothing: 0.1)
        let labels = [2, 0, 3], partners = [0, 3, 3]
        let lambda: Float = 0.3
        let (value, gradient) = Mixup.loss(loss, logits: logits, labels: labels, partners: partners, lambda: lambda)
        let first = loss(logits, labels: labels).value, second = loss(logits, labels: partners).value
        #expect(abs(value - (lambda * first + (1 - lambda) * second)) < 1e-6)
        let h: Float = 1e-2
        for index in logits.storage.indices {
            var up = logits, down = logits
            up.storage[index] += h
            down.storage[index] -= h
            let numeric = (Mixup.loss(loss, logits: up, labels: labels, partners: partners, lambda: lambda).value
                - Mixup.loss(loss, logits: down, labels: labels, partners: partners, lambda: lambda).value) / (2 * h)
            #expect(abs(numeric - gradient.storage[index]) < 2e-3, "index \(index): \(numeric) vs \(gradient.storage[index])")
        }
    }
}
