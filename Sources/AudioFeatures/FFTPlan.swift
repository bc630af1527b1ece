import CFFTW
import Foundation

/// A single-precision real-to-complex FFTW plan of one size (the only file that imports FFTW).
///
/// FFTW's planner is not thread-safe, its executor is: plans are created once per size under a lock
/// (`FFTPlan.forward(size:)`) and then run concurrently by `FFTWorkspace`s with the new-array interface
/// `fftwf_execute_dft_r2c`, each workspace owning its arrays (allocated by FFTW, so alignment matches the plan's).
final class FFTPlan: @unchecked Sendable {
    let size: Int
    private let plan: OpaquePointer

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
        guard let input = fftwf_alloc_real(size), let output = fftwf_alloc_complex(size / 2 + 1) else {
            preconditionFailure("FFTW could not allocate \(size)-point buffers")
        }
        defer { fftwf_free(input); fftwf_free(output) }
        // FFTW_ESTIMATE picks the algorithm without timing runs, so results are bit-identical from run to run.
        guard let plan = fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE)) else {
            preconditionFailure("FFTW could not plan a \(size)-point real FFT")
        }
        self.plan = plan
    }

    deinit { fftwf_destroy_plan(plan) }

    fileprivate func execute(input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<fftwf_complex>) {
        fftwf_execute_dft_r2c(plan, input, output)
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
    private let plan: FFTPlan

    init(size: Int) {
        self.size = size
        self.plan = FFTPlan.forward(size: size)
        guard let input = fftwf_alloc_real(size), let complex = fftwf_alloc_complex(size / 2 + 1) else {
            preconditionFailure("FFTW could not allocate \(size)-point buffers")
        }
        input.initialize(repeating: 0, count: size)
        self.input = input
        self.complex = complex
        self.spectrum = UnsafeMutableRawPointer(complex).bindMemory(to: Float.self, capacity: 2 * (size / 2 + 1))
    }

    deinit {
        fftwf_free(input)
        fftwf_free(complex)
    }

    /// Transforms `input` into `spectrum` (unnormalised DFT, `X[k] = Σ_n x[n] e^{-2πikn/N}`).
    func execute() { plan.execute(input: input, output: complex) }
}
