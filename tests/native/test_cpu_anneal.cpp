// The CPU executor's anneal loop (cpu/cpu_anneal.h) against the literal
// reference anneal (reference_anneal.h): spins, accepted count and trials
// identical for every rule, precision, sweep order and early stop, for sizes
// around the vector widths and for inputs that reach the loop's edge cases
// (subnormal and huge couplings, betas far beyond the cut, steps shorter than
// a draw block). Compiled as the library compiles it: once plain and, where
// the CPU has them, once for AVX2 and once for AVX-512.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "cpu/cpu_anneal.h"
#include "generators.h"
#include "reference_anneal.h"

using namespace isn;

namespace {

// The loops exactly as the executor compiles them (cpu_backend.cpp expands the same macro).
#if defined(__x86_64__) && defined(__GNUC__)
ISN_CPU_ANNEAL_VARIANT(anneal_avx2, __attribute__((target("avx2"))), false)
ISN_CPU_ANNEAL_VARIANT(anneal_avx512, __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))), true)
#endif
ISN_CPU_ANNEAL_VARIANT(anneal_plain, , false)

enum class Isa { plain, avx2, avx512 };

std::vector<Isa> isas() {
    std::vector<Isa> out{Isa::plain};
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2")) out.push_back(Isa::avx2);
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
        out.push_back(Isa::avx512);
#endif
    return out;
}

template <class Real>
core::AnnealCounts run_cpu(Isa isa, const isn_test::HostSystem& sys, uint64_t seed, const core::AnnealPlan& p,
                           std::vector<int8_t>& s) {
    const int32_t n = sys.n;
    std::vector<double> betas(static_cast<size_t>(p.steps > 0 ? p.steps : 1));
    for (int32_t t = 0; t < p.steps; ++t) betas[static_cast<size_t>(t)] = core::beta_at(p, t);
    std::vector<Real> ts(static_cast<size_t>(n)), phi(static_cast<size_t>(n));
    std::vector<double> E(cpu::wide_scratch(n));
    s.assign(static_cast<size_t>(n), 0);
    const cpu::BlockProposer proposer;
#if defined(__x86_64__) && defined(__GNUC__)
    if (isa == Isa::avx2)
        return anneal_avx2<Real>(n, sys.J.data(), sys.h.data(), seed, p, betas.data(), s.data(), ts.data(), phi.data(),
                                 E.data(), proposer);
    if (isa == Isa::avx512)
        return anneal_avx512<Real>(n, sys.J.data(), sys.h.data(), seed, p, betas.data(), s.data(), ts.data(),
                                   phi.data(), E.data(), proposer);
#endif
    (void)isa;
    return anneal_plain<Real>(n, sys.J.data(), sys.h.data(), seed, p, betas.data(), s.data(), ts.data(), phi.data(),
                              E.data(), proposer);
}

isn_anneal_options options(int32_t steps, int32_t trials, double beta0, double beta1, int32_t rule, int32_t order,
                           int32_t window, double beta_stop) {
    isn_anneal_options o{};
    o.steps = steps;
    o.trials_per_step = trials;
    o.beta_start = beta0;
    o.beta_end = beta1;
    o.adaptive_steps = 0;
    o.acceptance = rule;
    o.precision = ISN_PRECISION_DOUBLE;
    o.early_stop_window = window;
    o.early_stop_beta = beta_stop;
    o.sweep_order = order;
    return o;
}

// Compares every ISA's loop with the reference on (sys, seed, o); returns the
// number of comparisons made.
template <class Real>
int compare_all(const isn_test::HostSystem& sys, uint64_t seed, const isn_anneal_options& o, const char* what) {
    const core::AnnealPlan p = core::make_plan(o, sys.n);
    std::vector<int8_t> ref_s(static_cast<size_t>(sys.n));
    std::vector<Real> ref_phi(static_cast<size_t>(sys.n));
    const core::AnnealCounts ref =
        isn_test::reference_anneal<Real>(sys.n, sys.J.data(), sys.h.data(), seed, p, ref_s.data(), ref_phi.data());
    int compared = 0;
    for (Isa isa : isas()) {
        std::vector<int8_t> s;
        const core::AnnealCounts c = run_cpu<Real>(isa, sys, seed, p, s);
        EXPECT_EQ(ref_s, s) << what << " isa " << static_cast<int>(isa) << " n " << sys.n << " seed " << seed;
        EXPECT_EQ(ref.accepted, c.accepted) << what << " isa " << static_cast<int>(isa) << " n " << sys.n;
        EXPECT_EQ(ref.trials, c.trials) << what << " isa " << static_cast<int>(isa) << " n " << sys.n;
        ++compared;
    }
    return compared;
}

isn_test::HostSystem scaled(isn_test::HostSystem sys, double factor) {
    for (double& v : sys.J) v *= factor;
    for (double& v : sys.h) v *= factor;
    return sys;
}

}  // namespace

TEST(CpuAnnealLoop, EqualsTheReferenceForEveryVariant) {
    int compared = 0;
    for (int32_t n : {1, 2, 7, 8, 9, 16, 17, 20, 31, 32, 33, 64, 100})
        for (int32_t rule : {ISN_ACCEPTANCE_METROPOLIS, ISN_ACCEPTANCE_SEED_COMPATIBLE})
            for (int32_t order : {ISN_SWEEP_RANDOM, ISN_SWEEP_SEQUENTIAL})
                for (int32_t window : {0, 25}) {
                    const auto sys = n % 2 == 0 ? isn_test::seed_pattern(n, 40 + n) : isn_test::spin_glass(n, 40 + n);
                    const isn_anneal_options o = options(60, 13, 0.1, 40.0, rule, order, window, 2.0);
                    compared += compare_all<double>(sys, 77 + n, o, "double");
                    compared += compare_all<float>(sys, 78 + n, o, "float");
                }
    EXPECT_GE(compared, 13 * 2 * 2 * 2 * 2);
}

TEST(CpuAnnealLoop, StepsShorterAndLongerThanABlockAndTheDefaultSchedule) {
    int compared = 0;
    for (int32_t trials : {1, 3, 8, 10, 31, 32, 33, 100})
        for (int32_t order : {ISN_SWEEP_RANDOM, ISN_SWEEP_SEQUENTIAL})
            for (int32_t n : {20, 50}) {
                const auto sys = isn_test::seed_pattern(n, 5);
                const isn_anneal_options o =
                    options(2000 / trials + 1, trials, 0.1, 2202.646579480672, ISN_ACCEPTANCE_METROPOLIS, order, 0, 0.0);
                for (uint64_t seed : {0ull, 1ull, 0xFFFFFFFFFFFFull})
                    compared += compare_all<double>(sys, seed, o, "trials");
            }
    EXPECT_GE(compared, 8 * 2 * 2 * 3);
}

// Couplings and betas that reach the loop's edge cases: dE subnormal (16 beta
// dE normal while beta dE is not), dE near the double range (16 beta dE
// overflows), betas for which every uphill move is beyond the cut, betas so
// small that every move is accepted, and an early stop that fires at once.
TEST(CpuAnnealLoop, ExtremeCouplingsAndBetas) {
    int compared = 0;
    const auto base = isn_test::spin_glass(24, 9);
    struct Case {
        double scale, beta0, beta1;
    };
    for (const Case& k : {Case{1e-310, 0.1, 1e3}, Case{1e-300, 1e-10, 1e10}, Case{1e300, 0.1, 10.0},
                          Case{1e306, 1e-300, 1.0}, Case{1.0, 1e6, 1e6}, Case{1.0, 1e-12, 1e-12},
                          Case{1.0, 1e290, 1e299}, Case{1e-200, 1e200, 1e250}})
        for (int32_t rule : {ISN_ACCEPTANCE_METROPOLIS, ISN_ACCEPTANCE_SEED_COMPATIBLE})
            for (int32_t order : {ISN_SWEEP_RANDOM, ISN_SWEEP_SEQUENTIAL})
                for (int32_t window : {0, 1, 40}) {
                    const auto sys = scaled(base, k.scale);
                    const isn_anneal_options o = options(40, 11, k.beta0, k.beta1, rule, order, window, 0.5);
                    compared += compare_all<double>(sys, 3, o, "extreme double");
                    compared += compare_all<float>(sys, 4, o, "extreme float");
                }
    EXPECT_GE(compared, 8 * 2 * 2 * 3 * 2);
}

// Betas whose 16-fold is not exact or overflows (beyond 2^1000) take the
// core loop instead; the results are the reference's all the same.
TEST(CpuAnnealLoop, BetasBeyondTheFastRangeUseTheCoreLoop) {
    const auto sys = isn_test::seed_pattern(20, 3);
    int compared = 0;
    for (int32_t order : {ISN_SWEEP_RANDOM, ISN_SWEEP_SEQUENTIAL}) {
        compared += compare_all<double>(sys, 5, options(30, 10, 1e305, 1e307, ISN_ACCEPTANCE_METROPOLIS, order, 0, 0.0),
                                        "huge beta");
        compared += compare_all<double>(scaled(sys, 1e-320), 5,
                                        options(30, 10, 1e305, 1e307, ISN_ACCEPTANCE_SEED_COMPATIBLE, order, 0, 0.0),
                                        "huge beta, subnormal J");
    }
    EXPECT_GE(compared, 4);
}

// The raw draws of every proposer path equal the core's Philox, across the
// 2^32 carry of the index (where the AVX-512 path's folded rounds do not apply).
TEST(CpuAnnealLoop, RawDrawsMatchTheCore) {
    const cpu::BlockProposer fast;
    int64_t checked = 0;
    for (uint64_t seed : {0ull, 1ull, 0xFFFFFFFFull, 0x123456789ABCDEF0ull, ~0ull})
        for (int32_t n : {1, 3, 20, 1000, 16384})
            for (uint64_t g0 : {0ull, 32ull, 0xFFFFFFE0ull, 0xFFFFFFF0ull, 0x1FFFFFFE0ull, 0x100000020ull, ~0ull - 31})
                for (uint32_t domain : {2u, 3u}) {
                    cpu::RawDraws a, b;
                    cpu::fill_raw_scalar(seed, g0, domain, n, a);
                    fast.raw(seed, g0, domain, n, b);
                    for (int32_t l = 0; l < cpu::kRawBlock; ++l) {
                        const core::Proposal q = core::propose(seed, g0 + static_cast<uint64_t>(l), domain, n);
                        ASSERT_EQ(q.site, a.site(l)) << seed << " " << n << " " << g0 << " lane " << l;
                        ASSERT_EQ(q.site, b.site(l)) << seed << " " << n << " " << g0 << " lane " << l;
                        ASSERT_EQ(a.u53[l], b.u53[l]) << seed << " " << n << " " << g0 << " lane " << l;
                        ASSERT_EQ(isn_test::bits(q.u), isn_test::bits(cpu::u53_from_bits(b.u53[l])));
                        ++checked;
                    }
                }
    EXPECT_EQ(checked, 5 * 5 * 7 * 2 * cpu::kRawBlock);
}

// The integer brackets decide exactly as the double ones: at and around every
// bound, U < lo implies u < det_exp(-x) and U >= hi implies the opposite.
TEST(CpuAnnealLoop, IntegerBracketsAgreeWithTheDoubleBrackets) {
    const cpu::UBracket* ub = cpu::u_bracket_table();
    const core::Bracket* db = core::host_bracket_table();
    for (int32_t k = 0; k < core::kBracketCount; ++k) {
        for (int64_t d = -2; d <= 2; ++d) {
            const uint64_t lo = ub[k].lo + static_cast<uint64_t>(d), hi = ub[k].hi + static_cast<uint64_t>(d);
            EXPECT_EQ(lo < ub[k].lo, cpu::u53_from_bits(lo) < db[k].lo) << k << " " << d;
            if (hi < (uint64_t{1} << 53)) EXPECT_EQ(hi >= ub[k].hi, cpu::u53_from_bits(hi) >= db[k].hi) << k << " " << d;
        }
    }
    EXPECT_EQ(ub[cpu::kCutIndex].lo, 0u);
    EXPECT_EQ(ub[cpu::kCutIndex].hi, 0u);
}

// Plans longer than the per-trial beta cache (kTrialBetaCache trials): the
// wide loop writes each block's betas itself, across step boundaries inside
// and between blocks.
TEST(CpuAnnealLoop, LongPlansBeyondTheTrialBetaCache) {
    int compared = 0;
    for (int32_t trials : {7, 32, 100})
        for (int32_t n : {20, 40}) {
            const auto sys = isn_test::seed_pattern(n, 11);
            const int32_t steps = (1 << 15) / trials + 3;  // beyond cpu::kTrialBetaCache
            const isn_anneal_options o =
                options(steps, trials, 0.1, 50.0, ISN_ACCEPTANCE_METROPOLIS, ISN_SWEEP_RANDOM, 0, 0.0);
            compared += compare_all<double>(sys, 21, o, "long double");
            compared += compare_all<float>(sys, 22, o, "long float");
        }
    EXPECT_GE(compared, 3 * 2 * 2);
}
