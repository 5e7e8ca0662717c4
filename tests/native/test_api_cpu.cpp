// The CPU backend through the C API: determinism, independence from the
// thread count, agreement with the core, and the multi-agent operations'
// defining relations (social attention and the matrix are empathy batches).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

#include "core/anneal.h"
#include "core/observables.h"
#include "reference_anneal.h"
#include "test_helpers.h"

using namespace isn_test;

namespace {

struct Batch {
    std::vector<HostSystem> systems;
    std::vector<isn_system_view> views;
    std::vector<uint64_t> seeds;
    int64_t total = 0;
};

Batch make_batch(const std::vector<int32_t>& sizes) {
    Batch b;
    for (size_t k = 0; k < sizes.size(); ++k) {
        b.systems.push_back(k % 2 ? spin_glass(sizes[k], 100 + k) : seed_pattern(sizes[k], 100 + k));
        b.seeds.push_back(0x9E3779B97F4A7C15ull * (k + 1));
        b.total += sizes[k];
    }
    for (const auto& s : b.systems) b.views.push_back(s.view());
    return b;
}

struct AnnealOut {
    std::vector<int8_t> spins;
    std::vector<isn_anneal_stats> stats;
};

AnnealOut anneal(isn_context* ctx, const Batch& b, const isn_anneal_options& o) {
    AnnealOut out{std::vector<int8_t>(static_cast<size_t>(b.total)), std::vector<isn_anneal_stats>(b.views.size())};
    EXPECT_EQ(isn_anneal_batch(ctx, b.views.data(), static_cast<int32_t>(b.views.size()), b.seeds.data(), &o,
                               out.spins.data(), out.stats.data()),
              ISN_STATUS_OK)
        << isn_last_error_message();
    return out;
}

void expect_same(const AnnealOut& a, const AnnealOut& b) {
    EXPECT_EQ(a.spins, b.spins);
    ASSERT_EQ(a.stats.size(), b.stats.size());
    for (size_t k = 0; k < a.stats.size(); ++k) {
        EXPECT_EQ(a.stats[k].trials, b.stats[k].trials);
        EXPECT_EQ(a.stats[k].accepted, b.stats[k].accepted);
        EXPECT_EQ(bits(a.stats[k].energy), bits(b.stats[k].energy));
    }
}

}  // namespace

TEST(CpuAnneal, MatchesTheCoreAndIsIndependentOfThreads) {
    const Batch b = make_batch({20, 7, 33, 20, 1, 64, 20, 13, 20, 50, 2, 20});
    for (int32_t variant = 0; variant < 4; ++variant) {
        const int32_t precision = variant % 2 == 0 ? ISN_PRECISION_DOUBLE : ISN_PRECISION_SINGLE;
        isn_anneal_options o = default_anneal();
        o.precision = precision;
        o.sweep_order = variant < 2 ? ISN_SWEEP_RANDOM : ISN_SWEEP_SEQUENTIAL;
        Context one(1), two(2), four(4);
        const AnnealOut a = anneal(one.get(), b, o);
        expect_same(a, anneal(two.get(), b, o));
        expect_same(a, anneal(four.get(), b, o));
        expect_same(a, anneal(one.get(), b, o));  // and reruns

        int64_t offset = 0;
        for (size_t k = 0; k < b.views.size(); ++k) {
            const HostSystem& s = b.systems[k];
            std::vector<int8_t> spins(static_cast<size_t>(s.n));
            std::vector<double> phi_d(static_cast<size_t>(s.n));
            std::vector<float> phi_f(static_cast<size_t>(s.n));
            const auto plan = isn::core::make_plan(o, s.n);
            const auto c = precision == ISN_PRECISION_SINGLE
                               ? isn_test::reference_anneal<float>(s.n, s.J.data(), s.h.data(), b.seeds[k], plan, spins.data(), phi_f.data())
                               : isn_test::reference_anneal<double>(s.n, s.J.data(), s.h.data(), b.seeds[k], plan, spins.data(), phi_d.data());
            EXPECT_EQ(0, std::memcmp(spins.data(), a.spins.data() + offset, spins.size()));
            EXPECT_EQ(a.stats[k].steps, 100);
            EXPECT_EQ(a.stats[k].trials, 1000);
            EXPECT_EQ(a.stats[k].accepted, c.accepted);
            EXPECT_EQ(bits(a.stats[k].energy), bits(isn::core::energy(s.n, s.J.data(), s.h.data(), spins.data())));
            offset += s.n;
        }
    }
}

TEST(CpuAnneal, SeedsMatterAndOptionsApply) {
    const Batch b = make_batch({40, 40});
    Context ctx;
    isn_anneal_options o = default_anneal();
    const AnnealOut a = anneal(ctx.get(), b, o);
    EXPECT_NE(std::vector<int8_t>(a.spins.begin(), a.spins.begin() + 40),
              std::vector<int8_t>(a.spins.begin() + 40, a.spins.end()));  // different systems and seeds
    o.adaptive_steps = 1;
    o.steps = 0;  // ignored when adaptive
    const AnnealOut ad = anneal(ctx.get(), b, o);
    EXPECT_EQ(ad.stats[0].steps, 54);
    EXPECT_EQ(ad.stats[0].trials, 540);
    o = default_anneal();
    o.acceptance = ISN_ACCEPTANCE_SEED_COMPATIBLE;
    const AnnealOut sc = anneal(ctx.get(), b, o);
    EXPECT_GT(sc.stats[0].accepted, a.stats[0].accepted);  // the floor keeps accepting uphill moves
}

TEST(CpuEmpathy, SocialAttentionAndMatrixAreEmpathyBatches) {
    std::vector<HostSystem> agents;
    for (int k = 0; k < 4; ++k) agents.push_back(seed_pattern(20, 500 + k));
    std::vector<isn_system_view> views;
    for (const auto& a : agents) views.push_back(a.view());
    const isn_empathy_options eo = default_empathy();
    Context ctx(2);

    // The matrix entry (a, b) is empathy of a towards b with seed base + a*K + b.
    const uint64_t base = 1000;
    std::vector<double> scores(16);
    std::vector<isn_empathy_result> full(16);
    ASSERT_EQ(isn_empathy_matrix(ctx.get(), views.data(), 4, base, &eo, scores.data(), full.data()), ISN_STATUS_OK);
    std::vector<isn_pair> pairs;
    for (int a = 0; a < 4; ++a)
        for (int b = 0; b < 4; ++b) pairs.push_back(isn_pair{a, b, base + static_cast<uint64_t>(a * 4 + b)});
    std::vector<isn_empathy_result> batch(16);
    ASSERT_EQ(isn_empathy_batch(ctx.get(), views.data(), 4, pairs.data(), 16, &eo, batch.data()), ISN_STATUS_OK);
    for (int e = 0; e < 16; ++e) {
        expect_same_result(full[static_cast<size_t>(e)], batch[static_cast<size_t>(e)]);
        EXPECT_EQ(scores[static_cast<size_t>(e)], batch[static_cast<size_t>(e)].score);
        EXPECT_GE(scores[static_cast<size_t>(e)], 0.0);
        EXPECT_LE(scores[static_cast<size_t>(e)], 1.0);
    }
    for (int a = 0; a < 4; ++a) EXPECT_EQ(full[static_cast<size_t>(a * 5)].coupling_similarity, 1.0);  // diagonal
    std::vector<double> scores_only(16);
    ASSERT_EQ(isn_empathy_matrix(ctx.get(), views.data(), 4, base, &eo, scores_only.data(), nullptr), ISN_STATUS_OK);
    EXPECT_EQ(scores_only, scores);

    // Social attention of agent 0 over agents 1..3 with seeds base + k.
    double weights[3];
    isn_empathy_result results[3];
    isn_emotion collective{};
    int32_t best = -1;
    ASSERT_EQ(isn_social_attention(ctx.get(), &views[0], views.data() + 1, 3, base, &eo, weights, results, &collective, &best),
              ISN_STATUS_OK);
    double sum = 0.0, total = 0.0;
    isn_emotion expected{0, 0, 0, 0};
    for (int k = 0; k < 3; ++k) {
        const isn_pair p{0, k + 1, base + static_cast<uint64_t>(k)};
        isn_empathy_result r;
        ASSERT_EQ(isn_empathy_batch(ctx.get(), views.data(), 4, &p, 1, &eo, &r), ISN_STATUS_OK);
        expect_same_result(r, results[k]);
        total += r.score;
        sum += weights[k];
    }
    for (int k = 0; k < 3; ++k) {
        EXPECT_EQ(weights[k], results[k].score / total);
        isn_observables o;
        ASSERT_EQ(isn_observe_batch(ctx.get(), &views[static_cast<size_t>(k) + 1], 1, &o), ISN_STATUS_OK);
        expected.valence += weights[k] * o.emotion.valence;
        expected.coherence += weights[k] * o.emotion.coherence;
    }
    EXPECT_NEAR(sum, 1.0, 1e-15);
    EXPECT_EQ(collective.valence, expected.valence);
    EXPECT_EQ(collective.coherence, expected.coherence);
    int argmax = 0;
    for (int k = 1; k < 3; ++k)
        if (results[k].score > results[argmax].score) argmax = k;
    EXPECT_EQ(best, argmax);
}

TEST(CpuEmpathy, ScoreFollowsItsComponents) {
    const HostSystem self = seed_pattern(20, 1), other = seed_pattern(20, 2);
    const isn_system_view views[2] = {self.view(), other.view()};
    isn_empathy_options eo = default_empathy();
    const isn_pair p{0, 1, 42};
    isn_empathy_result r;
    Context ctx;
    ASSERT_EQ(isn_empathy_batch(ctx.get(), views, 2, &p, 1, &eo, &r), ISN_STATUS_OK);
    const double expected = 0.4 * r.state_overlap + 0.3 * std::fmax(0.0, 1.0 - r.energy_error) + 0.3 * r.coupling_similarity;
    EXPECT_NEAR(r.score, std::fmin(1.0, expected), 1e-15);
    EXPECT_GE(r.state_overlap, 0.5);
    EXPECT_EQ(r.trials, 1000);
    EXPECT_EQ(bits(r.actual_energy), bits(isn::core::energy(20, other.J.data(), other.h.data(), other.s.data())));
    eo.weights = isn_weights{0, 0, 1, 0};
    ASSERT_EQ(isn_empathy_batch(ctx.get(), views, 2, &p, 1, &eo, &r), ISN_STATUS_OK);
    EXPECT_EQ(r.score, r.coupling_similarity);
}

TEST(CpuObserve, QuickAndSimilarity) {
    const HostSystem a = spin_glass(15, 4), b = spin_glass(15, 5);
    const isn_system_view views[2] = {a.view(), b.view()};
    Context ctx(2);
    isn_observables obs[2];
    ASSERT_EQ(isn_observe_batch(ctx.get(), views, 2, obs), ISN_STATUS_OK);
    for (int k = 0; k < 2; ++k) {
        const HostSystem& s = k ? b : a;
        const isn_observables ref = isn::core::observe(s.n, s.J.data(), s.h.data(), s.s.data());
        EXPECT_EQ(bits(obs[k].energy), bits(ref.energy));
        EXPECT_EQ(bits(obs[k].emotion.valence), bits(ref.emotion.valence));
        EXPECT_EQ(obs[k].emotion.arousal + obs[k].emotion.coherence, 1.0);
    }
    const isn_pair pairs[2] = {{0, 0, 0}, {0, 1, 0}};
    isn_quick_estimate q[2];
    ASSERT_EQ(isn_quick_estimate_batch(ctx.get(), views, 2, pairs, 2, 100.0, q), ISN_STATUS_OK);
    EXPECT_EQ(q[0].score, 1.0);
    EXPECT_EQ(q[0].energy_difference, 0.0);
    EXPECT_EQ(q[1].energy_difference, std::fabs(obs[0].energy - obs[1].energy));
    EXPECT_EQ(q[1].score, 0.7 * (1.0 - std::fmin(q[1].energy_difference / 100.0, 1.0)) + 0.3 * q[1].coupling_similarity);
    double sim[2];
    ASSERT_EQ(isn_coupling_similarity_batch(ctx.get(), views, 2, pairs, 2, sim), ISN_STATUS_OK);
    EXPECT_EQ(sim[0], 1.0);
    EXPECT_EQ(sim[1], q[1].coupling_similarity);
    EXPECT_GT(sim[1], 0.2);
    EXPECT_LT(sim[1], 0.8);  // independent spin glasses are nearly orthogonal
}

TEST(CpuSample, ChainRecordsStatesWithTheirEnergies) {
    const HostSystem s = spin_glass(10, 6);
    const isn_system_view v = s.view();
    Context ctx;
    std::vector<int8_t> states(50 * 10);
    std::vector<double> energies(50);
    isn_sample_stats st{};
    ASSERT_EQ(isn_sample(ctx.get(), &v, 0.5, 50, 2, 10, 3, ISN_ACCEPTANCE_METROPOLIS, states.data(), energies.data(), &st),
              ISN_STATUS_OK);
    EXPECT_EQ(st.trials, 10 * (10 + 50 * 2));
    EXPECT_EQ(st.acceptance, static_cast<double>(st.accepted) / st.trials);
    for (int k = 0; k < 50; ++k)
        EXPECT_EQ(energies[static_cast<size_t>(k)], isn::core::energy(10, s.J.data(), s.h.data(), states.data() + k * 10));
    // A random start (spins NULL) differs from starting at the system's spins only in the start.
    isn_system_view random_start = v;
    random_start.spins = nullptr;
    ASSERT_EQ(isn_sample(ctx.get(), &random_start, 0.5, 50, 2, 10, 3, 0, states.data(), energies.data(), &st), ISN_STATUS_OK);
}

// Several threads on one context: calls are serialised and each gets exactly
// the result it would get alone.
TEST(CpuContext, ConcurrentCallsOnOneContextAreSafe) {
    const Batch b = make_batch({20, 30, 40});
    const isn_anneal_options o = default_anneal();
    Context ctx(2);
    const AnnealOut expected = anneal(ctx.get(), b, o);
    std::vector<AnnealOut> got(4);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < got.size(); ++t)
        threads.emplace_back([&, t] {
            for (int rep = 0; rep < 5; ++rep) got[t] = anneal(ctx.get(), b, o);
        });
    for (auto& th : threads) th.join();
    for (const auto& g : got) expect_same(g, expected);
}
