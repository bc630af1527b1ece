import Foundation

/// The `exp bench train` workload: the default stack (`Sequential.defaultStack`) on random data, Adam, softmax
/// cross-entropy, with the figures its PyTorch and Keras peers (`bench/peers/torch_train.py`, `keras_train.py`) print.
///
/// Training throughput is `batch / median step time` over `steps` steps after `warmupSteps`; the median process CPU
/// time per step is reported beside it, since on a shared machine it depends far less on other jobs than the wall
/// time does (with one thread it is the step's own compute; with more it adds up every thread). Inference is the median
/// forward time at `batch` (with its median process CPU time beside it, for the same reason); latency is the median forward time of one example. Achieved GFLOP/s counts a training step
/// as 3× the forward FLOPs (forward, input gradients, weight gradients); MFU divides it by the best `sgemm`
/// throughput this process measures with the same BLAS and thread count.
public enum TrainingBenchmark {
    /// The sizes and thread count of a run.
    public struct Options: Sendable {
        /// The network trained: the default stack, or a small 2-D CNN (`Sequential.smallCNN2D`).
        public enum Model: String, Sendable, CaseIterable { case defaultStack = "default", cnn2d }
        public var model = Model.defaultStack
        public var batch = 32, frames = 301, features = 40, classes = 8, threads = 2
        public var warmupSteps = 3, steps = 15, inferenceRepeats = 30, latencyRepeats = 200
        /// The reference workload: batch 32, 301 frames, 40 features, 8 classes, 2 threads.
        public init() {}
    }

    /// Measured figures; JSON keys are snake_case and shared with the Python peers.
    public struct Report: Codable, Sendable {
        public var framework: String
        public var model: String
        public var batch, frames, features, classes, threads: Int
        public var trainSamplesPerSecond: Double
        public var trainStepMilliseconds: Double
        public var trainStepCPUMilliseconds: Double
        public var inferSamplesPerSecond: Double
        /// Median process CPU time (all threads) of one inference forward pass at batch `min(32, batch)`.
        public var inferCPUMilliseconds: Double
        public var latencyMillisecondsBatch1: Double
        public var peakRSSMegabytes: Double
        public var flopsPerExample: Int
        public var gigaflops: Double
        public var gemmPeakGigaflops: Double
        public var modelFlopUtilisation: Double
        public var blasKernel: String
        /// Who chose `blasKernel`: `openblas`, `exp` or `user`.
        public var blasKernelChosenBy: KernelChooser
        public var gemmCheckRelativeError: Double
        public var finalLoss: Double

        enum CodingKeys: String, CodingKey {
            case framework, model, batch, frames, features, classes, threads
            case trainSamplesPerSecond = "train_samples_per_s", trainStepMilliseconds = "train_step_ms"
            case trainStepCPUMilliseconds = "train_step_cpu_ms"
            case inferSamplesPerSecond = "infer_samples_per_s", inferCPUMilliseconds = "infer_cpu_ms"
            case latencyMillisecondsBatch1 = "latency_ms_b1"
            case peakRSSMegabytes = "peak_rss_mb", flopsPerExample = "flops_per_example", gigaflops = "gflops"
            case gemmPeakGigaflops = "gemm_peak_gflops", modelFlopUtilisation = "mfu", blasKernel = "blas_kernel"
            case blasKernelChosenBy = "blas_kernel_chosen_by"
            case gemmCheckRelativeError = "gemm_check_rel_error", finalLoss = "final_loss"
        }

        /// One human-readable line (the model is named unless it is the default stack).
        public var summary: String {
            String(format: "%@%@ [%@ chosen by %@, %d threads] batch %d × %d × %d → %d classes: train %.0f samples/s "
                   + "(%.1f ms/step), infer %.0f samples/s, latency b1 %.3f ms, peak RSS %.0f MB, %.2f MFLOP/example, "
                   + "%.1f GFLOP/s of %.1f GEMM peak (MFU %.1f%%), GEMM check rel. error %.1e, CPU %.1f ms/step and "
                   + "%.1f ms/inference",
                   framework, model == Options.Model.defaultStack.rawValue ? "" : " " + model, blasKernel,
                   blasKernelChosenBy.rawValue, threads, batch, frames, features, classes, trainSamplesPerSecond,
                   trainStepMilliseconds, inferSamplesPerSecond, latencyMillisecondsBatch1, peakRSSMegabytes,
                   Double(flopsPerExample) / 1e6, gigaflops, gemmPeakGigaflops, modelFlopUtilisation * 100,
                   gemmCheckRelativeError, trainStepCPUMilliseconds, inferCPUMilliseconds)
        }
    }

    /// Runs the whole benchmark.
    ///
    /// - Throws: `ShapeError` if `frames` is too short for the default stack.
    public static func run(_ options: Options) throws -> Report {
        try BLASRuntime.withThreadCount(options.threads) { try measure(options) }
    }

    private static func measure(_ options: Options) throws -> Report {
        let gemmCheck = gemmCheckError()
        let peak = gemmPeakGigaflops()
        let model = switch options.model {
        case .defaultStack:
            try Sequential.defaultStack(frames: options.frames, features: options.features, classes: options.classes,
                                        dropout: 0.3, seed: 1)
        case .cnn2d:
            try Sequential.smallCNN2D(frames: options.frames, features: options.features, classes: options.classes, seed: 1)
        }
        var generator = RandomGenerator(seed: 2)
        let x = Tensor(shape: [options.batch, options.frames, options.features],
                       storage: (0..<(options.batch * options.frames * options.features)).map { _ in generator.nextNormal() })
        let labels = (0..<options.batch).map { $0 % options.classes }
        let optimizer = Adam(learningRate: 1e-3), loss = CrossEntropyLoss()

        var stepTimes: [Double] = [], cpuTimes: [Double] = [], lastLoss: Float = 0
        for step in 0..<(options.warmupSteps + options.steps) {
            let cpuStart = processCPUSeconds()
            let seconds = time { lastLoss = trainStep(model: model, loss: loss, optimizer: optimizer, input: x, labels: labels) }
            if step >= options.warmupSteps {
                stepTimes.append(seconds)
                cpuTimes.append(processCPUSeconds() - cpuStart)
            }
        }
        let inferenceBatch = slice(x, count: min(32, options.batch))
        _ = model.forward(inferenceBatch, mode: .inference)
        var inferCPUTimes: [Double] = []
        let inferTimes = (0..<options.inferenceRepeats).map { _ in
            let cpuStart = processCPUSeconds()
            let seconds = time { _ = model.forward(inferenceBatch, mode: .inference) }
            inferCPUTimes.append(processCPUSeconds() - cpuStart)
            return seconds
        }
        let single = slice(x, count: 1)
        _ = model.forward(single, mode: .inference)
        let latencyTimes = (0..<options.latencyRepeats).map { _ in time { _ = model.forward(single, mode: .inference) } }

        let flops = try model.flopsPerExample()
        let step = median(stepTimes)
        let trainRate = Double(options.batch) / step
        let achieved = 3 * Double(flops) * trainRate / 1e9
        return Report(
            framework: "exp", model: options.model.rawValue, batch: options.batch, frames: options.frames, features: options.features,
            classes: options.classes, threads: options.threads, trainSamplesPerSecond: trainRate,
            trainStepMilliseconds: step * 1e3, trainStepCPUMilliseconds: median(cpuTimes) * 1e3,
            inferSamplesPerSecond: Double(inferenceBatch.shape[0]) / median(inferTimes),
            inferCPUMilliseconds: median(inferCPUTimes) * 1e3,
            latencyMillisecondsBatch1: median(latencyTimes) * 1e3, peakRSSMegabytes: peakResidentMegabytes(),
            flopsPerExample: flops, gigaflops: achieved, gemmPeakGigaflops: peak, modelFlopUtilisation: achieved / peak,
            blasKernel: BLASRuntime.kernelName, blasKernelChosenBy: BLASRuntime.kernelChooser,
            gemmCheckRelativeError: gemmCheck, finalLoss: Double(lastLoss))
    }

    /// The best of several 1024³ `sgemm` calls in GFLOP/s, with the current BLAS thread count.
    public static func gemmPeakGigaflops(size: Int = 1024, repeats: Int = 8) -> Double {
        var generator = RandomGenerator(seed: 3)
        let a = Tensor(shape: [size, size], storage: (0..<(size * size)).map { _ in generator.nextUniform(-1, 1) })
        let b = Tensor(shape: [size, size], storage: (0..<(size * size)).map { _ in generator.nextUniform(-1, 1) })
        _ = a.matmul(b)
        let best = (0..<repeats).map { _ in time { _ = a.matmul(b) } }.min() ?? .infinity
        return 2 * Double(size * size * size) / best / 1e9
    }

    /// The largest relative error of BLAS `sgemm` against a naive Double matmul on odd shapes and every transpose
    /// (so a kernel chosen at run time is checked before its speed is reported).
    public static func gemmCheckError() -> Double {
        var generator = RandomGenerator(seed: 4)
        let (m, k, n) = (67, 45, 131)
        var worst = 0.0
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = Tensor(shape: transposeA ? [k, m] : [m, k], storage: (0..<(m * k)).map { _ in generator.nextUniform(-1, 1) })
            let b = Tensor(shape: transposeB ? [n, k] : [k, n], storage: (0..<(k * n)).map { _ in generator.nextUniform(-1, 1) })
            let c = a.matmul(b, transposeSelf: transposeA, transposeOther: transposeB)
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0
                    for p in 0..<k {
                        let left = transposeA ? a.storage[p * m + i] : a.storage[i * k + p]
                        let right = transposeB ? b.storage[j * k + p] : b.storage[p * n + j]
                        sum += Double(left) * Double(right)
                    }
                    worst = max(worst, abs(Double(c.storage[i * n + j]) - sum) / max(abs(sum), 1))
                }
            }
        }
        return worst
    }

    /// The process's peak resident set (`VmHWM` in `/proc/self/status`) in MB; 0 where that file does not exist.
    public static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
            return kilobytes / 1024
        }
        return 0
    }

    /// CPU time used so far by all threads of this process, in seconds.
    private static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    private static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The first `count` examples of a batch `[N, …]`.
    private static func slice(_ x: Tensor, count: Int) -> Tensor {
        let stride = x.count / x.shape[0]
        return Tensor(shape: [count] + x.shape.dropFirst(), storage: Array(x.storage[0..<(count * stride)]))
    }
}
