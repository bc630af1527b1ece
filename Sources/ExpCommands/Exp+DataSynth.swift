import ArgumentParser
import EmotionCorpus
import Foundation

extension Exp {
    /// `exp data synth`: writes the built-in demo corpus in the RAVDESS layout.
    struct DataSynth: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synth",
            abstract: "Write the synthetic demo corpus (RAVDESS layout: Actor_XX/03-01-EE-II-SS-RR-AA.wav).",
            discussion: """
                Every clip comes from a seeded source-filter voice synthesiser: per actor a voice, per emotion the \
                pitch, tempo, loudness and voice-quality cues of acted emotion. The same seed always writes \
                byte-identical files. Files of the same name are replaced (atomically); anything else already in \
                the folder is left alone.
                """)

        @Option(help: "Folder to write the corpus into (created if missing).")
        var out: String

        @Option(help: "Number of actors, 1…24 (60 clips each).")
        var actors: Int = 24

        @Option(help: "Seed of every random choice.")
        var seed: Int = 7

        @Option(name: .customLong("sample-rate"), help: "Sample rate of the files in Hz, 8000…96000.")
        var sampleRate: Int = 48_000

        func validate() throws {
            guard (1...24).contains(actors) else {
                throw ValidationError("--actors must be between 1 and 24. Received: --actors \(actors)")
            }
            guard (8_000...96_000).contains(sampleRate) else {
                throw ValidationError("--sample-rate must be between 8000 and 96000 Hz. Received: --sample-rate \(sampleRate)")
            }
        }

        @Sendable static func report(done: Int, total: Int) {
            guard done % 20 == 0 || done == total else { return }
            FileHandle.standardError.write(Data("\rsynthesising \(done)/\(total) clips".utf8))
        }

        func run() throws {
            let configuration = DemoCorpus.Configuration(actorCount: actors, seed: seed, sampleRate: sampleRate)
            let showProgress = isatty(STDERR_FILENO) != 0
            let start = Date()
            let progress: (@Sendable (Int, Int) -> Void)? = showProgress ? DataSynth.report : nil
            let summary = try DemoCorpus.write(to: out, configuration: configuration, progress: progress)
            if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
            let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
            print("wrote \(summary.clips.count) clips (\(actors) actors, \(sampleRate) Hz, seed \(seed)) to \(out) in \(seconds) s")
        }
    }
}
