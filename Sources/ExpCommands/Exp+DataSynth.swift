import ArgumentParser
import EmotionCorpus
import Foundation

/// `--layout` of `exp data synth`.
extension SynthLayout: ExpressibleByArgument {}

extension Exp {
    /// `exp data synth`: writes the built-in demo corpus in the RAVDESS layout, or a small corpus named and laid
    /// out like CREMA-D, EmoDB, SAVEE, TESS or EMOVO.
    struct DataSynth: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synth",
            abstract: "Write the synthetic demo corpus (RAVDESS layout: Actor_XX/03-01-EE-II-SS-RR-AA.wav).",
            discussion: """
                Every clip comes from a seeded source-filter voice synthesiser: per actor a voice, per emotion the \
                pitch, tempo, loudness and voice-quality cues of acted emotion. The same seed always writes \
                byte-identical files. Files of the same name are replaced (atomically); anything else already in \
                the folder is left alone. With --layout crema_d, emodb, savee, tess or emovo it writes a small corpus \
                in that corpus's own file naming (--actors speakers, --takes clips per speaker and class), readable \
                by the reader of that name.
                """)

        @Option(help: "File naming and folders: ravdess (the full demo corpus), crema_d, emodb, savee, tess or emovo.")
        var layout: SynthLayout = .ravdess

        @Option(help: "Clips per speaker and class for the other layouts, 1…\(SynthLayout.maximumTakes).")
        var takes: Int = 2

        @Option(help: "Folder to write the corpus into (created if missing).")
        var out: String

        @Option(help: "Number of actors, 1…24 (60 clips each); for the other layouts, speakers (default 2).")
        var actors: Int?

        @Option(help: "Seed of every random choice.")
        var seed: Int = 7

        @Option(name: .customLong("sample-rate"), help: "Sample rate of the files in Hz, 8000…96000.")
        var sampleRate: Int = 48_000

        func validate() throws {
            let most = layout == .ravdess ? 24 : layout.speakers.count
            if let actors, !(1...most).contains(actors) {
                throw ValidationError("--actors must be between 1 and \(most) for layout \(layout.rawValue). Received: --actors \(actors)")
            }
            guard (1...SynthLayout.maximumTakes).contains(takes) else {
                throw ValidationError("--takes must be between 1 and \(SynthLayout.maximumTakes). Received: --takes \(takes)")
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
            if layout != .ravdess {
                let speakers = actors ?? 2
                let clips = try DemoCorpus.write(layout, to: out, configuration: .init(
                    speakerCount: speakers, takes: takes, sampleRate: sampleRate, seed: seed))
                print("wrote \(clips.count) clips (\(layout.rawValue) layout, \(speakers) speakers, \(sampleRate) Hz, seed \(seed)) to \(out)")
                return
            }
            let actors = actors ?? 24
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
