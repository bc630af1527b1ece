@testable import ExpCommands
import Foundation
import Testing

/// `exp features --type egemaps|egemaps_lld`: .npy per clip plus one CSV with openSMILE's column names.
@Suite struct EgemapsFeaturesCommandTests {
    @Test func writesNpyAndCsv() throws {
        let wav = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Reference/Data/egemaps/glottal120_jitter1.wav").path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("egemaps-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        for (type, columns, rows) in [("egemaps", 88, 1), ("egemaps_lld", 25, 96)] {
            var command = try Exp.parseAsRoot(["features", "--type", type, "--out", out, wav])
            try command.run()
            let csv = try String(contentsOfFile: out + "/\(type).csv", encoding: .utf8)
            let lines = csv.split(separator: "\n")
            #expect(lines.count == rows + 1)
            let header = lines[0].split(separator: ",")
            #expect(header.count == columns + 3 && header[0] == "file")
            #expect(header[3] == (type == "egemaps" ? "F0semitoneFrom27.5Hz_sma3nz_amean" : "Loudness_sma3"))
            #expect(FileManager.default.fileExists(atPath: out + "/glottal120_jitter1.npy"))
        }
        #expect(throws: (any Error).self) {
            var command = try Exp.parseAsRoot(["features", "--type", "egemaps", "--n-mfcc", "3", "--out", out, wav])
            try command.run()
        }
    }
}
