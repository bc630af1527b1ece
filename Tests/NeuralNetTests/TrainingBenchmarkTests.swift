import NeuralNet
import Testing
import TestSupport

/// The `exp bench train` workload on a tiny size: every figure is filled in, the GEMM check passes, and the FLOP count
/// of the default stack agrees with the formula the PyTorch and Keras peers use (`bench/peers/torch_train.py`).
@Suite struct TrainingBenchmarkTests {
    /// The peers' `default_stack_flops(frames, features, classes)`.
    static func peerFlops(frames: Int, features: Int, classes: Int) -> Int {
        let t1 = frames - 4, t2 = t1 / 2 - 4, t3 = t2 / 2
        return 2 * t1 * 64 * features * 5 + 2 * t2 * 128 * 64 * 5 + 2 * t3 * 4 * 128 * (128 + 128)
            + 2 * t3 * 4 * 64 * (128 + 64) + 2 * 64 * 64 + 2 * 64 * classes
    }

    @Test(arguments: [(301, 40, 8), (20, 6, 8), (57, 13, 5)])
    func flopCountMatchesThePeers(_ size: (Int, Int, Int)) throws {
        let model = try Sequential.defaultStack(frames: size.0, features: size.1, classes: size.2)
        #expect(try model.flopsPerExample() == Self.peerFlops(frames: size.0, features: size.1, classes: size.2))
    }

    /// The torch peer's `small_cnn2d_flops(frames, features, classes)` (`--model cnn2d`).
    @Test(arguments: [(301, 64, 8), (21, 10, 3)])
    func smallCNN2DFlopCountMatchesThePeer(_ size: (Int, Int, Int)) throws {
        let (frames, features, classes) = size
        let model = try Sequential.smallCNN2D(frames: frames, features: features, classes: classes)
        let peer = 2 * frames * features * 16 * 9 + 2 * (frames / 2) * (features / 2) * 32 * 16 * 9
            + 2 * (features / 4) * 32 * classes
        #expect(try model.flopsPerExample() == peer)
        #expect(model.outputShape == [classes])
    }

    @Test func tinyCNN2DRunTrains() throws {
        var options = TrainingBenchmark.Options()
        options.model = .cnn2d
        (options.batch, options.frames, options.features, options.classes, options.threads) = (4, 12, 8, 3, 1)
        (options.warmupSteps, options.steps, options.inferenceRepeats, options.latencyRepeats) = (1, 2, 2, 2)
        let report = try TrainingBenchmark.run(options)
        #expect(report.model == "cnn2d" && report.trainSamplesPerSecond > 0 && report.finalLoss.isFinite)
        #expect(report.flopsPerExample == (try Sequential.smallCNN2D(frames: 12, features: 8, classes: 3).flopsPerExample()))
    }

    @Test func tinyRunFillsEveryFigure() throws {
        var options = TrainingBenchmark.Options()
        (options.batch, options.frames, options.features, options.classes, options.threads) = (4, 20, 6, 3, 1)
        (options.warmupSteps, options.steps, options.inferenceRepeats, options.latencyRepeats) = (1, 2, 2, 2)
        let threads = BLASRuntime.threadCount
        let report = try TrainingBenchmark.run(options)
        #expect(BLASRuntime.threadCount == threads, "the benchmark's thread count stays with the benchmark")
        // The check's sgemm sums k = 45 products of entries in [-1, 1] against an exact (Double) sum, relative to
        // max(|sum|, 1): within γ_45 · 45.
        let bound = RoundoffBound(terms: 45, magnitude: 45, evaluations: 1)
        #expect(report.gemmCheckRelativeError <= bound.value, "\(report.gemmCheckRelativeError), \(bound)")
        #expect(report.trainSamplesPerSecond > 0 && report.inferSamplesPerSecond > 0 && report.latencyMillisecondsBatch1 > 0)
        #expect(report.trainStepCPUMilliseconds > 0 && report.trainStepCPUMilliseconds.isFinite)
        #expect(report.inferCPUMilliseconds > 0 && report.inferCPUMilliseconds.isFinite)
        #expect(report.gemmPeakGigaflops > 0 && report.modelFlopUtilisation > 0)
        #expect(report.peakRSSMegabytes > 0 && report.finalLoss.isFinite)
        #expect(report.flopsPerExample == Self.peerFlops(frames: 20, features: 6, classes: 3))
        #expect(report.summary.hasPrefix(
            "exp [\(report.blasKernel) chosen by \(report.blasKernelChosenBy.rawValue), 1 threads] batch 4 × 20 × 6 → 3 classes"))
    }
}
