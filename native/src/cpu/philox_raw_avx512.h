// The AVX-512 producer of RawDraws (philox_avx2.h), as an always-inline
// function for AVX-512 code: BlockProposer calls it through fill_raw_avx512,
// and the CPU anneal's wide loop inlines it (no call in its trial loop, so
// its state stays in registers). x86-64 GCC/Clang only.
#pragma once
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include "philox_avx2.h"

namespace isn::cpu {

// GCC 12 reports its own _mm512_undefined_* helpers as uninitialised here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// M0 * L for the lanes L of a raw block (round 1 below adds instead of multiplying).
alignas(64) inline constexpr uint64_t kM0Lanes[kRawBlock] = {
    0xD2511F53ull * 0,  0xD2511F53ull * 1,  0xD2511F53ull * 2,  0xD2511F53ull * 3,  0xD2511F53ull * 4,
    0xD2511F53ull * 5,  0xD2511F53ull * 6,  0xD2511F53ull * 7,  0xD2511F53ull * 8,  0xD2511F53ull * 9,
    0xD2511F53ull * 10, 0xD2511F53ull * 11, 0xD2511F53ull * 12, 0xD2511F53ull * 13, 0xD2511F53ull * 14,
    0xD2511F53ull * 15, 0xD2511F53ull * 16, 0xD2511F53ull * 17, 0xD2511F53ull * 18, 0xD2511F53ull * 19,
    0xD2511F53ull * 20, 0xD2511F53ull * 21, 0xD2511F53ull * 22, 0xD2511F53ull * 23, 0xD2511F53ull * 24,
    0xD2511F53ull * 25, 0xD2511F53ull * 26, 0xD2511F53ull * 27, 0xD2511F53ull * 28, 0xD2511F53ull * 29,
    0xD2511F53ull * 30, 0xD2511F53ull * 31};

// RawDraws by fill_avx512's rounds, with the first two rounds folded: in a
// block whose 32 low counter words do not wrap, c1 (the index's high word),
// c2 (the domain) and c3 (0) are the same in every lane, so round 1's M1*c2
// and hence round 2's M0*c0 are scalars, and round 1's M0*c0 is
// M0*(g0 + L) = M0*g0 + M0*L, exact in 64 bits: an add. That leaves 18 of the
// 20 vector multiplies per draw and about 55 instead of 60 operations per
// eight. The words are the same; only which ones are computed once changes.
// Output as fill_raw_avx2, the select being one vpternlogq (0xD8: c ? b : a).
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"), always_inline)) inline void raw_fill_avx512(
    uint64_t seed, uint64_t g0, uint32_t domain, int32_t n, RawDraws& block) {
    constexpr int V = kRawBlock / 8;
    constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    const uint32_t glo = static_cast<uint32_t>(g0), ghi = static_cast<uint32_t>(g0 >> 32);
    if (glo > 0xFFFFFFFFu - static_cast<uint32_t>(kRawBlock - 1)) {  // the low word wraps inside the block
        fill_raw_scalar(seed, g0, domain, n, block);
        return;
    }
    uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
    const __m512i M0v = _mm512_set1_epi64(M0), M1v = _mm512_set1_epi64(M1);
    __m512i c0[V], c1[V], c2[V], c3[V];
    // Round 1: c0 = hi(M1*domain) ^ ghi ^ k0 and c1 = lo(M1*domain) in every lane.
    const uint64_t q1 = static_cast<uint64_t>(M1) * domain;
    const uint32_t r1c0 = static_cast<uint32_t>(q1 >> 32) ^ ghi ^ k0, r1c1 = static_cast<uint32_t>(q1);
    {
        const __m512i base = _mm512_set1_epi64(static_cast<long long>(static_cast<uint64_t>(M0) * glo));
        const __m512i K1 = _mm512_set1_epi64(k1);
        for (int v = 0; v < V; ++v) {
            const __m512i p0 = _mm512_add_epi64(base, _mm512_load_si512(kM0Lanes + 8 * v));
            c2[v] = _mm512_xor_si512(_mm512_srli_epi64(p0, 32), K1);
            c3[v] = p0;
        }
    }
    k0 += W0;
    k1 += W1;
    // Round 2: M0*c0 is a scalar; c3 becomes its low word in every lane.
    const uint64_t q2 = static_cast<uint64_t>(M0) * r1c0;
    const uint32_t r2c3 = static_cast<uint32_t>(q2);
    {
        const __m512i X0 = _mm512_set1_epi64(r1c1 ^ k0), X2 = _mm512_set1_epi64(static_cast<uint32_t>(q2 >> 32) ^ k1);
        for (int v = 0; v < V; ++v) {
            const __m512i p1 = _mm512_mul_epu32(M1v, c2[v]);
            c0[v] = _mm512_xor_si512(_mm512_srli_epi64(p1, 32), X0);
            c2[v] = _mm512_xor_si512(c3[v], X2);
            c1[v] = p1;
        }
    }
    k0 += W0;
    k1 += W1;
    // Round 3: the constant c3 folds into the key.
    {
        const __m512i K0 = _mm512_set1_epi64(k0), X2 = _mm512_set1_epi64(r2c3 ^ k1);
        for (int v = 0; v < V; ++v) {
            const __m512i p0 = _mm512_mul_epu32(M0v, c0[v]);
            const __m512i p1 = _mm512_mul_epu32(M1v, c2[v]);
            c0[v] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), c1[v], K0, 0x96);
            c2[v] = _mm512_xor_si512(_mm512_srli_epi64(p0, 32), X2);
            c1[v] = p1;
            c3[v] = p0;
        }
    }
    __m512i K0 = _mm512_set1_epi64(static_cast<uint32_t>(k0 + W0)), K1 = _mm512_set1_epi64(static_cast<uint32_t>(k1 + W1));
    const __m512i W0v = _mm512_set1_epi64(W0), W1v = _mm512_set1_epi64(W1);
    for (int round = 3; round < 10; ++round) {
        for (int v = 0; v < V; ++v) {
            const __m512i p0 = _mm512_mul_epu32(M0v, c0[v]);
            const __m512i p1 = _mm512_mul_epu32(M1v, c2[v]);
            c0[v] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), c1[v], K0, 0x96);
            c2[v] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), c3[v], K1, 0x96);
            c1[v] = p1;
            c3[v] = p0;
        }
        K0 = _mm512_add_epi64(K0, W0v);  // carries go into the ignored high halves
        K1 = _mm512_add_epi64(K1, W1v);
    }
    const __m512i nv = _mm512_set1_epi64(n);
    const __m512i low26 = _mm512_set1_epi64(0x3FFFFFFll);
    for (int v = 0; v < V; ++v) {
        _mm512_storeu_si512(block.site_words + 16 * v, _mm512_mul_epu32(c0[v], nv));
        const __m512i a = _mm512_srli_epi64(_mm512_slli_epi64(c1[v], 32), 11);
        const __m512i b = _mm512_srli_epi64(c2[v], 6);
        _mm512_storeu_si512(block.u53 + 8 * v, _mm512_ternarylogic_epi64(a, b, low26, 0xD8));
    }
}

#pragma GCC diagnostic pop

}  // namespace isn::cpu
#endif
