import AudioFeatures
import EmotionCorpus
import Foundation
import Testing

@Suite struct BatchTests {
    /// Example `i` has `3 + i % 5` frames of C = 2 features, value `100 i + 10 t + c`.
    static func dataset(_ count: Int) -> [FeatureMatrix] {
        (0..<count).map { i in
            let frames = 3 + i % 5
            return FeatureMatrix(frameCount: frames, featureCount: 2,
                                 values: (0..<frames * 2).map { Float(100 * i + 10 * ($0 / 2) + $0 % 2) })
        }
    }

    @Test func collatePadsToTheLongestAndKeepsLengths() {
        let features = Self.dataset(10)
        let labels = (0..<10).map { $0 % 3 }
        let batch = Batch.collate([4, 0, 7], features: features, labels: labels)
        #expect(batch.shape == [3, 7, 2] && batch.lengths == [7, 3, 5] && batch.labels == [1, 0, 1] && batch.indices == [4, 0, 7])
        for (n, index) in batch.indices.enumerated() {
            for t in 0..<7 {
                for c in 0..<2 {
                    let value = batch.features[(n * 7 + t) * 2 + c]
                    #expect(value == (t < batch.lengths[n] ? features[index][t, c] : 0), "n \(n) t \(t) c \(c)")
                }
            }
        }
        let fixed = Batch.collate([4, 0], features: features, labels: labels, frames: 4)
        #expect(fixed.shape == [2, 4, 2] && fixed.lengths == [4, 3])
        #expect(Array(fixed.features[0..<8]) == Array(features[4].values[0..<8]))
        #expect(Array(fixed.features[14..<16]) == [0, 0])
    }

    @Test func epochsAreSeededReproducibleAndDifferent() {
        let labels = (0..<37).map { $0 % 4 }
        let sampler = BatchSampler(labels: labels, configuration: .init(batchSize: 8), seed: 3)
        let resumed = BatchSampler(labels: labels, configuration: .init(batchSize: 8), seed: 3)
        #expect(sampler.batchIndices(epoch: 5) == resumed.batchIndices(epoch: 5))
        #expect(sampler.order(epoch: 0) != sampler.order(epoch: 1))
        #expect(sampler.order(epoch: 0) != BatchSampler(labels: labels, configuration: .init(batchSize: 8), seed: 4).order(epoch: 0))
        for epoch in 0..<3 { #expect(sampler.order(epoch: epoch).sorted() == Array(0..<37)) }
        let sizes = sampler.batchIndices(epoch: 0).map(\.count)
        #expect(sizes == [8, 8, 8, 8, 5])
        let dropping = BatchSampler(labels: labels, configuration: .init(batchSize: 8, dropLast: true), seed: 3)
        #expect(dropping.batchIndices(epoch: 0).map(\.count) == [8, 8, 8, 8])
        let unshuffled = BatchSampler(labels: labels, configuration: .init(batchSize: 8, shuffle: false), seed: 3)
        #expect(unshuffled.order(epoch: 2) == Array(0..<37))
    }

    @Test func classBalancedEpochsHaveEqualProportions() {
        // 50 / 10 / 5 examples: the balanced epoch of 65 draws 21 or 22 from each class.
        let labels = [Int](repeating: 0, count: 50) + [Int](repeating: 1, count: 10) + [Int](repeating: 2, count: 5)
        let sampler = BatchSampler(labels: labels, configuration: .init(batchSize: 16, classBalanced: true), seed: 9)
        var totals = [0, 0, 0]
        for epoch in 0..<6 {
            let order = sampler.order(epoch: epoch)
            #expect(order.count == 65)
            let counts = (0..<3).map { k in order.filter { labels[$0] == k }.count }
            #expect(counts.allSatisfy { $0 == 21 || $0 == 22 }, "epoch \(epoch): \(counts)")
            // Every minority example appears, each 4 or 5 times; the majority class is subsampled without repeats.
            let minority = Dictionary(grouping: order.filter { labels[$0] == 2 }, by: { $0 }).mapValues(\.count)
            #expect(minority.count == 5 && minority.values.allSatisfy { $0 == 4 || $0 == 5 })
            #expect(Set(order.filter { labels[$0] == 0 }).count == counts[0])
            for k in 0..<3 { totals[k] += counts[k] }
        }
        #expect(totals.allSatisfy { abs($0 - 130) <= 2 }, "totals \(totals)")
    }

    @Test func batchesCarryTransformedFeaturesAndDatasetIndices() {
        let features = Self.dataset(9)
        let labels = (0..<9).map { $0 % 2 }
        let sampler = BatchSampler(labels: labels, configuration: .init(batchSize: 4, padTo: 6), seed: 1)
        let batches = sampler.batches(epoch: 2, features: features) { matrix, index in
            FeatureMatrix(frameCount: matrix.frameCount, featureCount: 2, values: matrix.values.map { $0 + Float(index) * 0.5 })
        }
        #expect(batches.map(\.indices) == sampler.batchIndices(epoch: 2))
        for batch in batches {
            #expect(batch.shape[1] == 6 && batch.labels == batch.indices.map { labels[$0] })
            #expect(batch.lengths == batch.indices.map { min(6, features[$0].frameCount) })
            let first = batch.indices[0]
            #expect(batch.features[1] == features[first][0, 1] + Float(first) * 0.5)
        }
    }

    @Test func configurationDecodesSnakeCaseWithDefaultsAndRejectsBadValues() throws {
        let decoded = try JSONDecoder().decode(BatchSampler.Configuration.self, from: Data(#"{"batch_size": 32, "class_balanced": true}"#.utf8))
        #expect(decoded == BatchSampler.Configuration(batchSize: 32, shuffle: true, classBalanced: true, padTo: nil, dropLast: false))
        #expect(BatchSampler.Configuration.CodingKeys.allCases.map(\.stringValue) == ["batch_size", "shuffle", "class_balanced", "pad_to", "drop_last"])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(BatchSampler.Configuration.self, from: Data(#"{"batch_size": 0}"#.utf8)) }
    }
}
