#include "philox_avx2.h"
#include "philox_raw_avx512.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ISN_HAVE_AVX2_PATH 1
#endif

namespace isn::cpu {

#ifdef ISN_HAVE_AVX2_PATH
namespace {

static_assert(core::kDrawBlock % 4 == 0, "AVX2 path fills four proposals per vector");

// Each 64-bit lane holds one 32-bit counter word in its low half, so
// _mm256_mul_epu32 yields the exact 32x32 -> 64-bit products of Philox.
__attribute__((target("avx2"))) void fill_avx2(uint64_t seed, uint64_t g0, uint32_t domain, int32_t n,
                                               core::DrawBlock& block) {
    constexpr int V = core::kDrawBlock / 4;
    const __m256i lo32 = _mm256_set1_epi64x(0xFFFFFFFFll);
    const __m256i M0 = _mm256_set1_epi64x(0xD2511F53ll), M1 = _mm256_set1_epi64x(0xCD9E8D57ll);
    __m256i c0[V], c1[V], c2[V], c3[V];
    for (int v = 0; v < V; ++v) {
        const uint64_t g = g0 + 4u * static_cast<uint64_t>(v);
        const __m256i idx = _mm256_setr_epi64x(static_cast<long long>(g), static_cast<long long>(g + 1),
                                               static_cast<long long>(g + 2), static_cast<long long>(g + 3));
        c0[v] = _mm256_and_si256(idx, lo32);
        c1[v] = _mm256_srli_epi64(idx, 32);
        c2[v] = _mm256_set1_epi64x(static_cast<long long>(domain));
        c3[v] = _mm256_setzero_si256();
    }
    uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
    for (int round = 0; round < 10; ++round) {
        const __m256i K0 = _mm256_set1_epi64x(static_cast<long long>(k0));
        const __m256i K1 = _mm256_set1_epi64x(static_cast<long long>(k1));
        for (int v = 0; v < V; ++v) {
            const __m256i p0 = _mm256_mul_epu32(M0, c0[v]);
            const __m256i p1 = _mm256_mul_epu32(M1, c2[v]);
            const __m256i n0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1[v]), K0);
            const __m256i n2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3[v]), K1);
            c1[v] = _mm256_and_si256(p1, lo32);
            c3[v] = _mm256_and_si256(p0, lo32);
            c0[v] = n0;
            c2[v] = n2;
        }
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    // site = (w0 * n) >> 32; u = ((w1 >> 5) * 2^26 + (w2 >> 6)) * 2^-53, every
    // step exact; integers below 2^52 become doubles exactly via the 2^52 trick.
    const __m256i nv = _mm256_set1_epi64x(n);
    const __m256i two52_bits = _mm256_set1_epi64x(0x4330000000000000ll);
    const __m256d two52 = _mm256_set1_pd(4503599627370496.0);
    const __m256d two26 = _mm256_set1_pd(67108864.0), inv53 = _mm256_set1_pd(1.0 / 9007199254740992.0);
    for (int v = 0; v < V; ++v) {
        const __m256i site = _mm256_srli_epi64(_mm256_mul_epu32(c0[v], nv), 32);
        const __m256d a = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(c1[v], 5), two52_bits)), two52);
        const __m256d b = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(c2[v], 6), two52_bits)), two52);
        const __m256d u = _mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(a, two26), b), inv53);
        _mm256_storeu_pd(block.u + 4 * v, u);
        alignas(32) int64_t s[4];
        _mm256_store_si256(reinterpret_cast<__m256i*>(s), site);
        for (int l = 0; l < 4; ++l) block.site[4 * v + l] = static_cast<int32_t>(s[l]);
    }
}

// fill_avx2's rounds, written out as RawDraws: the product w0 * n stored whole
// (the site is its high word) and U = (w1 >> 5) * 2^26 + (w2 >> 6) assembled
// as an integer: w1's bits 5..31 placed at 26..52 by (c1 << 32) >> 11 (its
// bits 0..4 land at 21..25, under w2's field, and are masked off), w2 >> 6
// in bits 0..25.
__attribute__((target("avx2"))) void fill_raw_avx2(uint64_t seed, uint64_t g0, uint32_t domain, int32_t n,
                                                   RawDraws& block) {
    constexpr int V = kRawBlock / 4;
    const __m256i lo32 = _mm256_set1_epi64x(0xFFFFFFFFll);
    const __m256i M0 = _mm256_set1_epi64x(0xD2511F53ll), M1 = _mm256_set1_epi64x(0xCD9E8D57ll);
    __m256i c0[V], c1[V], c2[V], c3[V];
    for (int v = 0; v < V; ++v) {
        const uint64_t g = g0 + 4u * static_cast<uint64_t>(v);
        const __m256i idx = _mm256_setr_epi64x(static_cast<long long>(g), static_cast<long long>(g + 1),
                                               static_cast<long long>(g + 2), static_cast<long long>(g + 3));
        c0[v] = _mm256_and_si256(idx, lo32);
        c1[v] = _mm256_srli_epi64(idx, 32);
        c2[v] = _mm256_set1_epi64x(static_cast<long long>(domain));
        c3[v] = _mm256_setzero_si256();
    }
    uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
    for (int round = 0; round < 10; ++round) {
        const __m256i K0 = _mm256_set1_epi64x(static_cast<long long>(k0));
        const __m256i K1 = _mm256_set1_epi64x(static_cast<long long>(k1));
        for (int v = 0; v < V; ++v) {
            const __m256i p0 = _mm256_mul_epu32(M0, c0[v]);
            const __m256i p1 = _mm256_mul_epu32(M1, c2[v]);
            const __m256i n0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1[v]), K0);
            const __m256i n2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3[v]), K1);
            c1[v] = p1;  // high halves: garbage that vpmuludq never reads
            c3[v] = p0;
            c0[v] = n0;
            c2[v] = n2;
        }
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    const __m256i nv = _mm256_set1_epi64x(n);
    const __m256i low26 = _mm256_set1_epi64x(0x3FFFFFFll);
    for (int v = 0; v < V; ++v) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(block.site_words + 8 * v), _mm256_mul_epu32(c0[v], nv));
        const __m256i a = _mm256_srli_epi64(_mm256_slli_epi64(c1[v], 32), 11);
        const __m256i b = _mm256_srli_epi64(c2[v], 6);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(block.u53 + 4 * v),
                            _mm256_or_si256(_mm256_andnot_si256(low26, a), _mm256_and_si256(low26, b)));
    }
}

// GCC 12 reports its own _mm512_undefined_* helpers as uninitialised here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
static_assert(core::kDrawBlock % 16 == 0, "AVX-512 path fills two 8-lane chains at a time");

// The same rounds on eight counters per instruction, two independent chains
// interleaved (a round is a dependent multiply-shift-xor chain, so two keep
// the multiplier busy). vpmuludq reads only the low 32 bits of each lane and
// xor is bitwise, so the high halves are never masked inside the rounds: their
// garbage cannot reach a low half, and it is dropped at the end. The three-way
// xor is one vpternlogq (0x96 = a ^ b ^ c).
__attribute__((target("avx512f,avx512dq,avx512vl"))) void fill_avx512(uint64_t seed, uint64_t g0, uint32_t domain,
                                                                      int32_t n, core::DrawBlock& block) {
    constexpr int V = core::kDrawBlock / 8;
    const __m512i lo32 = _mm512_set1_epi64(0xFFFFFFFFll);
    const __m512i M0 = _mm512_set1_epi64(0xD2511F53ll), M1 = _mm512_set1_epi64(0xCD9E8D57ll);
    const __m512i lane = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    __m512i c0[V], c1[V], c2[V], c3[V];
    for (int v = 0; v < V; ++v) {
        const __m512i idx = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(g0 + 8u * static_cast<uint64_t>(v))), lane);
        c0[v] = idx;  // the high half is ignored by vpmuludq
        c1[v] = _mm512_srli_epi64(idx, 32);
        c2[v] = _mm512_set1_epi64(static_cast<long long>(domain));
        c3[v] = _mm512_setzero_si512();
    }
    __m512i K0 = _mm512_set1_epi64(static_cast<long long>(static_cast<uint32_t>(seed)));
    __m512i K1 = _mm512_set1_epi64(static_cast<long long>(seed >> 32));
    const __m512i W0 = _mm512_set1_epi64(0x9E3779B9ll), W1 = _mm512_set1_epi64(0xBB67AE85ll);
    for (int round = 0; round < 10; ++round) {
        for (int v = 0; v < V; ++v) {
            const __m512i p0 = _mm512_mul_epu32(M0, c0[v]);
            const __m512i p1 = _mm512_mul_epu32(M1, c2[v]);
            c0[v] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), c1[v], K0, 0x96);
            c2[v] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), c3[v], K1, 0x96);
            c1[v] = p1;
            c3[v] = p0;
        }
        // Key bumps in 64-bit lanes: carries go into the ignored high halves.
        K0 = _mm512_add_epi64(K0, W0);
        K1 = _mm512_add_epi64(K1, W1);
    }
    const __m512i nv = _mm512_set1_epi64(n);
    const __m512d two26 = _mm512_set1_pd(67108864.0), inv53 = _mm512_set1_pd(1.0 / 9007199254740992.0);
    for (int v = 0; v < V; ++v) {
        // site = (w0 * n) >> 32 < n: the low 32 bits of each lane, packed to int32.
        const __m512i site = _mm512_srli_epi64(_mm512_mul_epu32(c0[v], nv), 32);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(block.site + 8 * v), _mm512_cvtepi64_epi32(site));
        // u53: both integers are below 2^27, so the int64 -> double conversion is exact.
        const __m512d a = _mm512_cvtepi64_pd(_mm512_srli_epi64(_mm512_and_si512(c1[v], lo32), 5));
        const __m512d b = _mm512_cvtepi64_pd(_mm512_srli_epi64(_mm512_and_si512(c2[v], lo32), 6));
        _mm512_storeu_pd(block.u + 8 * v, _mm512_mul_pd(_mm512_add_pd(_mm512_mul_pd(a, two26), b), inv53));
    }
}

// The AVX-512 raw fill is philox_raw_avx512.h's (also inlined into the CPU
// anneal's wide loop).
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))) void fill_raw_avx512(uint64_t seed, uint64_t g0,
                                                                                   uint32_t domain, int32_t n,
                                                                                   RawDraws& block) {
    raw_fill_avx512(seed, g0, domain, n, block);
}
#pragma GCC diagnostic pop

}  // namespace
#endif

void fill_raw_scalar(uint64_t seed, uint64_t g0, uint32_t domain, int32_t n, RawDraws& block) {
    for (int32_t l = 0; l < kRawBlock; ++l) {
        const core::Philox4 w = core::draw(seed, g0 + static_cast<uint64_t>(l), domain);
        const uint64_t product = static_cast<uint64_t>(w.w[0]) * static_cast<uint64_t>(n);
        block.site_words[2 * l] = static_cast<uint32_t>(product);
        block.site_words[2 * l + 1] = static_cast<uint32_t>(product >> 32);
        block.u53[l] = u53_bits(w.w[1], w.w[2]);
    }
}

BlockProposer::BlockProposer() : fill_(&core::propose_block), raw_(&fill_raw_scalar) {
#ifdef ISN_HAVE_AVX2_PATH
    if (__builtin_cpu_supports("avx2")) {
        fill_ = &fill_avx2;
        raw_ = &fill_raw_avx2;
    }
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl")) {
        fill_ = &fill_avx512;
        // Compiled for the wide loop's set, which includes BW.
        if (__builtin_cpu_supports("avx512bw")) raw_ = &fill_raw_avx512;
    }
#endif
}

}  // namespace isn::cpu
