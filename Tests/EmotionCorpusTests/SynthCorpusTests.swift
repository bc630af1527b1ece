import AudioFeatures
import EmotionCorpus
import Foundation
import Testing

/// A 7-actor demo corpus at 8 kHz, written once and shared (actor 07 carries the duplicate pair).
enum SynthFixture {
    static let configuration = DemoCorpus.Configuration(actorCount: 7, seed: 7, sampleRate: 8_000)
    static let written: Result<(directory: String, summary: DemoCorpus.Summary), Error> = Result {
        let directory = fixturePath(pid: getpid())
        atexit { try? FileManager.default.removeItem(atPath: SynthFixture.fixturePath(pid: getpid())) }
        return (directory, try DemoCorpus.write(to: directory, configuration: configuration))
    }

    static func fixturePath(pid: Int32) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("exp-synth-fixture-\(pid)").path
    }

    static func corpus() throws -> (directory: String, summary: DemoCorpus.Summary) { try written.get() }

    static func temporaryDirectory(_ name: String) -> String {
        var random = CorpusRandom(seed: Int(getpid()), Int(Date().timeIntervalSince1970 * 1e6) & 0xFFFF_FFFF)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("exp-\(name)-\(random.next())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Parses `03-01-EE-II-SS-RR-AA.wav` into its seven integer fields, or `nil`.
    static func fields(_ name: String) -> [Int]? {
        guard name.hasSuffix(".wav") else { return nil }
        let parts = name.dropLast(4).split(separator: "-")
        guard parts.count == 7, parts.allSatisfy({ $0.count == 2 }) else { return nil }
        let values = parts.compactMap { Int($0) }
        return values.count == 7 ? values : nil
    }
}

@Suite struct SynthCorpusTests {
    @Test func layoutNamesAndCountsFollowRavdess() throws {
        let (directory, summary) = try SynthFixture.corpus()
        let folders = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(folders == (1...7).map { String(format: "Actor_%02d", $0) })
        #expect(summary.clips.count == 7 * 60)
        for (index, folder) in folders.enumerated() {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory + "/" + folder).sorted()
            #expect(names.count == 60, "\(folder) has \(names.count) files")
            var perEmotion = [Int: Int]()
            for name in names {
                let f = try #require(SynthFixture.fields(name), "malformed name \(name)")
                #expect(f[0] == 3 && f[1] == 1 && (1...8).contains(f[2]) && (1...2).contains(f[3]), "\(name)")
                #expect((1...2).contains(f[4]) && (1...2).contains(f[5]) && f[6] == index + 1, "\(name)")
                #expect(!(f[2] == 1 && f[3] == 2), "neutral has no strong intensity: \(name)")
                perEmotion[f[2], default: 0] += 1
            }
            #expect(perEmotion == [1: 4, 2: 8, 3: 8, 4: 8, 5: 8, 6: 8, 7: 8, 8: 8])
        }
        let labels = Dictionary(grouping: summary.clips, by: \.label).mapValues(\.count)
        #expect(labels["neutral"] == 28 && labels["angry"] == 56)
        #expect(summary.clips.allSatisfy { Int($0.speaker ?? "")! % 2 == ($0.gender == .male ? 1 : 0) })
    }

    @Test func stereoFilesQuietClipsAndDuplicatePairAreThere() throws {
        let (_, summary) = try SynthFixture.corpus()
        var stereo: [String] = []
        var peaks: [Float] = []
        for clip in summary.clips {
            let info = try AudioFile.info(clip.path)
            #expect(info.format == "WAV/Signed 16 bit PCM" && info.sampleRate == 8_000, "\(clip.path): \(info)")
            if info.channelCount == 2 { stereo.append(clip.path) }
            peaks.append(try AudioFile.readInterleaved(clip.path).samples.reduce(0) { max($0, abs($1)) })
        }
        #expect(stereo.count == 5 && Set(stereo) == Set(summary.stereoPaths))
        let quiet = peaks.filter { $0 < 0.01 }.count
        #expect(quiet >= 7, "clips peaking below 1 % FS: \(quiet)")
        #expect(peaks.max()! > 0.5 && peaks.min()! > 0.002, "peaks \(peaks.min()!)…\(peaks.max()!)")
        let pair = try #require(summary.duplicatePair)
        #expect(pair.0.hasSuffix("Actor_07/03-01-02-01-02-01-07.wav") && pair.1.hasSuffix("Actor_07/03-01-02-01-02-02-07.wav"))
        #expect(try ContentHash.ofFile(pair.0) == ContentHash.ofFile(pair.1))
        let hashes = try summary.clips.map { try ContentHash.ofFile($0.path) }
        #expect(Set(hashes).count == hashes.count - 1, "exactly one byte-identical pair")
    }

    @Test func durationsAndEdgeSilenceMatchRavdess() throws {
        let (_, summary) = try SynthFixture.corpus()
        for clip in summary.clips {
            let (samples, info) = try AudioFile.readMono(clip.path)
            #expect(info.duration >= 2.9 && info.duration <= 5.3, "\(clip.path): \(info.duration) s")
            let peak = samples.reduce(0) { max($0, abs($1)) }
            let edge = 2_000  // 0.25 s at 8 kHz
            let head = samples.prefix(edge).reduce(0) { max($0, abs($1)) }
            let tail = samples.suffix(edge).reduce(0) { max($0, abs($1)) }
            #expect(head < 0.01 * peak && tail < 0.01 * peak, "\(clip.path): edges \(head), \(tail) vs peak \(peak)")
        }
    }

    @Test func sameSeedGivesByteIdenticalFilesAndOtherSeedDoesNot() throws {
        let configuration = DemoCorpus.Configuration(actorCount: 1, seed: 11, sampleRate: 8_000)
        let a = SynthFixture.temporaryDirectory("synth-a"), b = SynthFixture.temporaryDirectory("synth-b")
        let c = SynthFixture.temporaryDirectory("synth-c")
        defer { for path in [a, b, c] { try? FileManager.default.removeItem(atPath: path) } }
        let first = try DemoCorpus.write(to: a, configuration: configuration)
        let second = try DemoCorpus.write(to: b, configuration: configuration)
        var other = configuration
        other.seed = 12
        let third = try DemoCorpus.write(to: c, configuration: other)
        let hashes = try first.clips.map { try ContentHash.ofFile($0.path) }
        #expect(try second.clips.map { try ContentHash.ofFile($0.path) } == hashes)
        let otherHashes = try third.clips.map { try ContentHash.ofFile($0.path) }
        #expect(zip(hashes, otherHashes).allSatisfy { $0 != $1 })
        // Repetitions of the same sentence are different takes.
        #expect(hashes[0] != hashes[1])
    }

    @Test func ravdessReaderAndDataCheckSeeTheDemoCorpusAsTheyWouldRavdess() throws {
        let (directory, summary) = try SynthFixture.corpus()
        let corpus = try RavdessSource(.init(root: directory)).load()
        #expect(corpus.clips.count == 420 && corpus.skipped.isEmpty)
        #expect(corpus.classes == Emotion.allCases.map(\.rawValue))
        #expect(Set(corpus.clips.map(\.path)) == Set(summary.clips.map(\.path)))
        for clip in corpus.clips {
            let written = try #require(summary.clips.first { $0.path == clip.path })
            #expect(clip == written)
        }
        let report = try DataCheckReport.run(RavdessSource(.init(root: directory)))
        #expect(report.duplicates.count == 1 && report.duplicates[0].count == 2)
    }

    @Test func renderGivesTheSamplesTheFileStores() throws {
        let (directory, summary) = try SynthFixture.corpus()
        let rendered = DemoCorpus.render(actor: 3, emotion: .fearful, strong: true, statement: 2, repetition: 1,
                                         configuration: SynthFixture.configuration)
        let stored = try AudioFile.readInterleaved(directory + "/Actor_03/03-01-06-02-02-01-03.wav")
        #expect(rendered.channelCount == stored.info.channelCount && rendered.samples.count == stored.samples.count)
        let worst = zip(rendered.samples, stored.samples).map { abs($0 - $1) }.max() ?? 1
        #expect(worst <= 1.0 / 32_768 + 1e-7, "16-bit quantisation error \(worst)")
        #expect(summary.clips.contains { $0.path.hasSuffix("03-01-06-02-02-01-03.wav") && $0.label == "fearful"
            && $0.attributes["intensity"] == "strong" && $0.gender == .male })
    }

    @Test func emotionsCarryTheirCues() throws {
        let (_, summary) = try SynthFixture.corpus()
        for actor in ["01", "02", "05", "06"] {
            func mean(_ emotion: String, _ measure: ([Float]) -> Float) throws -> Float {
                // Repetition 1 of both statements and intensities: enough takes, and YIN is slow in debug builds.
                let clips = summary.clips.filter {
                    $0.speaker == actor && $0.label == emotion && $0.attributes["repetition"] == "01"
                }
                let values = try clips.map { measure(try AudioFile.readMono($0.path).samples) }
                return values.reduce(0, +) / Float(values.count)
            }
            let angry = try mean("angry", SynthCueMeasures.meanF0), sad = try mean("sad", SynthCueMeasures.meanF0)
            let happy = try mean("happy", SynthCueMeasures.meanF0), neutral = try mean("neutral", SynthCueMeasures.meanF0)
            #expect(angry > 1.15 * sad && happy > neutral, "actor \(actor): F0 angry \(angry) sad \(sad) happy \(happy) neutral \(neutral)")
            let range: ClosedRange<Float> = actor == "01" || actor == "05" ? 80...160 : 160...260
            #expect(range.contains(neutral), "actor \(actor) neutral F0 \(neutral)")
            let sadLength = try mean("sad", SynthCueMeasures.speechSeconds)
            let angryLength = try mean("angry", SynthCueMeasures.speechSeconds)
            #expect(sadLength > 1.1 * angryLength, "actor \(actor): speech sad \(sadLength) s, angry \(angryLength) s")
        }
    }
}

/// Cue measurements made on the audio alone, as a listener (or a classifier) would have to.
enum SynthCueMeasures {
    static let sampleRate = 8_000

    /// Mean F0 (Hz) over loud frames by YIN (de Cheveigné & Kawahara 2002; 30 ms window, 60–400 Hz, threshold 0.15).
    static func meanF0(_ x: [Float]) -> Float {
        let window = 240, maxLag = sampleRate / 60, minLag = sampleRate / 400, hop = 160
        let starts = Array(stride(from: 0, to: x.count - window - maxLag, by: hop))
        let energies = starts.map { s in x[s..<s + window].reduce(0) { $0 + $1 * $1 } }
        let loud = (energies.max() ?? 0) * 0.1
        var estimates: [Float] = []
        for (i, s) in starts.enumerated() where energies[i] > loud {
            var running: Float = 0
            var normalised = [Float](repeating: 1, count: maxLag + 1)
            for lag in 1...maxLag {
                var d: Float = 0
                for n in s..<s + window { let e = x[n] - x[n + lag]; d += e * e }
                running += d
                normalised[lag] = d * Float(lag) / max(running, 1e-20)
            }
            guard var lag = (minLag...maxLag).first(where: { normalised[$0] < 0.15 }) else { continue }
            while lag < maxLag && normalised[lag + 1] < normalised[lag] { lag += 1 }
            estimates.append(Float(sampleRate) / Float(lag))
        }
        return estimates.reduce(0, +) / Float(max(estimates.count, 1))
    }

    /// Seconds between the first and last 10 ms frame within 30 dB of the loudest.
    static func speechSeconds(_ x: [Float]) -> Float {
        let frame = 80
        let energies = stride(from: 0, to: x.count - frame, by: frame).map { s in x[s..<s + frame].reduce(0) { $0 + $1 * $1 } }
        let threshold = (energies.max() ?? 0) * 0.001
        guard let first = energies.firstIndex(where: { $0 > threshold }),
              let last = energies.lastIndex(where: { $0 > threshold }) else { return 0 }
        return Float(last - first + 1) * Float(frame) / Float(sampleRate)
    }
}
