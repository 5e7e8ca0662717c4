// SIMD versions of two O(n^2) integer/bitwise scans that every small call
// pays for (the emotion batch of 100 systems is almost nothing else):
//   - the exact-symmetry fast tier of argument validation (ALGORITHM section
//     12): every J_ij bitwise equal to J_ji, all finite, diagonal +0/-0;
//   - the frustration counts of ALGORITHM section 3 (nz, fr): integers, so
//     their order is free and a vector popcount gives exactly the same counts.
// The symmetry scan comes as AVX2 4x4 tiles and AVX-512 8x8 tiles (the one
// validation uses where the CPU has it: every native anneal pays it once per
// system, an 8 MB pass at n = 1000). All return exactly what the scalar
// definitions return; callers use them only when cpu_has_avx2() /
// cpu_has_avx512(). Host-only (x86-64 GCC/Clang);
// never in core (the GPU compiles core).
#pragma once
#include <cstdint>

#include "simd_tiles.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ISN_HAVE_AVX2_CHECKS 1
#endif

namespace isn::cpu {

inline bool cpu_has_avx2() {
#ifdef ISN_HAVE_AVX2_CHECKS
    static const bool has = __builtin_cpu_supports("avx2");
    return has;
#else
    return false;
#endif
}

#ifdef ISN_HAVE_AVX2_CHECKS

// J against its transpose in 4x4 tiles (tile (I,K) against the transposed
// tile (K,I), K >= I; loads only, no gathers), the rows/columns past the last
// whole tile scalar: bitwise equal and within ISN_MAX_MAGNITUDE everywhere,
// diagonal +-0.
__attribute__((target("avx2"))) inline bool exactly_symmetric_avx2(const double* J, int64_t n) {
    constexpr uint64_t kAbs = 0x7FFFFFFFFFFFFFFFull;
    const __m256i abs_mask = _mm256_set1_epi64x(static_cast<long long>(kAbs));
    const __m256i bound = _mm256_set1_epi64x(static_cast<long long>(kMaxMagnitudeBits));
    __m256i differ = _mm256_setzero_si256(), too_big = _mm256_setzero_si256();
    const int64_t tiled = n / 4 * 4;
    for (int64_t I = 0; I < tiled; I += 4)
        for (int64_t K = I; K < tiled; K += 4) {
            const double* a = J + I * n + K;  // rows I.., columns K..
            const double* b = J + K * n + I;  // rows K.., columns I..
            const __m256d b0 = _mm256_loadu_pd(b), b1 = _mm256_loadu_pd(b + n);
            const __m256d b2 = _mm256_loadu_pd(b + 2 * n), b3 = _mm256_loadu_pd(b + 3 * n);
            const __m256d t0 = _mm256_unpacklo_pd(b0, b1), t1 = _mm256_unpackhi_pd(b0, b1);
            const __m256d t2 = _mm256_unpacklo_pd(b2, b3), t3 = _mm256_unpackhi_pd(b2, b3);
            const __m256d bt[4] = {_mm256_permute2f128_pd(t0, t2, 0x20), _mm256_permute2f128_pd(t1, t3, 0x20),
                                   _mm256_permute2f128_pd(t0, t2, 0x31), _mm256_permute2f128_pd(t1, t3, 0x31)};
            for (int r = 0; r < 4; ++r) {
                const __m256i ar = _mm256_castpd_si256(_mm256_loadu_pd(a + r * n));
                differ = _mm256_or_si256(differ, _mm256_xor_si256(ar, _mm256_castpd_si256(bt[r])));
                // magnitudes are < 2^63, so the signed compare is the unsigned one
                too_big = _mm256_or_si256(too_big, _mm256_cmpgt_epi64(_mm256_and_si256(ar, abs_mask), bound));
            }
        }
    uint64_t d = 0, big = 0, diagonal = 0;
    for (int64_t i = 0; i < n; ++i) {
        const double* row = J + i * n;
        uint64_t x;
        __builtin_memcpy(&x, row + i, sizeof x);
        diagonal |= x & kAbs;
        for (int64_t j = (i + 1 > tiled ? i + 1 : tiled); j < n; ++j) {
            uint64_t p, q;
            __builtin_memcpy(&p, row + j, sizeof p);
            __builtin_memcpy(&q, J + j * n + i, sizeof q);
            d |= p ^ q;
            big |= (p & kAbs) > kMaxMagnitudeBits ? 1u : 0u;
        }
    }
    return _mm256_testz_si256(differ, differ) && _mm256_testz_si256(too_big, too_big) && d == 0 && big == 0 &&
           diagonal == 0;
}

// exactly_symmetric_avx2 in 8x8 tiles (simd_tiles.h), masked at the edges.
// For large n the matrix (8 MB at n = 1000) comes from L3 or memory, so the
// order of the tile pairs is what costs: they are visited in bands of kBand
// columns, so the mirror tiles of a band are kBand/8 consecutive 64-byte
// lines of each row below, and the lines kAhead rows further down (and
// kAhead columns further right in the band's own rows) are prefetched, which
// the hardware prefetchers do not do for a column walk. Every element is
// still read once, at about the speed of a plain sequential read of J
// (docs/PERFORMANCE.md, "Decisions behind the native code").
ISN_AVX512_TARGET inline bool exactly_symmetric_avx512(const double* J, int64_t n) {
    constexpr int64_t kBand = 32, kAhead = 16;
    tiles::SymmetryState st = tiles::symmetry_start();
    __m512d b[8];
    for (int64_t band = 0; band < n; band += kBand) {
        const int64_t band_end = band + kBand < n ? band + kBand : n;
        for (int64_t K = band; K < n; K += 8) {
            const int64_t ahead = K + kAhead;
            if (ahead < n) {
                for (int64_t r = band; r < band_end; ++r)  // the band's rows, further right
                    _mm_prefetch(reinterpret_cast<const char*>(J + r * n + ahead), _MM_HINT_T0);
                for (int64_t r = ahead; r < ahead + 8 && r < n; ++r)  // the mirror rows, further down
                    for (int64_t c = band; c < band_end; c += 8)
                        _mm_prefetch(reinterpret_cast<const char*>(J + r * n + c), _MM_HINT_T0);
            }
            for (int64_t I = band; I < band_end && I <= K; I += 8) {
                tiles::load_tile(J, n, K, I, b);  // tile (K, I), transposed against tile (I, K)
                tiles::transpose(b);
                tiles::compare<true>(J, n, I, K, b, st);
            }
        }
    }
    return tiles::symmetry_passed(st);
}

// nz = #{i<j: J_ij != 0}, fr = #{i<j: J_ij != 0 and (J_ij s_i) s_j < 0}, with
// the same comparisons as core::frustration per element: NaN counts as
// nonzero (unordered != is true) and never as frustrated (ordered <).
// sd: scratch of at least n + 3 doubles (the spins as doubles, padded).
// Each row starts at the aligned column below i+1 and masks the lanes
// j <= i and j >= n (masked loads never touch them); lane counters are
// integer vectors (a true compare is -1), so no scalar work per vector.
__attribute__((target("avx2"))) inline void frustration_counts_avx2(int32_t n, const double* J, const int8_t* s,
                                                                  double* sd, int64_t& nz, int64_t& fr) {
    for (int32_t j = 0; j < n; ++j) sd[j] = static_cast<double>(s[j]);
    for (int32_t j = n; j < n + 3; ++j) sd[j] = 0.0;
    const __m256d zero = _mm256_setzero_pd();
    const __m256i lane = _mm256_setr_epi64x(0, 1, 2, 3), nv = _mm256_set1_epi64x(n);
    __m256i cz = _mm256_setzero_si256(), cf = _mm256_setzero_si256();
    for (int32_t i = 0; i < n; ++i) {
        const double* row = J + static_cast<int64_t>(i) * n;
        const __m256d si = _mm256_set1_pd(sd[i]);
        const __m256i iv = _mm256_set1_epi64x(i);
        for (int32_t j = (i + 1) & ~3; j < n; j += 4) {
            const __m256i jv = _mm256_add_epi64(_mm256_set1_epi64x(j), lane);
            const __m256i live = _mm256_and_si256(_mm256_cmpgt_epi64(jv, iv), _mm256_cmpgt_epi64(nv, jv));
            const __m256d a = _mm256_maskload_pd(row + j, live);  // dead lanes read as +0: never counted
            const __m256d prod = _mm256_mul_pd(_mm256_mul_pd(a, si), _mm256_loadu_pd(sd + j));
            cz = _mm256_sub_epi64(cz, _mm256_and_si256(live, _mm256_castpd_si256(_mm256_cmp_pd(a, zero, _CMP_NEQ_UQ))));
            cf = _mm256_sub_epi64(cf, _mm256_castpd_si256(_mm256_cmp_pd(prod, zero, _CMP_LT_OQ)));
        }
    }
    alignas(32) int64_t z[4], f[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(z), cz);
    _mm256_store_si256(reinterpret_cast<__m256i*>(f), cf);
    nz = z[0] + z[1] + z[2] + z[3];
    fr = f[0] + f[1] + f[2] + f[3];
}

inline bool cpu_has_avx512() {
    static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                            __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
    return has;
}

// frustration_counts_avx2 with eight lanes and mask registers: a row starts at
// its first column i+1 and its last vector is masked (sd: at least n + 7).
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))) inline void frustration_counts_avx512(
    int32_t n, const double* J, const int8_t* s, double* sd, int64_t& nz, int64_t& fr) {
    for (int32_t j = 0; j < n; ++j) sd[j] = static_cast<double>(s[j]);
    for (int32_t j = n; j < n + 7; ++j) sd[j] = 0.0;
    const __m512d zero = _mm512_setzero_pd();
    const __m512i one = _mm512_set1_epi64(1);
    __m512i cz = _mm512_setzero_si512(), cf = _mm512_setzero_si512();
    for (int32_t i = 0; i < n; ++i) {
        const double* row = J + static_cast<int64_t>(i) * n;
        const __m512d si = _mm512_set1_pd(sd[i]);
        for (int32_t j = i + 1; j < n; j += 8) {
            const int32_t left = n - j;
            const __mmask8 live = left >= 8 ? static_cast<__mmask8>(0xFF) : static_cast<__mmask8>((1u << left) - 1u);
            const __m512d a = _mm512_maskz_loadu_pd(live, row + j);
            const __m512d prod = _mm512_mul_pd(_mm512_mul_pd(a, si), _mm512_loadu_pd(sd + j));
            cz = _mm512_mask_add_epi64(cz, _mm512_mask_cmp_pd_mask(live, a, zero, _CMP_NEQ_UQ), cz, one);
            cf = _mm512_mask_add_epi64(cf, _mm512_mask_cmp_pd_mask(live, prod, zero, _CMP_LT_OQ), cf, one);
        }
    }
    // Stored and summed by hand: GCC 12 warns spuriously inside _mm512_reduce_add_epi64.
    alignas(64) int64_t z[8], f[8];
    _mm512_store_si512(z, cz);
    _mm512_store_si512(f, cf);
    nz = 0;
    fr = 0;
    for (int q = 0; q < 8; ++q) {
        nz += z[q];
        fr += f[q];
    }
}

#endif

}  // namespace isn::cpu
