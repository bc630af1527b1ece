#include <fftw3.h>

/* FFTW's version string (fftwf_version is an array of unstated size, which Swift does not import). */
static inline const char *exp_fftwf_version(void) { return fftwf_version; }
