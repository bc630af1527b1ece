import AudioFeatures
import EmotionCorpus
import Foundation
import Testing

@Suite struct AugmentTests {
    static func tone(_ count: Int = 8_000) -> [Float] {
        (0..<count).map { 0.4 * sinf(Float($0) * 0.07) * (0.5 + 0.5 * sinf(Float($0) * 0.001)) }
    }

    static func snr(_ clean: [Float], _ noisy: [Float]) -> Double {
        let signal = clean.reduce(0) { $0 + Double($1) * Double($1) }
        let noise = zip(clean, noisy).reduce(0) { $0 + Double($1.1 - $1.0) * Double($1.1 - $1.0) }
        return 10 * log10(signal / noise)
    }

    @Test(arguments: [-5.0, 0.0, 12.5, 30.0]) func additiveNoiseHitsTheTargetSnr(_ target: Double) throws {
        let clean = Self.tone()
        var random = CorpusRandom(seed: 1, Int(target * 10))
        let white = try AdditiveNoise(.init(snrDecibels: target...target)).apply(to: clean, sampleRate: 8_000, random: &random)
        #expect(abs(Self.snr(clean, white) - target) < 0.1, "white: \(Self.snr(clean, white)) dB for \(target)")
        // A given (shorter, looped) noise recording at the same target.
        let recording = (0..<3_001).map { Float(sin(Double($0) * 1.3) * cos(Double($0) * 0.31)) }
        let given = try AdditiveNoise(.init(snrDecibels: target...target), noise: recording)
            .apply(to: clean, sampleRate: 8_000, random: &random)
        #expect(abs(Self.snr(clean, given) - target) < 0.1, "given: \(Self.snr(clean, given)) dB for \(target)")
    }

    @Test func noiseSnrStaysInRangeAndProbabilityZeroIsIdentity() throws {
        let clean = Self.tone()
        let noise = AdditiveNoise(.init(snrDecibels: 5...15))
        var seen: [Double] = []
        for clip in 0..<20 {
            var random = CorpusRandom(seed: 2, clip)
            seen.append(Self.snr(clean, try noise.apply(to: clean, sampleRate: 8_000, random: &random)))
        }
        #expect(seen.allSatisfy { $0 > 4.9 && $0 < 15.1 } && seen.max()! - seen.min()! > 4, "\(seen)")
        var random = CorpusRandom(seed: 2, 0)
        #expect(try AdditiveNoise(.init(probability: 0)).apply(to: clean, sampleRate: 8_000, random: &random) == clean)
    }

    @Test func gainShiftAndSpeedDoWhatTheySay() throws {
        let clean = Self.tone()
        var random = CorpusRandom(seed: 3)
        let louder = try RandomGain(.init(gainDecibels: 6...6)).apply(to: clean, sampleRate: 8_000, random: &random)
        #expect(abs(Self.snr(clean, louder) - -20 * log10(pow(10, 6.0 / 20) - 1)) < 1e-3)
        let x: [Float] = [1, 2, 3, 4, 5]
        #expect(TimeShift.shift(x, by: 2, rollover: true) == [4, 5, 1, 2, 3])
        #expect(TimeShift.shift(x, by: -2, rollover: false) == [3, 4, 5, 0, 0])
        let shifted = try TimeShift(.init(maxShift: 0.01, rollover: false)).apply(to: clean, sampleRate: 8_000, random: &random)
        let lag = (-80...80).first { TimeShift.shift(clean, by: $0, rollover: false) == shifted }
        #expect(lag != nil, "shift within ±80 samples")
        let faster = try SpeedPerturbation.perturb(clean, factor: 1.1, sampleRate: 8_000)
        let slower = try SpeedPerturbation.perturb(clean, factor: 0.9, sampleRate: 8_000)
        #expect(abs(faster.count - 7_273) <= 1 && abs(slower.count - 8_889) <= 1, "\(faster.count), \(slower.count)")
        #expect(try SpeedPerturbation.perturb(clean, factor: 1, sampleRate: 8_000) == clean)
        // The tone's 0.07 rad/sample carrier moves to 0.077 rad/sample at speed 1.1: count zero crossings.
        func crossings(_ y: [Float]) -> Int { zip(y, y.dropFirst()).filter { $0 < 0 && $1 >= 0 }.count }
        let ratio = Double(crossings(Array(faster.prefix(7_000)))) / Double(crossings(Array(clean.prefix(7_000))))
        #expect(abs(ratio - 1.1) < 0.02, "frequency ratio \(ratio)")
    }

    @Test func pipelineIsDeterministicPerSeedEpochAndClip() throws {
        let configuration = Augmentation.Configuration(
            noise: .init(snrDecibels: 10...20), gain: .init(), timeShift: .init(maxShift: 0.05), speed: .init())
        let a = Augmentation(configuration, seed: 4), b = Augmentation(configuration, seed: 4)
        let clean = Self.tone()
        let reference = try a.waveform(clean, sampleRate: 8_000, epoch: 2, clip: 7)
        #expect(try b.waveform(clean, sampleRate: 8_000, epoch: 2, clip: 7) == reference)
        #expect(try a.waveform(clean, sampleRate: 8_000, epoch: 3, clip: 7) != reference)
        #expect(try a.waveform(clean, sampleRate: 8_000, epoch: 2, clip: 8) != reference)
        #expect(try Augmentation(configuration, seed: 5).waveform(clean, sampleRate: 8_000, epoch: 2, clip: 7) != reference)
        #expect(a.changesWaveform && !Augmentation(.init(specAugment: .init()), seed: 4).changesWaveform)
    }

    @Test func specAugmentMasksStayWithinBounds() {
        let frames = 50, features = 12
        let matrix = FeatureMatrix(frameCount: frames, featureCount: features, values: (0..<frames * features).map { Float($0 + 1) })
        let spec = Augmentation(.init(specAugment: .init(frequencyMasks: 2, frequencyMaskParameter: 3, timeMasks: 2,
                                                         timeMaskParameter: 7, maskValue: -1)), seed: 6)
        var anyMasked = false
        for clip in 0..<40 {
            let masked = spec.features(matrix, epoch: 0, clip: clip)
            #expect(masked == spec.features(matrix, epoch: 0, clip: clip))
            #expect(masked.frameCount == frames && masked.featureCount == features)
            #expect(zip(matrix.values, masked.values).allSatisfy { $1 == $0 || $1 == -1 })
            // Masked columns/rows: at most 2 × 3 whole feature columns and 2 × 7 whole frames.
            let columns = (0..<features).filter { c in (0..<frames).allSatisfy { masked[$0, c] == -1 } }
            let rows = (0..<frames).filter { t in (0..<features).allSatisfy { masked[t, $0] == -1 } }
            #expect(columns.count <= 6 && rows.count <= 14, "clip \(clip): \(columns.count) columns, \(rows.count) rows")
            let cells = masked.values.filter { $0 == -1 }.count
            #expect(cells == columns.count * frames + rows.count * features - columns.count * rows.count)
            anyMasked = anyMasked || cells > 0
        }
        #expect(anyMasked)
        let tiny = FeatureMatrix(frameCount: 2, featureCount: 1, values: [1, 2])
        #expect(spec.features(tiny, epoch: 1, clip: 1).values.allSatisfy { $0 == -1 || $0 >= 1 })
    }

    @Test func augmentedTrainingFeaturesBypassTheCache() throws {
        let fixture = try CacheFixture(name: "augment", count: 2)
        defer { fixture.remove() }
        let calls = CallCounter()
        let store = fixture.store(calls)
        let (original, _) = try store.features(for: fixture.clips)
        let entries = { (FileManager.default.enumerator(atPath: fixture.cache.directory)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".feat") }.sorted() }
        let before = entries()
        let augmentation = Augmentation(.init(noise: .init(snrDecibels: 0...0)), seed: 1)
        let augmented = try augmentation.features(ofFile: fixture.clips[1].path, loader: store.loader,
                                                  extractor: store.extractor, epoch: 0, clip: 1)
        #expect(augmented != original[1] && entries() == before)
        #expect(try store.features(for: fixture.clips).report.hits == fixture.clips.count)
    }

    @Test func configurationsUseSnakeCaseKeysWithDefaults() throws {
        #expect(AdditiveNoise.Configuration.CodingKeys.allCases.map(\.stringValue) == ["snr_db", "probability"])
        #expect(SpecAugment.Configuration.CodingKeys.allCases.map(\.stringValue)
                == ["freq_masks", "freq_mask_param", "time_masks", "time_mask_param", "mask_value"])
        #expect(Augmentation.Configuration.CodingKeys.allCases.map(\.stringValue) == ["noise", "gain", "time_shift", "speed", "spec_augment"])
        let json = #"{"noise": {"snr_db": [5, 15]}, "time_shift": {"max_shift": 0.1, "rollover": false}, "spec_augment": {"time_masks": 1}}"#
        let decoded = try JSONDecoder().decode(Augmentation.Configuration.self, from: Data(json.utf8))
        #expect(decoded.noise == AdditiveNoise.Configuration(snrDecibels: 5...15, probability: 1))
        #expect(decoded.timeShift == TimeShift.Configuration(maxShift: 0.1, rollover: false))
        #expect(decoded.specAugment == SpecAugment.Configuration(timeMasks: 1) && decoded.gain == nil && decoded.speed == nil)
        for bad in [#"{"noise": {"probability": 2}}"#, #"{"speed": {"factors": [0.9, -1]}}"#, #"{"spec_augment": {"freq_masks": -1}}"#] {
            #expect(throws: DecodingError.self, "\(bad)") { try JSONDecoder().decode(Augmentation.Configuration.self, from: Data(bad.utf8)) }
        }
    }
}
