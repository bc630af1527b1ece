/* Vector kernels that need instruction sets beyond the x86-64 baseline the Swift code is compiled for. Each is
   compiled for its target alone (function attribute) and must be called only after CPUID says the CPU and the
   operating system support it. */

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define EXP_AVX512 __attribute__((target("avx512f"), always_inline)) static inline

/* tanh as Eigen's [13/6] rational fit on [-7.9, 7.9] (relative error below 4e-7), the function FastMath.swift
   evaluates eight lanes at a time; NaN passes through the clamp. */
EXP_AVX512 __m512 exp_tanh16(__m512 input) {
    const __m512 bound = _mm512_set1_ps(7.905311107635498f);
    const __m512 x = _mm512_max_ps(_mm512_sub_ps(_mm512_setzero_ps(), bound), _mm512_min_ps(bound, input));
    const __m512 x2 = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(-2.76076847742355e-16f);
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(2.00018790482477e-13f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-8.60467152213735e-11f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(5.12229709037114e-08f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(1.48572235717979e-05f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(6.37261928875436e-04f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(4.89352455891786e-03f));
    __m512 q = _mm512_set1_ps(1.19825839466702e-06f);
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(1.18534705686654e-04f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(2.26843463243900e-03f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(4.89352518554385e-03f));
    return _mm512_div_ps(_mm512_mul_ps(x, p), q);
}

/* sigmoid(x) = 1/2 + 1/2 tanh(x/2). */
EXP_AVX512 __m512 exp_sigmoid16(__m512 x) {
    const __m512 half = _mm512_set1_ps(0.5f);
    return _mm512_fmadd_ps(half, exp_tanh16(_mm512_mul_ps(half, x)), half);
}

/* One LSTM step of one example over h units, in one pass: gate[4h] holds the pre-activations i, f, g, o and is
   overwritten with the activated gates; cell = f * cell_prev + i * g (cell_prev NULL: zero state; it may equal
   cell), cell_tanh = tanh(cell), hidden = o * cell_tanh. */
__attribute__((target("avx512f"))) static inline void exp_lstm_cell_avx512(
    float *gate, const float *cell_prev, float *cell, float *cell_tanh, float *hidden, long h) {
    for (long j = 0; j < h; j += 16) {
        const __mmask16 m = h - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (h - j)) - 1);
        const __m512 i = exp_sigmoid16(_mm512_maskz_loadu_ps(m, gate + j));
        const __m512 f = exp_sigmoid16(_mm512_maskz_loadu_ps(m, gate + h + j));
        const __m512 g = exp_tanh16(_mm512_maskz_loadu_ps(m, gate + 2 * h + j));
        const __m512 o = exp_sigmoid16(_mm512_maskz_loadu_ps(m, gate + 3 * h + j));
        const __m512 ig = _mm512_mul_ps(i, g);
        const __m512 c = cell_prev ? _mm512_fmadd_ps(f, _mm512_maskz_loadu_ps(m, cell_prev + j), ig) : ig;
        const __m512 t = exp_tanh16(c);
        _mm512_mask_storeu_ps(gate + j, m, i);
        _mm512_mask_storeu_ps(gate + h + j, m, f);
        _mm512_mask_storeu_ps(gate + 2 * h + j, m, g);
        _mm512_mask_storeu_ps(gate + 3 * h + j, m, o);
        _mm512_mask_storeu_ps(cell + j, m, c);
        _mm512_mask_storeu_ps(cell_tanh + j, m, t);
        _mm512_mask_storeu_ps(hidden + j, m, _mm512_mul_ps(o, t));
    }
}
#define EXP_HAS_AVX512_KERNELS 1
#else
static inline void exp_lstm_cell_avx512(float *gate, const float *cell_prev, float *cell, float *cell_tanh,
                                        float *hidden, long h) {
    (void)gate; (void)cell_prev; (void)cell; (void)cell_tanh; (void)hidden; (void)h;
    __builtin_trap(); /* callers check for AVX-512 first, which only x86-64 has */
}
#endif
