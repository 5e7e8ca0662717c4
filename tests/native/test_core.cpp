// The core against straightforward references: observables by definition,
// incremental dE against full energy differences, incremental fields after a
// long anneal, the block-split executor, detailed balance at fixed beta.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <algorithm>
#include <map>
#include <vector>

#include "core/anneal.h"
#include "core/empathy.h"
#include "core/observables.h"
#include "core/sample.h"
#include "reference_anneal.h"
#include "test_helpers.h"

using namespace isn::core;
using isn_test::HostSystem;

namespace {

// MODEL.md's definition, summed naively.
double reference_energy(const HostSystem& s, const std::vector<int8_t>& spins) {
    double e = 0.0;
    for (int i = 0; i < s.n; ++i) {
        for (int j = i + 1; j < s.n; ++j) e -= s.J[static_cast<size_t>(i) * s.n + j] * spins[i] * spins[j];
        e -= s.h[static_cast<size_t>(i)] * spins[i];
    }
    return e;
}

AnnealPlan plan_for(int32_t n, int32_t steps, int32_t trials) {
    isn_anneal_options o = isn_test::default_anneal();
    o.steps = steps;
    o.trials_per_step = trials;
    return make_plan(o, n);
}

}  // namespace

TEST(Observables, MatchDefinitions) {
    const HostSystem s = isn_test::spin_glass(12, 5);
    EXPECT_NEAR(energy(s.n, s.J.data(), s.h.data(), s.s.data()), reference_energy(s, s.s), 1e-12);
    int m = 0;
    for (int8_t v : s.s) m += v;
    EXPECT_EQ(magnetization(s.n, s.s.data()), static_cast<double>(m) / 12.0);
    int nz = 0, fr = 0;
    for (int i = 0; i < s.n; ++i)
        for (int j = i + 1; j < s.n; ++j) {
            const double J = s.J[static_cast<size_t>(i) * s.n + j];
            if (J != 0.0) {
                ++nz;
                if (J * s.s[i] * s.s[j] < 0) ++fr;
            }
        }
    EXPECT_EQ(frustration(s.n, s.J.data(), s.s.data()), static_cast<double>(fr) / nz);
}

TEST(Observables, HandExample) {
    // Two spins, J01 = 1, h = (0.5, -0.25), s = (+1, -1): E = -(1*1*-1) - (0.5 - -0.25) = 1 - 0.75.
    const double J[4] = {0, 1, 1, 0}, h[2] = {0.5, -0.25};
    const int8_t s[2] = {1, -1};
    EXPECT_EQ(energy(2, J, h, s), 0.25);
    EXPECT_EQ(magnetization(2, s), 0.0);
    EXPECT_EQ(frustration(2, J, s), 1.0);
    const isn_observables o = observe(2, J, h, s);
    EXPECT_EQ(o.emotion.valence, det_tanh(-0.125));
    EXPECT_EQ(o.emotion.arousal, 1.0);
    EXPECT_EQ(o.emotion.coherence, 0.0);
    const double Jz[4] = {0, 0, 0, 0};
    EXPECT_EQ(frustration(2, Jz, s), 0.0);  // no couplings: 0 / max(1, 0)
}

TEST(Anneal, IncrementalDeltaEqualsFullEnergyDifference) {
    const HostSystem s = isn_test::spin_glass(30, 11);
    std::vector<int8_t> spins = s.s;
    const double e0 = energy(s.n, s.J.data(), s.h.data(), spins.data());
    for (int i = 0; i < s.n; ++i) {
        const double phi = local_field<double>(i, s.n, s.J.data(), s.h.data(), spins.data());
        const double dE = (2.0 * spins[i]) * phi;
        spins[i] = static_cast<int8_t>(-spins[i]);
        const double e1 = energy(s.n, s.J.data(), s.h.data(), spins.data());
        spins[i] = static_cast<int8_t>(-spins[i]);
        EXPECT_NEAR(e1 - e0, dE, 1e-12 * (1.0 + std::fabs(dE))) << "site " << i;
    }
}

TEST(Anneal, IncrementalFieldsStayConsistentOverALongAnneal) {
    const HostSystem s = isn_test::spin_glass(40, 3);
    std::vector<int8_t> spins(40);
    std::vector<double> phi(40);
    // Low, flat beta so that many flips are accepted.
    isn_anneal_options o = isn_test::default_anneal();
    o.steps = 200;
    o.trials_per_step = 500;
    o.beta_start = 0.2;
    o.beta_end = 0.3;
    const AnnealCounts c = isn_test::device_config_anneal<double>(40, s.J.data(), s.h.data(), 99, make_plan(o, 40), spins.data(), phi.data());
    EXPECT_EQ(c.trials, 100000);
    EXPECT_GT(c.accepted, 10000);
    for (int i = 0; i < 40; ++i)
        EXPECT_NEAR(phi[static_cast<size_t>(i)], local_field<double>(i, 40, s.J.data(), s.h.data(), spins.data()), 1e-9);
}

TEST(Anneal, ScheduleEndsNearBetaEnd) {
    const AnnealPlan p = plan_for(20, 100, 10);
    EXPECT_EQ(beta_at(p, 0), 0.1);
    const double last = beta_at(p, 100);  // t = T would be beta_end
    EXPECT_NEAR(last / 2202.646579480672, 1.0, 1e-13);
    isn_anneal_options o = isn_test::default_anneal();
    o.adaptive_steps = 1;
    EXPECT_EQ(make_plan(o, 1000).steps, 150);
    EXPECT_EQ(make_plan(o, 19).steps, 51);
}

TEST(Anneal, AnnealLowersEnergyOfFerromagnet) {
    const HostSystem s = isn_test::seed_pattern(50, 7);
    std::vector<int8_t> spins(50);
    std::vector<double> phi(50);
    isn_test::device_config_anneal<double>(50, s.J.data(), s.h.data(), 1, plan_for(50, 300, 50), spins.data(), phi.data());
    // A ferromagnet at beta ~ 2200 ends fully aligned.
    EXPECT_EQ(std::fabs(magnetization(50, spins.data())), 1.0);
}

// The GPU block regime, emulated: init and phi updates split over "threads"
// taken in reverse order give exactly the sequential result.
TEST(Anneal, BlockSplitExecutionIsBitIdentical) {
    const HostSystem s = isn_test::spin_glass(37, 21);
    const int32_t n = 37, nt = 5;
    const uint64_t seed = 1234;
    const AnnealPlan p = plan_for(n, 80, 20);
    std::vector<int8_t> ref(n);
    std::vector<double> phi_ref(n);
    const AnnealCounts cr = isn_test::device_config_anneal<double>(n, s.J.data(), s.h.data(), seed, p, ref.data(), phi_ref.data());

    std::vector<int8_t> sp(n);
    std::vector<double> ph(n);
    for (int32_t tid = nt - 1; tid >= 0; --tid) init_spins(n, seed, sp.data(), tid, nt);
    for (int32_t tid = nt - 1; tid >= 0; --tid)
        for (int32_t i = tid; i < n; i += nt) ph[static_cast<size_t>(i)] = local_field<double>(i, n, s.J.data(), s.h.data(), sp.data());
    int64_t accepted = 0;
    for (int32_t t = 0; t < p.steps; ++t) {
        const double beta = beta_at(p, t);
        for (int32_t k = 0; k < p.trials; ++k) {
            const Proposal q = propose(seed, static_cast<uint64_t>(t) * p.trials + k, kDomainAnnealTrial, n);
            if (accept<double>(ph[static_cast<size_t>(q.site)], sp[static_cast<size_t>(q.site)], beta, q.u, p.rule)) {
                ++accepted;
                const int8_t new_si = static_cast<int8_t>(-sp[static_cast<size_t>(q.site)]);
                sp[static_cast<size_t>(q.site)] = new_si;
                for (int32_t tid = nt - 1; tid >= 0; --tid) update_fields<double>(q.site, new_si, n, s.J.data(), ph.data(), tid, nt);
            }
        }
    }
    EXPECT_EQ(sp, ref);
    EXPECT_EQ(accepted, cr.accepted);
    for (int32_t i = 0; i < n; ++i) EXPECT_EQ(isn_test::bits(ph[static_cast<size_t>(i)]), isn_test::bits(phi_ref[static_cast<size_t>(i)]));
}

// The one anneal loop in every configuration an executor uses (sweep order x
// rule x early stop x precision x computed/cached betas x with/without brackets) against
// the literal section-4 transcription: sizes around the eight-row init groups,
// K = 13 so draw blocks straddle steps, a total that is no multiple of a block.
template <class Real>
void expect_every_configuration_matches(int32_t n, int32_t rule, int32_t window, int32_t order) {
    const HostSystem sys = isn_test::spin_glass(n, 40 + n);
    isn_anneal_options o = isn_test::default_anneal();
    o.steps = 37;
    o.trials_per_step = 13;
    o.beta_start = 0.05;
    o.beta_end = 40.0;
    o.adaptive_steps = 0;
    o.acceptance = rule;
    o.early_stop_window = window;
    o.early_stop_beta = 2.0;
    o.sweep_order = order;
    const AnnealPlan p = make_plan(o, n);
    std::vector<double> betas(static_cast<size_t>(p.steps));
    for (int32_t t = 0; t < p.steps; ++t) betas[static_cast<size_t>(t)] = beta_at(p, t);
    const uint64_t seed = 777 + static_cast<uint64_t>(n);
    std::vector<int8_t> s_ref(static_cast<size_t>(n)), s(static_cast<size_t>(n));
    std::vector<Real> phi_ref(static_cast<size_t>(n)), phi(static_cast<size_t>(n));
    const AnnealCounts ref = isn_test::reference_anneal<Real>(n, sys.J.data(), sys.h.data(), seed, p, s_ref.data(), phi_ref.data());
    for (int variant = 0; variant < 2; ++variant) {
        const AnnealCounts c =
            variant == 0 ? anneal_system_dispatch<Real>(n, sys.J.data(), sys.h.data(), seed, p, ComputedBetas{p}, nullptr,
                                                        s.data(), phi.data(), CoreProposer{})
                         : anneal_system_dispatch<Real>(n, sys.J.data(), sys.h.data(), seed, p, betas.data(),
                                                        host_bracket_table(), s.data(), phi.data(), CoreProposer{});
        SCOPED_TRACE(::testing::Message() << "n=" << n << " rule=" << rule << " window=" << window << " order=" << order
                                          << " variant=" << variant);
        EXPECT_EQ(s, s_ref);
        EXPECT_EQ(c.trials, ref.trials);
        EXPECT_EQ(c.accepted, ref.accepted);
        EXPECT_EQ(0, std::memcmp(phi.data(), phi_ref.data(), phi.size() * sizeof(Real)));
    }
}

TEST(Anneal, EveryConfigurationMatchesTheLiteralReference) {
    for (int32_t n : {1, 2, 7, 8, 9, 16, 20, 33})
        for (int32_t rule : {ISN_ACCEPTANCE_METROPOLIS, ISN_ACCEPTANCE_SEED_COMPATIBLE})
            for (int32_t window : {0, 3, 60})
                for (int32_t order : {ISN_SWEEP_RANDOM, ISN_SWEEP_SEQUENTIAL}) {
                    expect_every_configuration_matches<double>(n, rule, window, order);
                    expect_every_configuration_matches<float>(n, rule, window, order);
                }
}

// Early stop actually fires in the configurations above (otherwise the Stop
// instantiations would only be tested on full schedules).
TEST(Anneal, EarlyStopFiresInTheOptimisedLoop) {
    const HostSystem sys = isn_test::seed_pattern(20, 3);
    isn_anneal_options o = isn_test::default_anneal();
    o.steps = 37;
    o.trials_per_step = 13;
    o.beta_start = 0.05;
    o.beta_end = 40.0;
    o.adaptive_steps = 0;
    o.early_stop_window = 3;
    o.early_stop_beta = 2.0;
    const AnnealPlan p = make_plan(o, 20);
    std::vector<int8_t> s(20);
    std::vector<double> phi(20);
    const AnnealCounts c = anneal_system_dispatch<double>(20, sys.J.data(), sys.h.data(), 5, p, ComputedBetas{p},
                                                          host_bracket_table(), s.data(), phi.data(), CoreProposer{});
    EXPECT_LT(c.trials, 37 * 13);
}

TEST(Anneal, AcceptanceRules) {
    // dE <= 0 always accepted.
    EXPECT_TRUE(accept<double>(-1.0, 1, 5.0, 0.999, ISN_ACCEPTANCE_METROPOLIS));
    // dE = 2, beta = 1: accept iff u < e^-2.
    EXPECT_TRUE(accept<double>(1.0, 1, 1.0, 0.13, ISN_ACCEPTANCE_METROPOLIS));
    EXPECT_FALSE(accept<double>(1.0, 1, 1.0, 0.14, ISN_ACCEPTANCE_METROPOLIS));
    // Beyond the cut Metropolis rejects, SeedCompatible still accepts below its floor 0.1/(1+beta).
    EXPECT_FALSE(accept<double>(100.0, 1, 1.0, 0.0, ISN_ACCEPTANCE_METROPOLIS));
    EXPECT_TRUE(accept<double>(100.0, 1, 1.0, 0.049, ISN_ACCEPTANCE_SEED_COMPATIBLE));
    EXPECT_FALSE(accept<double>(100.0, 1, 1.0, 0.051, ISN_ACCEPTANCE_SEED_COMPATIBLE));
}

TEST(Anneal, EarlyStopEndsAfterWindowOfRejections) {
    const HostSystem s = isn_test::seed_pattern(20, 3);
    isn_anneal_options o = isn_test::default_anneal();
    o.steps = 1000;
    o.trials_per_step = 10;
    o.early_stop_window = 50;
    o.early_stop_beta = 1.0;
    std::vector<int8_t> spins(20);
    std::vector<double> phi(20);
    const AnnealCounts c = isn_test::device_config_anneal<double>(20, s.J.data(), s.h.data(), 5, make_plan(o, 20), spins.data(), phi.data());
    EXPECT_LT(c.trials, 10000);
    EXPECT_GE(c.trials, 50);
}

TEST(Similarity, IdenticalOppositeAndZero) {
    const HostSystem a = isn_test::spin_glass(10, 1);
    EXPECT_EQ(coupling_similarity(10, a.J.data(), a.J.data()), 1.0);
    std::vector<double> neg(a.J);
    for (double& v : neg) v = -v;
    EXPECT_EQ(coupling_similarity(10, a.J.data(), neg.data()), 0.0);
    std::vector<double> zero(a.J.size(), 0.0);
    EXPECT_EQ(coupling_similarity(10, a.J.data(), zero.data()), 0.5);
}

// Detailed balance: the fixed-beta chain's visited states follow Boltzmann
// (exact enumeration of all 2^4 states).
TEST(Sample, MetropolisMatchesBoltzmannForFourSpins) {
    const HostSystem s = isn_test::spin_glass(4, 8);
    const double beta = 0.8;
    const int32_t samples = 60000;
    std::vector<int8_t> spins(4), states(static_cast<size_t>(samples) * 4);
    std::vector<double> phi(4), energies(static_cast<size_t>(samples));
    sample_chain(4, s.J.data(), s.h.data(), beta, samples, 1, 100, 77, ISN_ACCEPTANCE_METROPOLIS, true, spins.data(),
                 phi.data(), states.data(), energies.data());
    std::map<int, int> counts;
    for (int32_t k = 0; k < samples; ++k) {
        int code = 0;
        for (int i = 0; i < 4; ++i) code = code * 2 + (states[static_cast<size_t>(k) * 4 + i] > 0);
        ++counts[code];
    }
    double z = 0.0;
    std::vector<double> w(16);
    for (int code = 0; code < 16; ++code) {
        std::vector<int8_t> st(4);
        for (int i = 0; i < 4; ++i) st[static_cast<size_t>(i)] = ((code >> (3 - i)) & 1) ? 1 : -1;
        w[static_cast<size_t>(code)] = std::exp(-beta * reference_energy(s, st));
        z += w[static_cast<size_t>(code)];
    }
    for (int code = 0; code < 16; ++code) {
        const double expected = w[static_cast<size_t>(code)] / z;
        EXPECT_NEAR(counts[code] / static_cast<double>(samples), expected, 0.015) << "state " << code;
    }
}

// The bracketing table only skips work: with and without it every decision is
// the same, including for u right at the brackets and at det_exp(-x) itself.
TEST(Anneal, ExpTableNeverChangesADecision) {
    const double* table = host_exp_table();
    const Bracket* brackets = host_bracket_table();
    uint64_t g = 0;
    int64_t decided_by_table = 0, total = 0;
    for (int rep = 0; rep < 400000; ++rep, ++g) {
        const Philox4 w = draw(2024, g, 9);
        const double x = 37.0 * u53(w.w[0], w.w[1]);
        double u = u53(w.w[2], w.w[3]);
        const int32_t k = static_cast<int32_t>(x * 16.0);
        switch (rep % 5) {  // also probe the bracket edges and the threshold itself
            case 1: u = table[k + 1] * (1.0 - 1e-9); break;
            case 2: u = table[k] * (1.0 + 1e-9); break;
            case 3: u = det_exp(-x); break;
            case 4: u = std::nextafter(det_exp(-x), 0.0); break;
            default: break;
        }
        const bool exact = u < det_exp(-x);
        EXPECT_EQ(below_exp_neg(u, x, brackets), exact) << "x=" << x << " u=" << u;
        if (rep % 5 == 0) {
            ++total;
            if (u < table[k + 1] * (1.0 - 1e-9) || u >= table[k] * (1.0 + 1e-9)) ++decided_by_table;
        }
    }
    EXPECT_GT(decided_by_table, total * 9 / 10);
}

// The table's premise: det_exp is within 1e-12 (relative) of exp on [-37, 0].
TEST(Anneal, DetExpIsWithinTheTableMargin) {
    double worst = 0.0;
    for (int k = 0; k <= 370000; ++k) {
        const double x = -k / 10000.0;
        worst = std::max(worst, std::fabs(det_exp(x) / std::exp(x) - 1.0));
    }
    for (int k = 0; k < kExpTableSize; ++k)
        worst = std::max(worst, std::fabs(host_exp_table()[k] / std::exp(-k / 16.0) - 1.0));
    EXPECT_LT(worst, 1e-14);
}

// The sequential order visits every site once per sweep, in order: with
// K = n and beta huge, a frozen chain's accepted flips can only be downhill,
// and the trial count is exactly T*K whatever the spins do.
TEST(Anneal, SequentialOrderRunsWholeSweepsAndDrawsLazily) {
    const HostSystem sys = isn_test::seed_pattern(20, 3);
    isn_anneal_options o = isn_test::default_anneal();
    o.steps = 50;
    o.trials_per_step = 20;
    o.sweep_order = ISN_SWEEP_SEQUENTIAL;
    const AnnealPlan p = make_plan(o, 20);
    std::vector<int8_t> s(20), r(20);
    std::vector<double> phi(20), phr(20);
    const AnnealCounts c = anneal_system_dispatch<double>(20, sys.J.data(), sys.h.data(), 5, p, ComputedBetas{p},
                                                          host_bracket_table(), s.data(), phi.data(), CoreProposer{});
    EXPECT_EQ(c.trials, 50 * 20);
    // A different order is a different chain: the random order's result differs
    // in its acceptance count for this seed (both are valid anneals).
    AnnealPlan q = p;
    q.order = ISN_SWEEP_RANDOM;
    const AnnealCounts d = anneal_system_dispatch<double>(20, sys.J.data(), sys.h.data(), 5, q, ComputedBetas{q},
                                                          host_bracket_table(), r.data(), phr.data(), CoreProposer{});
    EXPECT_EQ(d.trials, 50 * 20);
    EXPECT_NE(c.accepted, d.accepted);
    // Every field stays the exact local field of the final spins (the O(n) updates are consistent).
    for (int32_t i = 0; i < 20; ++i) EXPECT_NEAR(phi[static_cast<size_t>(i)], local_field<double>(i, 20, sys.J.data(), sys.h.data(), s.data()), 1e-9);
}
