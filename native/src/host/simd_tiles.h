// AVX-512 building blocks for scans that compare J with its transpose: an
// 8x8 tile of doubles is 8 zmm registers (one 64-byte line per row), so a
// tile and its mirror are compared with 16 loads and a 24-shuffle in-register
// transpose instead of column-strided scalar reads. Tiles that reach past n
// use masked loads (lanes and rows outside the matrix read as +0 and never
// touch memory), so any n needs no scalar tail. Used by
// exactly_symmetric_avx512 (simd_checks.h) and the one-pass observe
// (simd_observe.h). Host-only (x86-64 GCC/Clang), used only when
// cpu_has_avx512().
#pragma once
#include <cstdint>

#include "../common/limits.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ISN_HAVE_AVX512_TILES 1
#define ISN_AVX512_TARGET __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw")))

// GCC 12 warns spuriously (-Wmaybe-uninitialized) inside AVX-512 intrinsics
// that start from _mm512_undefined_*; the values are fully defined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace isn::cpu::tiles {

// The mask of lanes [0, count), count clamped to [0, 8].
ISN_AVX512_TARGET inline __mmask8 lanes_below(int64_t count) {
    return count >= 8 ? static_cast<__mmask8>(0xFF)
                      : count <= 0 ? static_cast<__mmask8>(0) : static_cast<__mmask8>((1u << count) - 1u);
}

// t[r] = J[row0 + r][col0 .. col0 + 7]; zero outside the n x n matrix. A row
// past n loads with an empty mask from a clamped (valid) address.
ISN_AVX512_TARGET inline void load_tile(const double* J, int64_t n, int64_t row0, int64_t col0, __m512d t[8]) {
    const __mmask8 cols = lanes_below(n - col0);
    if (cols == 0xFF && row0 + 8 <= n) {  // a whole tile: plain loads (a masked load costs an extra uop)
#pragma GCC unroll 8
        for (int r = 0; r < 8; ++r) t[r] = _mm512_loadu_pd(J + (row0 + r) * n + col0);
        return;
    }
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) {
        const bool inside = row0 + r < n;
        t[r] = _mm512_maskz_loadu_pd(inside ? cols : static_cast<__mmask8>(0), J + (inside ? row0 + r : row0) * n + col0);
    }
}

// In-place transpose of an 8x8 tile: pairs of rows interleaved, then 128-bit
// then 256-bit lanes exchanged (8 + 8 + 8 shuffles).
ISN_AVX512_TARGET inline void transpose(__m512d t[8]) {
    __m512d u[8];
    for (int k = 0; k < 4; ++k) {
        u[2 * k] = _mm512_unpacklo_pd(t[2 * k], t[2 * k + 1]);      // r0c0 r1c0 r0c2 r1c2 ...
        u[2 * k + 1] = _mm512_unpackhi_pd(t[2 * k], t[2 * k + 1]);  // r0c1 r1c1 r0c3 r1c3 ...
    }
    const __m512i lo = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13), hi = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
    __m512d v[8];
    for (int k = 0; k < 2; ++k) {
        const int a = 4 * k;  // rows 4k .. 4k+3
        v[a + 0] = _mm512_permutex2var_pd(u[a], lo, u[a + 2]);      // columns 0 and 4 of the four rows
        v[a + 1] = _mm512_permutex2var_pd(u[a + 1], lo, u[a + 3]);  // columns 1 and 5
        v[a + 2] = _mm512_permutex2var_pd(u[a], hi, u[a + 2]);      // columns 2 and 6
        v[a + 3] = _mm512_permutex2var_pd(u[a + 1], hi, u[a + 3]);  // columns 3 and 7
    }
    for (int c = 0; c < 4; ++c) {
        t[c] = _mm512_shuffle_f64x2(v[c], v[c + 4], 0x44);      // column c: rows 0-3 then 4-7
        t[c + 4] = _mm512_shuffle_f64x2(v[c], v[c + 4], 0xEE);  // column c + 4
    }
}

// The exact-symmetry tier of ALGORITHM section 12 over tiles: `differ` ORs
// a XOR mirror (zero iff bitwise equal), `biggest` keeps the largest
// magnitude bits (within ISN_MAX_MAGNITUDE iff at most kMaxMagnitudeBits;
// infinities and NaNs are larger).
struct SymmetryState {
    __m512i differ, biggest, diagonal;
};

ISN_AVX512_TARGET inline SymmetryState symmetry_start() {
    return SymmetryState{_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
}

// Tile (I, K) of J, read row by row, against mirror_t = tile (K, I)
// transposed. On the diagonal (I == K) the diagonal lanes are collected too.
// The rows of (I, K) are loaded here, one at a time, so that they need no
// registers of their own across the transpose. kFinite: also keep the
// largest magnitude (a caller that proves finiteness otherwise skips it).
template <bool kFinite>
ISN_AVX512_TARGET inline void compare(const double* J, int64_t n, int64_t I, int64_t K, const __m512d mirror_t[8],
                                      SymmetryState& st) {
    const __m512i abs_mask = _mm512_set1_epi64(0x7FFFFFFFFFFFFFFFll);
    const __mmask8 cols = lanes_below(n - K);
    const bool whole = cols == 0xFF && I + 8 <= n;
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) {
        const bool inside = I + r < n;
        const double* row = J + (inside ? I + r : I) * n + K;
        const __m512i ar = _mm512_castpd_si512(
            whole ? _mm512_loadu_pd(row) : _mm512_maskz_loadu_pd(inside ? cols : static_cast<__mmask8>(0), row));
        st.differ = _mm512_or_si512(st.differ, _mm512_xor_si512(ar, _mm512_castpd_si512(mirror_t[r])));
        if (kFinite) st.biggest = _mm512_max_epu64(st.biggest, _mm512_and_si512(ar, abs_mask));
        if (I == K)
            st.diagonal = _mm512_mask_or_epi64(st.diagonal, static_cast<__mmask8>(1u << r), st.diagonal,
                                               _mm512_and_si512(ar, abs_mask));
    }
}

// Every pair bitwise equal, every magnitude within ISN_MAX_MAGNITUDE (so
// finite), the diagonal +0/-0.
ISN_AVX512_TARGET inline bool symmetry_passed(const SymmetryState& st) {
    const __m512i bound = _mm512_set1_epi64(static_cast<long long>(kMaxMagnitudeBits));
    return _mm512_test_epi64_mask(st.differ, st.differ) == 0 && _mm512_test_epi64_mask(st.diagonal, st.diagonal) == 0 &&
           _mm512_cmpgt_epu64_mask(st.biggest, bound) == 0;
}

}  // namespace isn::cpu::tiles

#pragma GCC diagnostic pop

#endif
