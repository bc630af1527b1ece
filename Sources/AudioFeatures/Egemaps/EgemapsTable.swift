import Foundation

/// A CSV of eGeMAPS features for several clips with openSMILE's column names, as the `opensmile` Python package
/// indexes them (`file,start,end,<columns>`; times in seconds), so it joins with a table written from openSMILE.
public enum EgemapsTable {
    /// Writes one row per frame (`.lowLevelDescriptors`: 20 ms frames every 10 ms) or per clip (`.functionals`).
    ///
    /// - Parameters:
    ///   - clips: Each clip's file name, duration in seconds and feature matrix from `Egemaps.extract`.
    ///   - level: The level the matrices were extracted at.
    ///   - path: The CSV to write (replaced atomically).
    /// - Throws: `AudioError.writeFailed` when the file cannot be written.
    public static func write(_ clips: [(file: String, duration: Double, features: FeatureMatrix)],
                             level: Egemaps.Level, to path: String) throws {
        let names = level == .functionals ? EgemapsNames.functionals : EgemapsNames.lowLevel
        var text = (["file", "start", "end"] + names).joined(separator: ",") + "\n"
        for clip in clips {
            let file = clip.file.contains(",") || clip.file.contains("\"")
                ? "\"" + clip.file.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : clip.file
            for t in 0..<clip.features.frameCount {
                let (start, end) = level == .functionals ? (0, clip.duration) : (Double(t) * 0.01, Double(t) * 0.01 + 0.02)
                var fields = [file, String(format: "%.2f", start), String(format: "%.6g", end)]
                for c in 0..<clip.features.featureCount { fields.append("\(clip.features[t, c])") }
                text += fields.joined(separator: ",") + "\n"
            }
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw AudioError.writeFailed(path: path, reason: error.localizedDescription)
        }
    }
}
