import AudioFeatures
import Foundation
import Testing

/// Parity with librosa 0.11 on the golden inputs (data: Tests/Reference/make_audio_reference.py).
@Suite struct LibrosaParityTests {
    static let sets = Golden.features.sets

    private func signal(_ set: Golden.ParameterSet) throws -> [Float] {
        try Audio.load(Golden.path(set.input), sampleRate: set.config.logMel.sampleRate).samples
    }

    @Test(arguments: sets) func melFilterBankMatchesToOnePartPerMillion(_ set: Golden.ParameterSet) {
        let c = set.config.logMel
        let bank = MelFilterbank(sampleRate: c.sampleRate, fftSize: c.fftSize, melCount: c.melCount,
                                 minFrequency: c.minFrequency, maxFrequency: c.maxFrequency, scale: c.melScale,
                                 normalization: c.normalization)
        #expect(bank.starts == set.filterbank.starts)
        for (i, expected) in set.filterbank.weights.enumerated() {
            #expect(bank.weights[i].count == expected.count, "filter \(i) length")
            for (j, (o, e)) in zip(bank.weights[i], expected).enumerated() where abs(Double(o) - e) > 1e-6 * abs(e) {
                Issue.record("filter \(i) bin \(set.filterbank.starts[i] + j): expected \(e), observed \(o), rel. error \(abs(Double(o) - e) / abs(e))")
            }
        }
    }

    @Test(arguments: sets) func loadedSignalAndFrameCountsAreExact(_ set: Golden.ParameterSet) throws {
        let samples = try signal(set)
        #expect(samples.count == set.sampleCount)
        let mfcc = try MFCC(set.config).extract(samples)
        #expect(mfcc.frameCount == set.frameCount)
        #expect(mfcc.featureCount == (set.mfcc.values.first?.count ?? -1))
    }

    @Test(arguments: sets) func logMelWithinOneHundredthOfADecibel(_ set: Golden.ParameterSet) throws {
        let logMel = try LogMel(set.config.logMel).extract(try signal(set))
        for (frame, expected) in zip(set.logmel.frames, set.logmel.values) {
            let row = Array(logMel.values[frame * logMel.featureCount..<(frame + 1) * logMel.featureCount])
            let worst = maxDifference(row, expected)
            #expect(worst.value <= 0.01, "frame \(frame) feature \(worst.index): expected \(expected[max(worst.index, 0)]), observed \(row[max(worst.index, 0)]), |diff| \(worst.value) dB")
        }
    }

    @Test(arguments: sets) func mfccWithinOneThousandthOfTheLargestCoefficient(_ set: Golden.ParameterSet) throws {
        let mfcc = try MFCC(set.config).extract(try signal(set))
        let scale = set.mfcc.values.flatMap { $0 }.map(abs).max() ?? 1
        for (frame, expected) in zip(set.mfcc.frames, set.mfcc.values) {
            let row = Array(mfcc.values[frame * mfcc.featureCount..<(frame + 1) * mfcc.featureCount])
            let worst = maxDifference(row, expected)
            #expect(worst.value <= 1e-3 * scale, "frame \(frame) coefficient \(worst.index): expected \(expected[max(worst.index, 0)]), observed \(row[max(worst.index, 0)]), |diff| \(worst.value), limit \(1e-3 * scale)")
        }
    }

    @Test(arguments: sets) func stftMagnitudeMatches(_ set: Golden.ParameterSet) throws {
        let c = set.config.logMel
        let spectrogram = try Spectrogram(.init(sampleRate: c.sampleRate, fftSize: c.fftSize, hopLength: c.hopLength,
                                                windowLength: c.windowLength, window: c.window, center: c.center,
                                                padMode: c.padMode, power: 1))
        let magnitude = spectrogram.extract(try signal(set))
        #expect(magnitude.frameCount == set.frameCount)
        for (frame, expected) in zip(set.stftMagnitude.frames, set.stftMagnitude.values) {
            let row = Array(magnitude.values[frame * magnitude.featureCount..<(frame + 1) * magnitude.featureCount])
            let peak = expected.map(abs).max() ?? 1
            let worst = maxDifference(row, expected)
            #expect(worst.value <= 1e-5 * peak, "frame \(frame) bin \(worst.index): |diff| \(worst.value), peak \(peak)")
        }
    }

    @Test(arguments: Golden.signals.loads) func loadAndResampleMatchLibrosaLoad(_ load: Golden.Load) throws {
        let signal = try Audio.load(Golden.path(load.input), sampleRate: load.sampleRate, offset: load.offset,
                                    duration: load.duration)
        #expect(signal.sampleRate == load.rate)
        #expect(signal.samples.count == load.count)
        let head = maxDifference(Array(signal.samples.prefix(load.head.count)), load.head)
        let tail = maxDifference(Array(signal.samples.suffix(load.tail.count)), load.tail)
        #expect(head.value <= 1e-4, "head sample \(head.index): |diff| \(head.value)")
        #expect(tail.value <= 1e-4, "tail sample \(tail.index): |diff| \(tail.value)")
    }

    @Test(arguments: Golden.signals.deltas) func deltasMatchSavitzkyGolayInterp(_ golden: Golden.Delta) throws {
        let frames = golden.input.count, channels = golden.input[0].count
        let input = FeatureMatrix(frameCount: frames, featureCount: channels,
                                  values: golden.input.flatMap { $0 }.map(Float.init))
        let output = try delta(input, width: golden.width, order: golden.order)
        let worst = maxDifference(output.values, golden.output.flatMap { $0 })
        #expect(worst.value <= 1e-5, "value \(worst.index): |diff| \(worst.value)")
    }

    @Test(arguments: Golden.signals.framewise) func rmsZeroCrossingsAndTrimMatch(_ golden: Golden.Framewise) throws {
        let samples = try Audio.load(Golden.path(golden.input)).samples
        let energy = rms(samples, frameLength: golden.frameLength, hopLength: golden.hopLength)
        #expect(energy.count == golden.rms.count)
        let worstRMS = maxDifference(energy, golden.rms)
        #expect(worstRMS.value <= 1e-6, "rms frame \(worstRMS.index): |diff| \(worstRMS.value)")
        let crossings = zeroCrossingRate(samples, frameLength: golden.frameLength, hopLength: golden.hopLength)
        #expect(crossings.count == golden.zcr.count)
        let worstZCR = maxDifference(crossings, golden.zcr)
        #expect(worstZCR.value <= 1e-7, "zcr frame \(worstZCR.index): |diff| \(worstZCR.value)")
        for expected in golden.trim {
            let trimmed = trimSilence(samples, topDB: Float(expected.topDB), frameLength: golden.frameLength,
                                      hopLength: golden.hopLength)
            #expect(trimmed.range == expected.start..<expected.end, "top_db \(expected.topDB)")
            #expect(trimmed.samples.count == expected.end - expected.start)
        }
    }
}
