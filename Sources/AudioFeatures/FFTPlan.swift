import CFFTW
import Foundation

/// A single-precision real-input FFTW plan of one size (the only file that imports FFTW).
///
/// FFTW's planner is not thread-safe, its executor is: plans are created once per size under a lock
/// (`FFTPlan.forward(size:)`) and then run concurrently by `FFTWorkspace`s with FFTW's new-array interface,
/// each workspace owning its arrays (allocated by FFTW, so alignment matches the plan's).
///
/// For an even size `N = 2M` the real transform is computed as one complex FFT of `M` points over the
/// even/odd sample pairs, followed by the standard split step (below). With `FFTW_ESTIMATE` (chosen so
/// results are bit-identical from run to run) FFTW's own 512-point r2c plan takes about 3× as long as its
/// 256-point complex plan here, and the split step costs less than the difference.
///
/// ```
/// z[m] = x[2m] + i x[2m+1],  Z = FFT_M(z)
/// X[k] = (Z[k] + Z*[M-k]) / 2  +  e^{-2πik/N} (Z[k] - Z*[M-k]) / (2i),   k = 0 … M   (Z[M] = Z[0])
/// ```
final class FFTPlan: @unchecked Sendable {
    let size: Int
    private let plan: OpaquePointer
    /// `cos(2πk/N)` and `sin(2πk/N)` for `k = 0 … N/2` (even sizes only); written once in `init`.
    fileprivate let cosines: UnsafeMutablePointer<Float>
    fileprivate let sines: UnsafeMutablePointer<Float>
    var isHalfComplex: Bool { size % 2 == 0 }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var plans: [Int: FFTPlan] = [:]

    /// The shared forward plan for `size`-point real input (created on first use, then reused by every thread).
    static func forward(size: Int) -> FFTPlan {
        precondition(size > 0, "FFTPlan.forward expects size > 0, got \(size)")
        lock.lock()
        defer { lock.unlock() }
        if let plan = plans[size] { return plan }
        let plan = FFTPlan(size: size)
        plans[size] = plan
        return plan
    }

    private init(size: Int) {
        self.size = size
        let half = size / 2
        guard let input = fftwf_alloc_real(size), let output = fftwf_alloc_complex(half + 1) else {
            preconditionFailure("FFTW could not allocate \(size)-point buffers")
        }
        defer { fftwf_free(input); fftwf_free(output) }
        // FFTW_PRESERVE_INPUT: the STFT writes only the window's support and relies on the zeros around it.
        let flags = UInt32(FFTW_ESTIMATE) | UInt32(FFTW_PRESERVE_INPUT)
        let made: OpaquePointer?
        if size % 2 == 0 {
            let pairs = UnsafeMutableRawPointer(input).bindMemory(to: fftwf_complex.self, capacity: half)
            made = fftwf_plan_dft_1d(Int32(half), pairs, output, FFTW_FORWARD, flags)
        } else {
            made = fftwf_plan_dft_r2c_1d(Int32(size), input, output, flags)
        }
        guard let made else { preconditionFailure("FFTW could not plan a \(size)-point real FFT") }
        self.plan = made
        let step = 2 * Double.pi / Double(size)
        self.cosines = .allocate(capacity: half + 1)
        self.sines = .allocate(capacity: half + 1)
        for k in 0...half {
            cosines[k] = Float(cos(step * Double(k)))
            sines[k] = Float(sin(step * Double(k)))
        }
    }

    deinit {
        fftwf_destroy_plan(plan)
        cosines.deallocate()
        sines.deallocate()
    }

    fileprivate func execute(input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<fftwf_complex>) {
        if isHalfComplex {
            let pairs = UnsafeMutableRawPointer(input).bindMemory(to: fftwf_complex.self, capacity: size / 2)
            fftwf_execute_dft(plan, pairs, output)
        } else {
            fftwf_execute_dft_r2c(plan, input, output)
        }
    }
}

/// One thread's FFT input frame and spectrum, reused for every frame of a clip (no per-frame allocation).
final class FFTWorkspace {
    let size: Int
    /// `size` real samples; write the windowed frame here.
    let input: UnsafeMutablePointer<Float>
    /// `size / 2 + 1` complex bins, interleaved `[re, im]`, valid after `execute()`.
    let spectrum: UnsafeMutablePointer<Float>
    private let complex: UnsafeMutablePointer<fftwf_complex>
    private let scratch: UnsafeMutablePointer<fftwf_complex>
    private let plan: FFTPlan

    init(size: Int) {
        self.size = size
        self.plan = FFTPlan.forward(size: size)
        let bins = size / 2 + 1
        guard let input = fftwf_alloc_real(size), let complex = fftwf_alloc_complex(bins),
              let scratch = fftwf_alloc_complex(bins) else {
            preconditionFailure("FFTW could not allocate \(size)-point buffers")
        }
        input.initialize(repeating: 0, count: size)
        self.input = input
        self.complex = complex
        self.scratch = scratch
        self.spectrum = UnsafeMutableRawPointer(complex).bindMemory(to: Float.self, capacity: 2 * bins)
    }

    deinit {
        fftwf_free(input)
        fftwf_free(complex)
        fftwf_free(scratch)
    }

    /// Transforms `input` into `spectrum` (unnormalised DFT, `X[k] = Σ_n x[n] e^{-2πikn/N}`).
    func execute() {
        guard plan.isHalfComplex else {
            plan.execute(input: input, output: complex)
            return
        }
        plan.execute(input: input, output: scratch)
        let half = size / 2
        let z = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: Float.self)
        let x = spectrum, cosines = plan.cosines, sines = plan.sines
        // k = 0 and k = M pair Z[0] with itself: X[0] = Re + Im, X[M] = Re - Im.
        x[0] = z[0] + z[1]
        x[1] = 0
        x[2 * half] = z[0] - z[1]
        x[2 * half + 1] = 0
        for k in 1..<half {
            let ar = z[2 * k], ai = z[2 * k + 1]
            let br = z[2 * (half - k)], bi = -z[2 * (half - k) + 1]
            let evenRe = 0.5 * (ar + br), evenIm = 0.5 * (ai + bi)
            let oddRe = 0.5 * (ai - bi), oddIm = -0.5 * (ar - br)
            let c = cosines[k], s = sines[k]
            x[2 * k] = evenRe + c * oddRe + s * oddIm
            x[2 * k + 1] = evenIm + c * oddIm - s * oddRe
        }
    }
}

extension FFTPlan {
    /// The linked FFTW's version string, e.g. `fftw-3.3.10-sse2-avx`.
    static var libraryVersion: String { String(cString: exp_fftwf_version()) }
}
