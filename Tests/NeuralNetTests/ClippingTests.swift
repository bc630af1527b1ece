import Foundation
import NeuralNet
import Testing
import TestSupport

/// Gradient clipping against PyTorch 2.15 `clip_grad_norm_` and `clip_grad_value_`
/// (`Tests/Reference/make_train_reference.py`, `Data/train/clipping.json`).
@Suite struct ClippingTests {
    struct NormCase: Decodable {
        let maxNorm: Float
        let norm: Float
        let clipped: [[Float]]
        enum CodingKeys: String, CodingKey { case norm, clipped, maxNorm = "max_norm" }
    }

    struct Fixture: Decodable {
        let gradients: [FixtureTensor]
        let normCases: [NormCase]
        let valueLimit: Float
        let valueClipped: [[Float]]
        enum CodingKeys: String, CodingKey {
            case gradients, normCases = "norm_cases", valueLimit = "value_limit", valueClipped = "value_clipped"
        }
    }

    static func parameters(_ fixture: Fixture) -> [Parameter] {
        fixture.gradients.enumerated().map { index, gradient in
            let parameter = Parameter(name: "p\(index)", value: Tensor(shape: gradient.shape))
            parameter.gradient = gradient.tensor
            return parameter
        }
    }

    @Test func globalNormMatchesPyTorch() throws {
        let fixture = try ReferenceData.load(Fixture.self, "train/clipping.json")
        #expect(fixture.normCases.count == 2)
        for normCase in fixture.normCases {
            let parameters = Self.parameters(fixture)
            let norm = GradientClipping.clipByGlobalNorm(parameters, maxNorm: normCase.maxNorm)
            // ‖g‖² sums n squares in an order of its own in each library: its relative error is at most γ_n, so the
            // norm's is at most γ_n / 2 plus one rounding of the square root: within 2·γ_(n+1)·‖g‖.
            let n = fixture.gradients.reduce(0) { $0 + $1.tensor.count }
            let normBound = RoundoffBound(terms: n + 1, magnitude: Double(normCase.norm))
            #expect(ApproximateComparison([norm], [normCase.norm]).isWithin(normBound), "norm \(norm) vs \(normCase.norm), \(normBound)")
            for (parameter, expected) in zip(parameters, normCase.clipped) {
                // g · maxNorm / ‖g‖ carries the norm's relative error plus two roundings.
                let bound = RoundoffBound(terms: n + 3, magnitude: largestMagnitude(expected))
                let comparison = ApproximateComparison(parameter.gradient.storage, expected)
                #expect(comparison.isWithin(bound), "max_norm \(normCase.maxNorm) \(parameter.name): \(comparison), \(bound)")
            }
        }
    }

    @Test func valueClippingMatchesPyTorch() throws {
        let fixture = try ReferenceData.load(Fixture.self, "train/clipping.json")
        let parameters = Self.parameters(fixture)
        GradientClipping.clipByValue(parameters, limit: fixture.valueLimit)
        for (parameter, expected) in zip(parameters, fixture.valueClipped) {
            #expect(parameter.gradient.storage == expected, "\(parameter.name)")
        }
    }
}
