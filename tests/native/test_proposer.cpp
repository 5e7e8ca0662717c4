// The CPU's AVX2 proposal producer against the core's scalar Philox: every
// site and uniform identical, across seeds, sizes and the 2^32 index carry.
#include <gtest/gtest.h>

#include "core/anneal.h"
#include "cpu/philox_avx2.h"
#include "generators.h"
#include "reference_anneal.h"

using namespace isn::core;

TEST(BlockProposer, MatchesTheCoreBitForBit) {
    const isn::cpu::BlockProposer fast;
    std::printf("AVX2 proposer in use: %s\n", fast.vectorised() ? "yes" : "no (core fallback)");
    int64_t checked = 0;
    for (uint64_t seed : {0ull, 1ull, 0xFFFFFFFFull, 0x123456789ABCDEF0ull, ~0ull})
        for (int32_t n : {1, 2, 3, 20, 1000, 16384})
            for (uint64_t g0 : {0ull, 16ull, 0xFFFFFFF8ull, 0x1FFFFFFF0ull, ~0ull - 7})
                for (uint32_t domain : {2u, 3u}) {
                    DrawBlock a, b;
                    propose_block(seed, g0, domain, n, a);
                    fast(seed, g0, domain, n, b);
                    for (int32_t l = 0; l < kDrawBlock; ++l) {
                        ASSERT_EQ(a.site[l], b.site[l]) << seed << " " << n << " " << g0 << " lane " << l;
                        ASSERT_EQ(isn_test::bits(a.u[l]), isn_test::bits(b.u[l])) << seed << " " << n << " " << g0;
                        ++checked;
                    }
                }
    EXPECT_EQ(checked, 5 * 6 * 5 * 2 * kDrawBlock);
}

TEST(BlockProposer, AnnealWithItEqualsTheCoreAnneal) {
    const isn::cpu::BlockProposer fast;
    const auto sys = isn_test::spin_glass(30, 4);
    isn_anneal_options o;
    o.steps = 77;
    o.trials_per_step = 13;  // blocks straddle steps
    o.beta_start = 0.1;
    o.beta_end = 50.0;
    o.adaptive_steps = 0;
    o.acceptance = ISN_ACCEPTANCE_METROPOLIS;
    o.precision = ISN_PRECISION_DOUBLE;
    o.early_stop_window = 0;
    o.early_stop_beta = 0.0;
    const AnnealPlan p = make_plan(o, 30);
    std::vector<int8_t> s1(30), s2(30);
    std::vector<double> f1(30), f2(30);
    const AnnealCounts c1 = isn_test::reference_anneal<double>(30, sys.J.data(), sys.h.data(), 9, p, s1.data(), f1.data());
    const AnnealCounts c2 = anneal_system_dispatch<double>(30, sys.J.data(), sys.h.data(), 9, p, ComputedBetas{p},
                                                           host_bracket_table(), s2.data(), f2.data(), fast);
    EXPECT_EQ(s1, s2);
    EXPECT_EQ(c1.accepted, c2.accepted);
    EXPECT_EQ(c1.trials, c2.trials);
}
