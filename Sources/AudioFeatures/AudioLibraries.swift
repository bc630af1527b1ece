/// Versions of the C libraries behind audio decoding, resampling and FFTs, for `exp env` and bug reports.
public enum AudioLibraries {
    /// FFTW (single precision), e.g. `fftw-3.3.10-sse2-avx`.
    public static var fftw: String { FFTPlan.libraryVersion }
    /// libsndfile, e.g. `libsndfile-1.2.0`.
    public static var sndfile: String { AudioFile.libraryVersion }
    /// libsoxr, e.g. `libsoxr-0.1.3`.
    public static var soxr: String { Resampler.libraryVersion }
}
