import Foundation

/// The `exp bench features` workload: decode + resample to 16 kHz + 40 MFCC for every WAV under a folder.
///
/// Parameters (the librosa peer `bench/peers/librosa_features.py` uses the same): `sample_rate` 16000,
/// `n_fft` 512, `hop_length` 160, `win_length` 400, `n_mels` 64, `n_mfcc` 40, every other option at librosa's
/// default (hann, center with zero padding, Slaney mel with slaney norm, fmax 8000, `top_db` 80, no lifter).
/// Files are streamed: each worker holds one clip at a time, so memory stays flat in the number of files.
public enum FeatureBenchmark {
    /// Measured throughput; JSON keys are snake_case and shared with the Python peer.
    public struct Report: Codable, Sendable {
        /// Who ran: `"exp (Swift)"` or the peer's name and version.
        public var implementation: String
        /// Files processed.
        public var files: Int
        /// Files that could not be decoded (not counted in `files`).
        public var failures: Int
        /// Seconds of audio processed (at 16 kHz).
        public var audioSeconds: Double
        /// Wall-clock seconds of the timed loop.
        public var wallSeconds: Double
        /// Whole pipeline (decode + resample + MFCC), files per wall second.
        public var filesPerSecond: Double
        /// Audio seconds per wall second.
        public var audioSecondsPerSecond: Double
        /// Files per second of the feature stage alone (samples in, MFCC out): files divided by the per-file
        /// feature time summed over files, times the thread count.
        public var featuresOnlyFilesPerSecond: Double
        /// CPU seconds (user + system) the process spent in the timed loop; less sensitive than wall time to
        /// other load on a shared machine.
        public var cpuSeconds: Double
        /// Files per CPU second of the whole pipeline.
        public var filesPerCPUSecond: Double
        /// Files per CPU second of the feature stage alone (thread CPU time around each extraction).
        public var featuresOnlyFilesPerCPUSecond: Double
        /// Peak resident memory of the process in MB.
        public var peakRSSMegabytes: Double
        /// Worker threads.
        public var threads: Int
        /// The MFCC parameters, as text.
        public var parameters: String

        enum CodingKeys: String, CodingKey {
            case implementation, files, failures, threads, parameters
            case audioSeconds = "audio_s", wallSeconds = "wall_s", filesPerSecond = "files_per_s"
            case audioSecondsPerSecond = "audio_s_per_s", featuresOnlyFilesPerSecond = "features_only_files_per_s"
            case peakRSSMegabytes = "peak_rss_mb", cpuSeconds = "cpu_s", filesPerCPUSecond = "files_per_cpu_s"
            case featuresOnlyFilesPerCPUSecond = "features_only_files_per_cpu_s"
        }

        /// One human-readable line.
        public var summary: String {
            String(format: "%@: %d files (%.1f s of audio) in %.2f s with %d thread(s): %.1f files/s, %.1f audio s/s, features only %.1f files/s; per CPU second: %.1f files, features only %.1f files; peak RSS %.1f MB [%@]",
                   implementation, files, audioSeconds, wallSeconds, threads, filesPerSecond, audioSecondsPerSecond,
                   featuresOnlyFilesPerSecond, filesPerCPUSecond, featuresOnlyFilesPerCPUSecond, peakRSSMegabytes,
                   parameters)
        }
    }

    /// The benchmark's MFCC configuration (see the type's doc comment).
    public static var configuration: MFCC.Configuration {
        MFCC.Configuration(
            logMel: LogMel.Configuration(sampleRate: 16000, fftSize: 512, hopLength: 160, windowLength: 400, melCount: 64),
            coefficientCount: 40)
    }

    /// Parameters as printed in reports.
    public static let parameterText = "sr=16000 n_fft=512 hop_length=160 win_length=400 n_mels=64 n_mfcc=40"

    /// Every `.wav` file under `directory`, sorted.
    /// - Throws: `AudioError.missing` when `directory` does not exist.
    public static func wavFiles(under directory: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AudioError.missing(path: directory)
        }
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var files: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.lowercased().hasSuffix(".wav") { files.append((directory as NSString).appendingPathComponent(relative)) }
        }
        return files.sorted()
    }

    /// Runs the workload over `files` with `threads` workers pulling files from a shared index.
    /// - Throws: `FeatureConfigurationError` if the built-in configuration were invalid.
    public static func run(files: [String], threads: Int) throws -> Report {
        precondition(threads > 0, "FeatureBenchmark.run expects threads > 0, got \(threads)")
        // One extractor per worker: copies of one value would share its array buffers (filter bank, DCT basis,
        // window), and every retain/release of those from two cores bounces the same cache line.
        let extractors = try (0..<threads).map { _ in try MFCC(configuration) }
        let state = SharedState()
        let clock = ContinuousClock()
        let start = clock.now
        let startCPU = cpuTime(CLOCK_PROCESS_CPUTIME_ID)
        // One OS thread per worker: dispatch's pool may run apply iterations serially when it sees busy cores.
        let finished = DispatchGroup()
        for extractor in extractors {
            let work: @Sendable () -> Void = {
                var local = Totals()
                while let index = state.next(limit: files.count) {
                    do {
                        let signal = try Audio.load(files[index], sampleRate: 16000)
                        let before = clock.now
                        let beforeCPU = cpuTime(CLOCK_THREAD_CPUTIME_ID)
                        let features = extractor.extract(signal.samples)
                        local.featureCPUSeconds += cpuTime(CLOCK_THREAD_CPUTIME_ID) - beforeCPU
                        local.featureSeconds += seconds(clock.now - before)
                        local.files += features.frameCount > 0 ? 1 : 0
                        local.audioSeconds += signal.duration
                    } catch {
                        local.failures += 1
                    }
                }
                state.add(local)
                finished.leave()
            }
            finished.enter()
            Thread(block: work).start()
        }
        finished.wait()
        let wall = seconds(clock.now - start)
        let cpu = cpuTime(CLOCK_PROCESS_CPUTIME_ID) - startCPU
        let totals = state.totals
        return Report(
            implementation: "exp (Swift)", files: totals.files, failures: totals.failures,
            audioSeconds: totals.audioSeconds, wallSeconds: wall,
            filesPerSecond: Double(totals.files) / wall, audioSecondsPerSecond: totals.audioSeconds / wall,
            featuresOnlyFilesPerSecond: totals.featureSeconds > 0 ? Double(totals.files) * Double(threads) / totals.featureSeconds : 0,
            cpuSeconds: cpu, filesPerCPUSecond: Double(totals.files) / cpu,
            featuresOnlyFilesPerCPUSecond: totals.featureCPUSeconds > 0 ? Double(totals.files) / totals.featureCPUSeconds : 0,
            peakRSSMegabytes: peakResidentMegabytes(), threads: threads, parameters: parameterText)
    }

    /// The process's peak resident set size in MB (`getrusage`, kilobytes on Linux).
    public static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / (1024 * 1024)  // bytes on Darwin
        #endif
    }

    private static func cpuTime(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    private struct Totals {
        var files = 0, failures = 0
        var audioSeconds = 0.0, featureSeconds = 0.0, featureCPUSeconds = 0.0
    }

    /// The next-file index and the summed totals, shared by the workers under a lock.
    private final class SharedState: @unchecked Sendable {
        private let lock = NSLock()
        private var index = 0
        private(set) var totals = Totals()

        func next(limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard index < limit else { return nil }
            index += 1
            return index - 1
        }

        func add(_ local: Totals) {
            lock.lock(); defer { lock.unlock() }
            totals.files += local.files
            totals.failures += local.failures
            totals.audioSeconds += local.audioSeconds
            totals.featureSeconds += local.featureSeconds
            totals.featureCPUSeconds += local.featureCPUSeconds
        }
    }
}
