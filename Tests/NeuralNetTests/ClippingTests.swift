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
            #expect(ApproximateComparison([norm], [normCase.norm]).isWithin(1e-6), "norm \(norm) vs \(normCase.norm)")
            for (parameter, expected) in zip(parameters, normCase.clipped) {
                let comparison = ApproximateComparison(parameter.gradient.storage, expected)
                #expect(comparison.isWithin(1e-6), "max_norm \(normCase.maxNorm) \(parameter.name): \(comparison)")
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
