import ArgumentParser
import AudioFeatures
import Foundation

extension Exp {
    /// `exp features`: one `.npy` feature matrix per audio file.
    struct Features: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "features",
            abstract: "Extract MFCC, log-mel, spectrogram or eGeMAPS features to NumPy .npy files (float32, [frames, features]).",
            discussion: """
            Every option not given keeps librosa 0.11's default (e.g. --sample-rate 22050, --n-fft 2048, \
            --hop-length 512, --n-mels 128, --n-mfcc 20). Inputs are loaded like librosa.load(path, sr, offset, \
            duration). Unreadable inputs are reported one line each on stderr; the others are still written, and \
            the exit status is non-zero if any failed. The eGeMAPS types (egemaps: [1, 88] functionals, egemaps_lld: \
            [T, 25] descriptors, as openSMILE 2.6 eGeMAPSv02) also write egemaps.csv / egemaps_lld.csv with \
            openSMILE's column names; of the options they take only --sample-rate (default 16000).
            """)

        enum FeatureType: String, ExpressibleByArgument, CaseIterable {
            case mfcc, logmel, spectrogram, egemaps
            case egemapsLLD = "egemaps_lld"
        }

        @Option(help: "Feature type.") var type: FeatureType = .mfcc
        @Option(help: "Target sample rate in Hz (librosa sr).") var sampleRate: Int?
        @Option(name: .customLong("n-mfcc"), help: "Cepstral coefficients (mfcc).") var nMfcc: Int?
        @Option(name: .customLong("n-fft"), help: "FFT length in samples.") var nFFT: Int?
        @Option(help: "Samples between frames.") var hopLength: Int?
        @Option(help: "Window length in samples (<= n-fft).") var winLength: Int?
        @Option(help: "Window: hann or hamming.") var window: String?
        @Flag(inversion: .prefixedNo, help: "Centre frames (pads n_fft/2 each side).") var center: Bool?
        @Option(help: "Padding when centring: constant or reflect.") var padMode: String?
        @Option(name: .customLong("n-mels"), help: "Mel bands (mfcc, logmel).") var nMels: Int?
        @Option(help: "Lowest mel edge in Hz.") var fmin: Double?
        @Option(help: "Highest mel edge in Hz (<= sample-rate / 2).") var fmax: Double?
        @Flag(inversion: .prefixedNo, help: "HTK mel scale instead of Slaney.") var htk: Bool?
        @Option(help: "Mel filter normalisation: slaney or none.") var norm: String?
        @Option(help: "Exponent of the STFT magnitude.") var power: Double?
        @Option(help: "Cepstral lifter (0 = off).") var lifter: Double?
        @Option(help: "dB reference: a number or 'max'.") var ref: String?
        @Option(help: "Floor before the logarithm.") var amin: Double?
        @Option(help: "Dynamic range below the peak in dB, or 'none'.") var topDB: String?
        @Flag(inversion: .prefixedNo, help: "Append delta and delta-delta features (mfcc, logmel).") var deltas: Bool?
        @Option(help: "Delta window in frames (odd, >= 3).") var deltaWidth: Int?
        @Flag(inversion: .prefixedNo, help: "Spectrogram in decibels.") var toDB: Bool?
        @Option(help: "Start reading at this many seconds.") var offset: Double = 0
        @Option(help: "Read at most this many seconds.") var duration: Double?
        @Option(help: "Output directory for the .npy files.") var out: String
        @Argument(help: "Audio files.") var files: [String]

        /// The options given, keyed by their snake_case configuration names.
        private func options() throws -> [String: Any] {
            var o: [String: Any] = [:]
            o["sample_rate"] = sampleRate; o["n_mfcc"] = nMfcc; o["n_fft"] = nFFT; o["hop_length"] = hopLength
            o["win_length"] = winLength; o["window"] = window; o["center"] = center; o["pad_mode"] = padMode
            o["n_mels"] = nMels; o["fmin"] = fmin; o["fmax"] = fmax; o["htk"] = htk; o["norm"] = norm
            o["power"] = power; o["lifter"] = lifter; o["amin"] = amin; o["deltas"] = deltas
            o["delta_width"] = deltaWidth; o["to_db"] = toDB
            if let ref { o["ref"] = ref == "max" ? "max" as Any : (Double(ref) ?? ref) as Any }
            if let topDB { o["top_db"] = topDB.lowercased() == "none" ? NSNull() : (Double(topDB) ?? topDB) as Any }
            return o
        }

        private func extractor() throws -> any FeatureExtractor {
            let given = try options()
            let accepted: Set<String>
            switch type {
            case .mfcc: accepted = Set(MFCC.Configuration.CodingKeys.allCases.map(\.rawValue))
            case .logmel: accepted = Set(LogMel.Configuration.CodingKeys.allCases.map(\.rawValue))
            case .spectrogram: accepted = Set(Spectrogram.Configuration.CodingKeys.allCases.map(\.rawValue))
            case .egemaps, .egemapsLLD: accepted = Set(Egemaps.Configuration.CodingKeys.allCases.map(\.rawValue))
            }
            if let key = given.keys.sorted().first(where: { !accepted.contains($0) }) {
                throw ValidationError("--\(key.replacingOccurrences(of: "_", with: "-")) does not apply to --type \(type.rawValue)")
            }
            let json = try JSONSerialization.data(withJSONObject: given)
            let decoder = JSONDecoder()
            switch type {
            case .mfcc: return try MFCC(decoder.decode(MFCC.Configuration.self, from: json))
            case .logmel: return try LogMel(decoder.decode(LogMel.Configuration.self, from: json))
            case .spectrogram: return try Spectrogram(decoder.decode(Spectrogram.Configuration.self, from: json))
            case .egemaps: return try Egemaps(decoder.decode(Egemaps.Configuration.self, from: json), level: .functionals)
            case .egemapsLLD:
                return try Egemaps(decoder.decode(Egemaps.Configuration.self, from: json), level: .lowLevelDescriptors)
            }
        }

        /// The CSV beside the .npy files, rows in input order, read back from what was written.
        private func writeTable(_ egemaps: Egemaps, _ outcomes: [FeatureExport.Outcome]) throws {
            var clips: [(file: String, duration: Double, features: FeatureMatrix)] = []
            for outcome in outcomes {
                guard case .success = outcome.result, let kept = outcome.kept else { continue }
                clips.append((outcome.input, kept.duration, kept.features))
            }
            let path = (out as NSString).appendingPathComponent(type.rawValue + ".csv")
            try EgemapsTable.write(clips, level: egemaps.level, to: path)
            FileHandle.standardError.write(Data("\(path): \(clips.count) clip(s)\n".utf8))
        }

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("Please provide at least one audio file.") }
            if let duration, duration <= 0 { throw ValidationError("--duration must be > 0 seconds, got \(duration)") }
            guard offset >= 0 else { throw ValidationError("--offset must be >= 0 seconds, got \(offset)") }
        }

        func run() throws {
            ProcessMemory.retainFreedMemory()
            let extractor = try self.extractor()
            let outcomes = try FeatureExport.run(inputs: files, outputDirectory: out, extractor: extractor,
                                                 offset: offset, duration: duration, keep: extractor is Egemaps)
            if let egemaps = extractor as? Egemaps { try writeTable(egemaps, outcomes) }
            var failed = 0, report = ""
            for outcome in outcomes {
                switch outcome.result {
                case .success(let written):
                    report += "\(written.path): [\(written.frames), \(written.features)]\n"
                case .failure(let error):
                    failed += 1
                    report += "error: \(error.description)\n"
                }
            }
            if failed > 0 { report += "\(failed) of \(outcomes.count) input(s) failed\n" }
            // One write for the whole report: a write per line cost as much as a clip's features on a terminal.
            FileHandle.standardError.write(Data(report.utf8))
            if failed > 0 { throw ExitCode.failure }
        }
    }
}
