#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator tuning for programs that stream many clips.
public enum ProcessMemory {
    /// Keeps freed heap memory in the process instead of returning it to the kernel after every clip.
    ///
    /// Each clip allocates a few arrays of 0.2–1 MB (decoded samples, resampled samples). glibc serves those
    /// with `mmap` or trims them from the heap on `free`, so every clip page-faults its buffers in again; in
    /// `exp bench features` that kernel work was ~40% of the run time. Raising the mmap and trim thresholds to
    /// 256 MB lets the same pages be reused. Peak memory stays the largest clip's working set, flat in the
    /// number of files. A no-op where the C library is not glibc.
    public static func retainFreedMemory() {
        #if canImport(Glibc)
        // mallopt lives in <malloc.h>, which the Glibc module does not export: look it up by name.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 256 << 20)
        _ = mallopt(trimThreshold, 256 << 20)
        #endif
    }
}
