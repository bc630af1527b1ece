import Foundation

/// Batch feature extraction to `.npy` files (what `exp features` runs).
public enum FeatureExport {
    /// What happened to one input file.
    public struct Outcome: Sendable {
        /// The input path as given.
        public var input: String
        /// The written `.npy` path and the matrix shape `[T, C]`, or the reason the input failed.
        public var result: Result<(path: String, frames: Int, features: Int), ExportError>
        /// The clip's duration in seconds and its features, when `run` was asked to keep them.
        public var kept: (duration: Double, features: FeatureMatrix)? = nil
    }

    /// Why one input produced no output; the description is one line naming the file.
    public struct ExportError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Loads each input (`Audio.load` at the extractor's rate, `offset`/`duration` as librosa.load), extracts
    /// features and writes `<outputDirectory>/<input name without extension>.npy` (float32 `[T, C]`).
    ///
    /// A failing input does not stop the others; its outcome carries the reason. Two inputs with the same file
    /// name would write the same output, so the second one fails instead of overwriting the first.
    /// With `keep`, each successful outcome also carries the features (for a table written afterwards).
    /// - Throws: `AudioError.writeFailed` when `outputDirectory` cannot be created.
    public static func run(inputs: [String], outputDirectory: String, extractor: any FeatureExtractor,
                           offset: Double = 0, duration: Double? = nil, keep: Bool = false) throws -> [Outcome] {
        do {
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw AudioError.writeFailed(path: outputDirectory, reason: error.localizedDescription)
        }
        var written: [String: String] = [:]
        return inputs.map { input in
            let name = ((input as NSString).lastPathComponent as NSString).deletingPathExtension + ".npy"
            let output = (outputDirectory as NSString).appendingPathComponent(name)
            if let first = written[output] {
                return Outcome(input: input, result: .failure(ExportError(
                    description: "\(input): output \(output) would overwrite the features of \(first)")))
            }
            do {
                let signal = try Audio.load(input, sampleRate: extractor.sampleRate, offset: offset, duration: duration)
                let features = extractor.extract(signal.samples)
                guard features.frameCount > 0 else {
                    return Outcome(input: input, result: .failure(ExportError(
                        description: "\(input): \(signal.samples.count) samples are too few for one frame")))
                }
                try NPY.write(features, to: output)
                written[output] = input
                return Outcome(input: input, result: .success((output, features.frameCount, features.featureCount)),
                               kept: keep ? (signal.duration, features) : nil)
            } catch {
                return Outcome(input: input, result: .failure(ExportError(description: "\(error)")))
            }
        }
    }
}
