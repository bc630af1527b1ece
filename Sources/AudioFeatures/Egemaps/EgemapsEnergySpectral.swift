import Foundation

/// The ten eGeMAPS v02 descriptors computed on 20 ms Hamming frames every 10 ms, before smoothing: loudness,
/// spectral balance (alpha ratio, Hammarberg index, two slopes), spectral flux and MFCC 1–4.
///
/// Contours are `[T]` per descriptor with `T = 1 + (n - L) / hop` whole frames (`L = 20 ms`, `hop = 10 ms`).
struct EgemapsEnergySpectral: Sendable {
    /// Raw contours, one value per 20 ms frame, in eGeMAPS column order.
    struct Contours: Sendable, Equatable {
        var loudness: [Float] = []
        var alphaRatio: [Float] = []
        var hammarbergIndex: [Float] = []
        var slope0to500: [Float] = []
        var slope500to1500: [Float] = []
        var spectralFlux: [Float] = []
        var mfcc: [[Float]] = [[], [], [], []]
        /// Mean square of the unwindowed frame (openSMILE `cEnergy` `energy2`), for the equivalent sound level.
        var meanSquare: [Float] = []

        /// The ten descriptor contours in eGeMAPS order (`Loudness` … `mfcc4`).
        var columns: [[Float]] {
            [loudness, alphaRatio, hammarbergIndex, slope0to500, slope500to1500, spectralFlux] + mfcc
        }
    }

    let framing: EgemapsFraming
    private let loudness: EgemapsLoudness
    private let balance: EgemapsSpectralBalance
    private let cepstral: EgemapsCepstral

    init(sampleRate: Int) {
        framing = EgemapsFraming(sampleRate: sampleRate, frameSeconds: 0.020, shape: .hamming)
        loudness = EgemapsLoudness(sampleRate: sampleRate, fftSize: framing.fftSize)
        balance = EgemapsSpectralBalance(sampleRate: sampleRate, fftSize: framing.fftSize)
        cepstral = EgemapsCepstral(sampleRate: sampleRate, fftSize: framing.fftSize)
    }

    func contours(_ samples: [Float]) -> Contours {
        let spectra = framing.magnitudes(samples)
        var c = Contours()
        var previous: [Float]? = nil
        for (t, magnitude) in spectra.enumerated() {
            c.loudness.append(loudness(magnitude: magnitude))
            let b = balance(magnitude: magnitude)
            c.alphaRatio.append(b.alphaRatio)
            c.hammarbergIndex.append(b.hammarbergIndex)
            c.slope0to500.append(b.slope0to500)
            c.slope500to1500.append(b.slope500to1500)
            c.spectralFlux.append(cepstral.flux(previous: previous, current: magnitude))
            previous = magnitude
            let m = cepstral.mfcc(magnitude: magnitude)
            for i in 0..<4 { c.mfcc[i].append(m[i]) }
            var sum = 0.0
            for x in framing.frame(samples, t) { sum += Double(x) * Double(x) }
            c.meanSquare.append(Float(sum / Double(framing.frameLength)))
        }
        return c
    }
}
