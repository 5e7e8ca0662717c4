// The CPU executor's anneal loops (docs/ALGORITHM.md section 4): the same
// decisions as core::decide, in the same order, with the same Philox draws,
// rearranged for a CPU's pipeline. Every transformation below is exact;
// tests/test_cpu_anneal.cpp compares every variant with the literal reference
// anneal (reference_anneal.h) across rules, precisions, orders, early stop,
// sizes and extreme inputs, and the golden vectors pin it to the managed engine.
//
// - Sequential order (trials_sequential, every rule, early stop): spins held
//   as Real +-2 during the anneal (dE = ts[i] * phi[i], no byte-to-double
//   conversion per trial), the bracket index floor(16 x) from one multiply
//   (16 beta, exact) and a truncation clamped to the cut, the uniform compared
//   as the integer U = u * 2^53 (RawDraws), drawn only when the decision
//   reads it.
// - Random order, Metropolis, no early stop, AVX-512 (trials_random_regs /
//   trials_random_wide): eight trials evaluated at once against a per-draw
//   rejection limit; only the first trial that is not a certain rejection is
//   decided one at a time (see trials_random_wide).
// - Every other random-order variant runs core::anneal_system (see anneal()).
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "../core/anneal.h"
#include "philox_avx2.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include "philox_raw_avx512.h"
#endif

namespace isn::cpu {

// Bracket k of core's table as integer bounds on U: accept when U < lo,
// reject when U >= hi, else det_exp decides. u < v  <=>  U < v * 2^53 (an
// exact scaling)  <=>  U < ceil(v * 2^53) for the integer U.
struct UBracket {
    uint64_t lo, hi;
};

constexpr int32_t kCutIndex = core::kBracketCount;  // x >= 37 or NaN: reject (lo = hi = 0)

struct UBracketTable {
    UBracket b[core::kBracketCount + 1];
};

// ceil(v * 2^53) for 0 <= v < 2^11 (the bracket bounds lie in [0, 1.000000001]).
inline uint64_t scaled_ceil(double v) { return static_cast<uint64_t>(std::ceil(v * 9007199254740992.0)); }

inline const UBracket* u_bracket_table() {
    static const UBracketTable table = [] {
        UBracketTable t;
        const core::Bracket* b = core::host_bracket_table();
        for (int32_t k = 0; k < core::kBracketCount; ++k) t.b[k] = UBracket{scaled_ceil(b[k].lo), scaled_ceil(b[k].hi)};
        t.b[kCutIndex] = UBracket{0, 0};
        return t;
    }();
    return table.b;
}

// The table index of a trial with energy change dE > 0 at beta16 = 16 beta:
// floor(16 x) for x = beta dE < 37, kCutIndex for x >= 37 or NaN (for dE <= 0,
// which the caller tests itself, some index in range). y = fl(16 beta dE) is
// 16 fl(beta dE) exactly (a power-of-two scaling of the same real product),
// except where fl(beta dE) is subnormal (then both floors are 0) or where
// 16 beta dE overflows (then x > 37 and y = inf: the cut either way); beta16
// itself is exact (the executor checks beta < 2^1000). The truncation of a
// value outside int64 (inf, NaN, >= 2^63) or of a negative one is >= 2^63 as
// unsigned, which the clamp sends to the cut.
template <class Real>
ISN_ALWAYS_INLINE uint64_t bracket_index(Real dE, double beta16) {
    const double y = beta16 * static_cast<double>(dE);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    const uint64_t k = static_cast<uint64_t>(_mm_cvttsd_si64(_mm_set_sd(y)));
    return k < static_cast<uint64_t>(kCutIndex) ? k : static_cast<uint64_t>(kCutIndex);
#else
    return y >= 0.0 && y < static_cast<double>(kCutIndex) ? static_cast<uint64_t>(y) : static_cast<uint64_t>(kCutIndex);
#endif
}

// The decision for U inside a bracket (between lo and hi): the contract's
// u < det_exp(-x) with x = beta * dE (the rule's floor, if any, is already
// known to be <= u). Rare (~1 trial in a thousand), so kept out of line.
template <class Real>
__attribute__((noinline)) inline bool in_bracket(Real dE, double beta, uint64_t U) {
    return u53_from_bits(U) < core::det_exp(-(beta * static_cast<double>(dE)));
}

// ceil(floor_p * 2^53): SeedCompatible's u < floor_p as U < floor_u.
inline uint64_t seed_floor_bits(double beta) { return scaled_ceil(core::seed_floor(beta)); }

// What a trial loop works on. ts, phi: n Reals of scratch each.
template <class Real>
struct Chain {
    int32_t n;
    const double* J;
    uint64_t seed;
    const core::AnnealPlan* plan;
    const double* betas;  // beta_t for t < plan->steps
    Real* ts;             // 2 s_i (+-2) during the anneal
    Real* phi;
    double* E;            // the wide loop's dE_i = ts_i phi_i (widened), kWideScratch(n) doubles
    const BlockProposer* proposer;
};

// Doubles of E scratch for n spins (the wide loop reads 32 when n <= 32).
inline size_t wide_scratch(int32_t n) { return static_cast<size_t>(n < 32 ? 32 : n); }

// Flip spin i (ts[i] = 2 s_i) and update every phi_j as the contract does:
// phi_j = phi_j + (2 s_i_new) J_ij (element-wise, vectorised; -ffp-contract=off).
template <class Real>
ISN_ALWAYS_INLINE void flip(int32_t i, int32_t n, const double* J, Real* ts, Real* phi) {
    const Real c = -ts[i];
    ts[i] = c;
    const double* row = J + static_cast<int64_t>(i) * n;
    for (int32_t j = 0; j < n; ++j) phi[j] = phi[j] + c * static_cast<Real>(row[j]);
}

// The decision of a trial with dE > 0 from its bracket b and U: accept when
// U < lo, reject when U >= hi, between them det_exp decides. SeedCompatible's
// u < max(p, floor) raises both bounds to floor_u (the cut's entry, 0 and 0,
// then accepts exactly when u < floor).
template <class Real, int32_t Rule>
ISN_ALWAYS_INLINE bool uphill_accepts(UBracket b, uint64_t U, uint64_t floor_u, Real dE, double beta) {
    if (Rule == ISN_ACCEPTANCE_SEED_COMPATIBLE) {
        b.lo = b.lo > floor_u ? b.lo : floor_u;
        b.hi = b.hi > floor_u ? b.hi : floor_u;
    }
    if (__builtin_expect(U < b.lo, 0)) return true;
    return __builtin_expect(U < b.hi, 0) && in_bracket(dE, beta, U);
}

// Sequential sweep order (section 4.1): trial g visits site g mod n, and its
// draw is made only when the decision reads U (Metropolis: dE > 0 and x < 37;
// SeedCompatible: dE > 0), through the aligned block holding g.
template <class Real, int32_t Rule, bool Stop>
ISN_ALWAYS_INLINE core::AnnealCounts trials_sequential(const Chain<Real>& c) {
    const int32_t n = c.n;
    const double* const J = c.J;
    Real* const ts = c.ts;
    Real* const phi = c.phi;
    const core::AnnealPlan& p = *c.plan;
    const UBracket* const table = u_bracket_table();
    const int32_t K = p.trials, T = p.steps;
    int32_t t = 0, left = K;
    double beta = c.betas[0], beta16 = beta * 16.0;
    uint64_t floor_u = Rule == ISN_ACCEPTANCE_SEED_COMPATIBLE ? seed_floor_bits(beta) : 0;
    bool counts = !(beta < p.beta_stop);
    int64_t accepted = 0, run = 0;
    RawDraws block;
    int64_t base = -kRawBlock;  // first trial of the drawn block; none yet
    int32_t i = 0;              // g mod n
    for (int64_t g = 0;; ++g) {
        const Real dE = ts[i] * phi[i];
        bool ok;
        if (dE <= Real(0)) {
            ok = true;
        } else {
            const uint64_t k = bracket_index(dE, beta16);
            if (Rule != ISN_ACCEPTANCE_SEED_COMPATIBLE && k == static_cast<uint64_t>(kCutIndex)) {
                ok = false;
            } else {
                if (g - base >= kRawBlock) {
                    base = g - g % kRawBlock;
                    c.proposer->raw(c.seed, static_cast<uint64_t>(base), core::kDomainAnnealTrial, n, block);
                }
                ok = uphill_accepts<Real, Rule>(table[k], block.u53[g - base], floor_u, dE, beta);
            }
        }
        if (ok) {
            flip(i, n, J, ts, phi);
            ++accepted;
        }
        if (Stop) {
            run = (ok || !counts) ? 0 : run + 1;
            if (run >= p.window) return core::AnnealCounts{g + 1, accepted};
        }
        if (--left == 0) {
            if (++t == T) return core::AnnealCounts{g + 1, accepted};
            left = K;
            beta = c.betas[t];
            beta16 = beta * 16.0;
            if (Rule == ISN_ACCEPTANCE_SEED_COMPATIBLE) floor_u = seed_floor_bits(beta);
            counts = !(beta < p.beta_stop);
        }
        if (++i == n) i = 0;
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ISN_CPU_WIDE 1
// GCC 12 reports its own _mm512_undefined_* helpers as uninitialised here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define ISN_WIDE_FN __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"), always_inline)) inline

// 16 beta_t for every trial g = t*K + k of a plan (the wide loop loads eight
// trials' betas at once, wherever the steps begin), cached per thread for
// the last plan seen if it has at most kTrialBetaCache trials; a longer
// plan's are written block by block (BlockBetas).
constexpr int64_t kTrialBetaCache = int64_t{1} << 15;

inline const double* trial_beta16(const core::AnnealPlan& p, const double* betas) {
    struct Cache {
        double beta0 = 0.0, log_ratio = 0.0;
        int32_t steps = -1, trials = -1;
        std::vector<double> b16;
    };
    thread_local Cache c;
    if (c.steps != p.steps || c.trials != p.trials || c.beta0 != p.beta0 || c.log_ratio != p.log_ratio) {
        c.b16.resize(static_cast<size_t>(p.steps) * static_cast<size_t>(p.trials));
        size_t q = 0;
        for (int32_t t = 0; t < p.steps; ++t)
            for (int32_t k = 0; k < p.trials; ++k) c.b16[q++] = betas[t] * 16.0;
        c.steps = p.steps;
        c.trials = p.trials;
        c.beta0 = p.beta0;
        c.log_ratio = p.log_ratio;
    }
    return c.b16.data();
}

// 16 beta_t of the trials of each block in turn, from the cached per-trial
// table when there is one, else written here (lanes past the plan's end get
// the last beta; they are never decided).
struct BlockBetas {
    const double* table;  // trial_beta16's, or nullptr
    const double* betas;
    int32_t K, T, t = 0, left;
    alignas(64) double buf[kRawBlock];

    BlockBetas(const double* tab, const double* b, const core::AnnealPlan& p)
        : table(tab), betas(b), K(p.trials), T(p.steps), left(p.trials) {}

    // For the block starting at trial g0 (blocks in order).
    ISN_ALWAYS_INLINE const double* next(int64_t g0) {
        if (table != nullptr) return table + g0;
        int32_t l = 0;
        while (l < kRawBlock) {
            const double b = betas[t] * 16.0;
            const int32_t e = left < kRawBlock - l ? l + left : kRawBlock;
            for (int32_t q = l; q < e; ++q) buf[q] = b;
            left -= e - l;
            l = e;
            if (left == 0) {
                if (t + 1 < T) ++t;
                left = K;
            }
        }
        return buf;
    }
};

// For each draw of a block, a y above which its trial is a certain rejection
// (y = 16 beta dE as bracket_index computes it, x = y / 16): with
// U = u 2^53 = 2^e m (m in [1, 2)), log2 m >= m - 1 (log2 is concave: above
// its chord on [1, 2]), so -ln u <= (54 - e - m) ln 2 =: A ln 2, and
// ylim = 16 (A ln 2 (1 + 2^-40) + 2^-30) covers the roundings here and
// det_exp's error (< 1e-12): y >= ylim gives x >= -ln u + 2^-30, hence
// det_exp(-x) < u, a rejection (and x >= 37 is one anyway). u = 0 gives
// ylim = inf. Depends only on the draw, so it is off the trials' chain.
ISN_WIDE_FN void rejection_limits(const RawDraws& block, double* ylim) {
    const __m512d c = _mm512_set1_pd(16.0 * 0.6931471805599453 * (1.0 + 0x1p-40));
    const __m512d add = _mm512_set1_pd(16.0 * 0x1p-30), fifty_four = _mm512_set1_pd(54.0);
    for (int32_t v = 0; v < kRawBlock / 8; ++v) {
        const __m512d ud = _mm512_cvtepu64_pd(_mm512_loadu_si512(block.u53 + 8 * v));
        const __m512d e = _mm512_getexp_pd(ud);
        const __m512d m = _mm512_getmant_pd(ud, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
        const __m512d a = _mm512_sub_pd(_mm512_sub_pd(fifty_four, e), m);
        _mm512_storeu_pd(ylim + 8 * v, _mm512_add_pd(_mm512_mul_pd(a, c), add));
    }
}

// The lanes of eight trials (valid ones) that are not certain rejections on
// the current state: y = 16 beta dE below the lane's limit (rejection_limits),
// which includes every downhill move (y <= 0 < ylim) and y NaN.
ISN_WIDE_FN __mmask8 special_lanes(__mmask8 valid, __m512d dE, __m512d beta16, __m512d ylim) {
    return _mm512_mask_cmp_pd_mask(valid, _mm512_mul_pd(beta16, dE), ylim, _CMP_NGE_UQ);
}

// The exact decision of a special lane (dE as the scalar loop computes it,
// widened): what trials_random decides for it.
ISN_ALWAYS_INLINE bool decide_special(double dE, double beta16, uint64_t U, const UBracket* table) {
    if (dE <= 0.0) return true;
    const UBracket b = table[bracket_index(dE, beta16)];
    return U < b.lo || (U < b.hi && in_bracket(dE, beta16 * 0.0625, U));  // 16 beta / 16: exact
}

// After an accepted flip of spin i in the wide loop: flip() and E_j = ts_j phi_j.
template <class Real>
ISN_WIDE_FN void flip_wide(int32_t i, int32_t n, const double* J, Real* ts, Real* phi, double* E) {
    const Real c = -ts[i];
    ts[i] = c;
    const double* row = J + static_cast<int64_t>(i) * n;
    for (int32_t j = 0; j < n; ++j) {
        const Real f = phi[j] + c * static_cast<Real>(row[j]);
        phi[j] = f;
        E[j] = static_cast<double>(ts[j] * f);
    }
}

// Random order, Metropolis, no early stop, with AVX-512: eight trials are
// evaluated at once on the current state (dE of their sites, 16 beta dE
// against the draw's rejection limit). A trial below its limit (every
// downhill one among them) is "special"; every trial before the first special
// one is a certain rejection (beyond the cut, or U >= hi), which changes
// nothing, so those trials are done. The special trial is decided exactly as
// the scalar loop decides it (dE <= 0 accepts; U < lo accepts; below hi
// det_exp decides); if it flipped a spin, the trials after it are evaluated
// again on the new state. The draws are the AVX-512 fill's, inlined (the
// loop makes no call). ~97 % of the trials at n = 20 are rejections, so
// most groups of eight are done in one pass. dE_i is kept widened in E
// (E_i = ts_i phi_i, exactly the scalar loop's dE), in four registers when
// n <= 32 (read by permutes), else read by a gather.
// (Called, not forced inline: the caller, trials, is compiled for the plain
// target before it is inlined into an AVX-512 one.)
template <class Real>
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))) core::AnnealCounts trials_random_wide(const Chain<Real>& c, const double* b16_table) {
    const int32_t n = c.n;
    const double* const J = c.J;
    Real* const ts = c.ts;
    Real* const phi = c.phi;
    double* const E = c.E;
    const core::AnnealPlan& p = *c.plan;
    const UBracket* const table = u_bracket_table();
    const int64_t total = static_cast<int64_t>(p.steps) * p.trials;
    const __m512i sixteen = _mm512_set1_epi64(16);
    const __m512d zero = _mm512_setzero_pd();
    int64_t accepted = 0;
    RawDraws block;
    alignas(64) double ylim[kRawBlock];
    BlockBetas betas16(b16_table, c.betas, p);
    __m512d E0 = zero, E1 = zero, E2 = zero, E3 = zero;
#define ISN_LOAD_E()                        \
    do {                                    \
        if (n <= 32) {                      \
            E0 = _mm512_loadu_pd(E);        \
            E1 = _mm512_loadu_pd(E + 8);    \
            E2 = _mm512_loadu_pd(E + 16);   \
            E3 = _mm512_loadu_pd(E + 24);   \
        }                                   \
    } while (0)
    for (int64_t g0 = 0; g0 < total; g0 += kRawBlock) {
        raw_fill_avx512(c.seed, static_cast<uint64_t>(g0), core::kDomainAnnealTrial, n, block);
        rejection_limits(block, ylim);
        ISN_LOAD_E();
        const int32_t cnt = total - g0 < kRawBlock ? static_cast<int32_t>(total - g0) : kRawBlock;
        const double* const bb = betas16.next(g0);
        int32_t l = 0;
        while (l < cnt) {
            const __mmask8 valid = cnt - l >= 8 ? __mmask8(0xFF) : static_cast<__mmask8>((1u << (cnt - l)) - 1);
            const __m512i idx = _mm512_srli_epi64(_mm512_maskz_loadu_epi64(valid, block.site_words + 2 * l), 32);
            __m512d dE;
            if (n <= 16) {
                dE = _mm512_permutex2var_pd(E0, idx, E1);
            } else if (n <= 32) {
                const __m512d lo = _mm512_permutex2var_pd(E0, idx, E1), hi = _mm512_permutex2var_pd(E2, idx, E3);
                dE = _mm512_mask_blend_pd(_mm512_test_epi64_mask(idx, sixteen), lo, hi);
            } else {
                dE = _mm512_mask_i64gather_pd(zero, valid, idx, E, 8);
            }
            const __mmask8 special = special_lanes(valid, dE, _mm512_maskz_loadu_pd(valid, bb + l),
                                                   _mm512_maskz_loadu_pd(valid, ylim + l));
            if (__builtin_expect(special == 0, 1)) {
                l += 8;
                continue;
            }
            const int32_t f = l + __builtin_ctz(special);
            const int32_t i = block.site(f);
            if (decide_special(E[i], bb[f], block.u53[f], table)) {
                flip_wide(i, n, J, ts, phi, E);
                ++accepted;
                ISN_LOAD_E();
            }
            l = f + 1;
        }
    }
#undef ISN_LOAD_E
    return core::AnnealCounts{total, accepted};
}

// trials_random_wide for double and n <= 32 with phi, ts and E in registers
// (four vectors each): an accepted flip updates them in place (the row of J
// read under a mask), so the next evaluation does not wait for stores to
// reach memory. ts stays mirrored in memory (the final spins are read from it).
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))) inline core::AnnealCounts trials_random_regs(
    const Chain<double>& c, const double* b16_table) {
    const int32_t n = c.n;
    const double* const J = c.J;
    double* const ts = c.ts;
    const core::AnnealPlan& p = *c.plan;
    const UBracket* const table = u_bracket_table();
    const int64_t total = static_cast<int64_t>(p.steps) * p.trials;
    const __m512i sixteen = _mm512_set1_epi64(16);
    const __m512d sign = _mm512_set1_pd(-0.0);
    // Named registers rather than arrays (an array indexed in a loop ended up
    // on the stack): vector v holds sites 8v .. 8v+7, masked to j < n.
    const auto lanes = [n](int32_t v) {
        const int32_t rest = n - 8 * v;
        return rest >= 8 ? __mmask8(0xFF) : rest > 0 ? static_cast<__mmask8>((1u << rest) - 1) : __mmask8(0);
    };
    const __mmask8 in0 = lanes(0), in1 = lanes(1), in2 = lanes(2), in3 = lanes(3);
    __m512d P0 = _mm512_maskz_loadu_pd(in0, c.phi), P1 = _mm512_maskz_loadu_pd(in1, c.phi + 8);
    __m512d P2 = _mm512_maskz_loadu_pd(in2, c.phi + 16), P3 = _mm512_maskz_loadu_pd(in3, c.phi + 24);
    __m512d T0 = _mm512_maskz_loadu_pd(in0, ts), T1 = _mm512_maskz_loadu_pd(in1, ts + 8);
    __m512d T2 = _mm512_maskz_loadu_pd(in2, ts + 16), T3 = _mm512_maskz_loadu_pd(in3, ts + 24);
    __m512d E0 = _mm512_mul_pd(T0, P0), E1 = _mm512_mul_pd(T1, P1), E2 = _mm512_mul_pd(T2, P2),
            E3 = _mm512_mul_pd(T3, P3);
    int64_t accepted = 0;
    RawDraws block;
    alignas(64) double ylim[kRawBlock];
    BlockBetas betas16(b16_table, c.betas, p);
    for (int64_t g0 = 0; g0 < total; g0 += kRawBlock) {
        raw_fill_avx512(c.seed, static_cast<uint64_t>(g0), core::kDomainAnnealTrial, n, block);
        rejection_limits(block, ylim);
        const int32_t cnt = total - g0 < kRawBlock ? static_cast<int32_t>(total - g0) : kRawBlock;
        const double* const bb = betas16.next(g0);
        int32_t l = 0;
        while (l < cnt) {
            const __mmask8 valid = cnt - l >= 8 ? __mmask8(0xFF) : static_cast<__mmask8>((1u << (cnt - l)) - 1);
            const __m512i idx = _mm512_srli_epi64(_mm512_maskz_loadu_epi64(valid, block.site_words + 2 * l), 32);
            __m512d dE = _mm512_permutex2var_pd(E0, idx, E1);
            if (n > 16)
                dE = _mm512_mask_blend_pd(_mm512_test_epi64_mask(idx, sixteen), dE, _mm512_permutex2var_pd(E2, idx, E3));
            const __mmask8 special = special_lanes(valid, dE, _mm512_maskz_loadu_pd(valid, bb + l),
                                                   _mm512_maskz_loadu_pd(valid, ylim + l));
            if (__builtin_expect(special == 0, 1)) {
                l += 8;
                continue;
            }
            const int32_t q = __builtin_ctz(special), f = l + q;
            const double d = _mm512_cvtsd_f64(_mm512_permutexvar_pd(_mm512_set1_epi64(q), dE));
            if (decide_special(d, bb[f], block.u53[f], table)) {
                const int32_t i = block.site(f);
                const double cs = -ts[i];
                ts[i] = cs;
                const __m512d cv = _mm512_set1_pd(cs);
                const double* row = J + static_cast<int64_t>(i) * n;
                const uint32_t bit = 1u << i;
                P0 = _mm512_add_pd(P0, _mm512_mul_pd(cv, _mm512_maskz_loadu_pd(in0, row)));
                T0 = _mm512_mask_xor_pd(T0, static_cast<__mmask8>(bit), T0, sign);
                E0 = _mm512_mul_pd(T0, P0);
                if (n > 8) {
                    P1 = _mm512_add_pd(P1, _mm512_mul_pd(cv, _mm512_maskz_loadu_pd(in1, row + 8)));
                    T1 = _mm512_mask_xor_pd(T1, static_cast<__mmask8>(bit >> 8), T1, sign);
                    E1 = _mm512_mul_pd(T1, P1);
                }
                if (n > 16) {
                    P2 = _mm512_add_pd(P2, _mm512_mul_pd(cv, _mm512_maskz_loadu_pd(in2, row + 16)));
                    T2 = _mm512_mask_xor_pd(T2, static_cast<__mmask8>(bit >> 16), T2, sign);
                    E2 = _mm512_mul_pd(T2, P2);
                }
                if (n > 24) {
                    P3 = _mm512_add_pd(P3, _mm512_mul_pd(cv, _mm512_maskz_loadu_pd(in3, row + 24)));
                    T3 = _mm512_mask_xor_pd(T3, static_cast<__mmask8>(bit >> 24), T3, sign);
                    E3 = _mm512_mul_pd(T3, P3);
                }
                ++accepted;
            }
            l = f + 1;
        }
    }
    _mm512_mask_storeu_pd(c.phi, in0, P0);
    _mm512_mask_storeu_pd(c.phi + 8, in1, P1);
    _mm512_mask_storeu_pd(c.phi + 16, in2, P2);
    _mm512_mask_storeu_pd(c.phi + 24, in3, P3);
    return core::AnnealCounts{total, accepted};
}

// core::init_fields for double with AVX-512: phi_i = (sum_j J_ij s_j, j
// ascending) + h_i, eight rows at a time in the lanes of one accumulator.
// The row block is read in 8x8 tiles (masked at the edges) and transposed in
// registers, so column j of the block is one vector: every lane then adds
// exactly the terms of local_field in its order, and rows proceed in
// parallel instead of one scalar chain each (about 10x fewer instructions at
// n = 20). Works for any J (no symmetry assumed).
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))) inline void init_fields_wide(int32_t n, const double* J,
                                                                                         const double* h,
                                                                                         const int8_t* s, double* phi) {
    for (int32_t i0 = 0; i0 < n; i0 += 8) {
        const int32_t rows = n - i0 < 8 ? n - i0 : 8;
        const __mmask8 rmask = static_cast<__mmask8>((1u << rows) - 1);
        __m512d acc = _mm512_setzero_pd();
        for (int32_t j0 = 0; j0 < n; j0 += 8) {
            const int32_t cols = n - j0 < 8 ? n - j0 : 8;
            const __mmask8 cmask = static_cast<__mmask8>((1u << cols) - 1);
            __m512d r[8];
            for (int32_t q = 0; q < 8; ++q) {
                const double* at = J + static_cast<int64_t>(i0 + q) * n + j0;
                r[q] = q >= rows ? _mm512_setzero_pd() : cols == 8 ? _mm512_loadu_pd(at) : _mm512_maskz_loadu_pd(cmask, at);
            }
            const __m512d t0 = _mm512_unpacklo_pd(r[0], r[1]), t1 = _mm512_unpackhi_pd(r[0], r[1]);
            const __m512d t2 = _mm512_unpacklo_pd(r[2], r[3]), t3 = _mm512_unpackhi_pd(r[2], r[3]);
            const __m512d t4 = _mm512_unpacklo_pd(r[4], r[5]), t5 = _mm512_unpackhi_pd(r[4], r[5]);
            const __m512d t6 = _mm512_unpacklo_pd(r[6], r[7]), t7 = _mm512_unpackhi_pd(r[6], r[7]);
            const __m512d u0 = _mm512_shuffle_f64x2(t0, t2, 0x88), u1 = _mm512_shuffle_f64x2(t0, t2, 0xDD);
            const __m512d u2 = _mm512_shuffle_f64x2(t1, t3, 0x88), u3 = _mm512_shuffle_f64x2(t1, t3, 0xDD);
            const __m512d u4 = _mm512_shuffle_f64x2(t4, t6, 0x88), u5 = _mm512_shuffle_f64x2(t4, t6, 0xDD);
            const __m512d u6 = _mm512_shuffle_f64x2(t5, t7, 0x88), u7 = _mm512_shuffle_f64x2(t5, t7, 0xDD);
            __m512d col[8];
            col[0] = _mm512_shuffle_f64x2(u0, u4, 0x88);
            col[4] = _mm512_shuffle_f64x2(u0, u4, 0xDD);
            col[2] = _mm512_shuffle_f64x2(u1, u5, 0x88);
            col[6] = _mm512_shuffle_f64x2(u1, u5, 0xDD);
            col[1] = _mm512_shuffle_f64x2(u2, u6, 0x88);
            col[5] = _mm512_shuffle_f64x2(u2, u6, 0xDD);
            col[3] = _mm512_shuffle_f64x2(u3, u7, 0x88);
            col[7] = _mm512_shuffle_f64x2(u3, u7, 0xDD);
            for (int32_t q = 0; q < cols; ++q)
                acc = _mm512_add_pd(acc, _mm512_mul_pd(col[q], _mm512_set1_pd(static_cast<double>(s[j0 + q]))));
        }
        _mm512_mask_storeu_pd(phi + i0, rmask, _mm512_add_pd(acc, _mm512_maskz_loadu_pd(rmask, h + i0)));
    }
}
#pragma GCC diagnostic pop
#endif

// The trial loop of one variant: Loops::run<Real, Rule, Stop, Sequential>(chain)
// (the executor compiles each out of line for its instruction set, calling
// trials<..., Wide>).
// Sequential: trials_sequential. Random (only with Wide, for Metropolis
// without early stop; anneal() runs every other random-order variant on the
// core loop): the eight-trial loop, with phi/ts/dE in registers for double
// and n <= 32.
template <class Real, int32_t Rule, bool Stop, bool Sequential, bool Wide>
ISN_ALWAYS_INLINE core::AnnealCounts trials(const Chain<Real>& c) {
    if constexpr (Sequential) {
        return trials_sequential<Real, Rule, Stop>(c);
    } else {
        static_assert(Wide && Rule == ISN_ACCEPTANCE_METROPOLIS && !Stop, "random order: the wide loop only");
#ifdef ISN_CPU_WIDE
        const bool cached = static_cast<int64_t>(c.plan->steps) * c.plan->trials <= kTrialBetaCache;
        const double* b16 = cached ? trial_beta16(*c.plan, c.betas) : nullptr;
        if constexpr (sizeof(Real) == sizeof(double)) {
            if (c.n <= 32) return trials_random_regs(c, b16);
        }
        return trials_random_wide<Real>(c, b16);
#endif
    }
}

// Betas below this keep 16 beta exact and far from overflow (bracket_index);
// a schedule beyond it (beta_end > 1e301: never a physical one) runs the core loop.
constexpr double kMaxFastBeta = 0x1p1000;

// The whole anneal of one system: random start, local fields, the trials of
// the plan's order, rule and early stop (Loops::run, see trials; Loops::kWide:
// compiled for AVX-512, which also computes the local fields; Loops::core_loop:
// core::anneal_system_dispatch, out of line), the final spins into s. ts and
// phi: n Reals of scratch each, E: wide_scratch(n) doubles. The random order
// without the wide loop (no AVX-512, SeedCompatible, early stop) is
// core::anneal_system's loop: a branch-free index per trial there costs more
// on the ~90 % of trials beyond the cut (n >= 100) than the mispredictions it
// saves (docs/PERFORMANCE.md, "Decisions behind the native code").
template <class Real, class Loops>
ISN_ALWAYS_INLINE core::AnnealCounts anneal(int32_t n, const double* J, const double* h, uint64_t seed,
                                            const core::AnnealPlan& p, const double* betas, int8_t* s, Real* ts,
                                            Real* phi, double* E, const BlockProposer& proposer) {
    constexpr int32_t kSeed = ISN_ACCEPTANCE_SEED_COMPATIBLE, kMetro = ISN_ACCEPTANCE_METROPOLIS;
    const bool seq = p.order == ISN_SWEEP_SEQUENTIAL, stop = p.window > 0;
    const bool wide = Loops::kWide && !seq && !stop && p.rule == kMetro;
    if ((!seq && !wide) || (p.steps > 0 && !(betas[0] < kMaxFastBeta && betas[p.steps - 1] < kMaxFastBeta)))
        return Loops::template core_loop<Real>(n, J, h, seed, p, betas, s, phi, proposer);
    core::init_spins(n, seed, s);
#ifdef ISN_CPU_WIDE
    if constexpr (Loops::kWide && sizeof(Real) == sizeof(double))
        init_fields_wide(n, J, h, s, reinterpret_cast<double*>(phi));
    else
#endif
        core::init_fields<Real>(n, J, h, s, phi);
    if (p.steps <= 0 || p.trials <= 0) return core::AnnealCounts{0, 0};
    for (int32_t i = 0; i < n; ++i) {
        ts[i] = Real(2) * static_cast<Real>(s[i]);
        E[i] = static_cast<double>(ts[i] * phi[i]);
    }
    for (size_t i = static_cast<size_t>(n); i < wide_scratch(n); ++i) E[i] = 0.0;
    const Chain<Real> c{n, J, seed, &p, betas, ts, phi, E, &proposer};
    core::AnnealCounts r{0, 0};
    if (seq) {
        if (p.rule == kSeed)
            r = stop ? Loops::template run<Real, kSeed, true, true>(c) : Loops::template run<Real, kSeed, false, true>(c);
        else
            r = stop ? Loops::template run<Real, kMetro, true, true>(c) : Loops::template run<Real, kMetro, false, true>(c);
    } else {
        if constexpr (Loops::kWide) r = Loops::template run<Real, kMetro, false, false>(c);
    }
    for (int32_t i = 0; i < n; ++i) s[i] = ts[i] > Real(0) ? int8_t(1) : int8_t(-1);
    return r;
}

}  // namespace isn::cpu

// One instruction set's variant of the loop: NAME<Real>(n, J, h, seed, p,
// betas, s, ts, phi, E, proposer) runs anneal() with NAME_loops, whose trial
// loops (Loops::run) and core-loop fallback (Loops::core_loop) are each their
// own out-of-line function compiled with ATTRIBUTES (so that a loop's state
// stays in registers, compiled for the set's vectors). WIDE: the AVX-512 loops.
// The executor (cpu_backend.cpp) and tests/test_cpu_anneal.cpp expand it alike,
// so the test runs the loops exactly as the library compiles them.
#define ISN_CPU_ANNEAL_VARIANT(NAME, ATTRIBUTES, WIDE)                                                         \
    struct NAME##_loops {                                                                                      \
        static constexpr bool kWide = WIDE;                                                                    \
        template <class Real, int32_t Rule, bool Stop, bool Sequential>                                        \
        ATTRIBUTES __attribute__((noinline)) static ::isn::core::AnnealCounts run(                             \
            const ::isn::cpu::Chain<Real>& c) {                                                                \
            return ::isn::cpu::trials<Real, Rule, Stop, Sequential, WIDE>(c);                                  \
        }                                                                                                      \
        template <class Real>                                                                                  \
        ATTRIBUTES __attribute__((noinline)) static ::isn::core::AnnealCounts core_loop(                       \
            int32_t n, const double* J, const double* h, uint64_t seed, const ::isn::core::AnnealPlan& p,      \
            const double* betas, int8_t* s, Real* phi, const ::isn::cpu::BlockProposer& proposer) {            \
            return ::isn::core::anneal_system_dispatch<Real>(n, J, h, seed, p, betas,                          \
                                                             ::isn::core::host_bracket_table(), s, phi,        \
                                                             proposer);                                        \
        }                                                                                                      \
    };                                                                                                         \
    template <class Real>                                                                                      \
    ATTRIBUTES ::isn::core::AnnealCounts NAME(int32_t n, const double* J, const double* h, uint64_t seed,      \
                                              const ::isn::core::AnnealPlan& p, const double* betas,           \
                                              int8_t* s, Real* ts, Real* phi, double* E,                       \
                                              const ::isn::cpu::BlockProposer& proposer) {                     \
        return ::isn::cpu::anneal<Real, NAME##_loops>(n, J, h, seed, p, betas, s, ts, phi, E, proposer);       \
    }
