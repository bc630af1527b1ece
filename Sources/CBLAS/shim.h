#include <cblas.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

/* Registers of one CPUID leaf; valid is 0 on non-x86 hosts or when the leaf is beyond the CPU's maximum. */
typedef struct {
    unsigned int eax, ebx, ecx, edx;
    int valid;
} exp_cpuid_registers;

static inline exp_cpuid_registers exp_cpuid(unsigned int leaf, unsigned int subleaf) {
    exp_cpuid_registers r = {0, 0, 0, 0, 0};
#if defined(__x86_64__) || defined(__i386__)
    r.valid = __get_cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx);
#else
    (void)leaf;
    (void)subleaf;
#endif
    return r;
}

/* XCR0: which register states the operating system saves (bits 1-2: SSE/AVX, 5-7: AVX-512); 0 without OSXSAVE. */
static inline unsigned long long exp_xcr0(void) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;
    unsigned int low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return ((unsigned long long)high << 32) | low;
#else
    return 0;
#endif
}
#include "vector_math.h"
