// No silent overflow (issue 12 item 2): couplings and fields beyond
// ISN_MAX_MAGNITUDE and betas outside [ISN_MIN_BETA, ISN_MAX_BETA] are
// rejected naming the argument, the index and the value; inputs at the bound
// give finite results in every output, with similarity and scores in [0, 1]
// (docs/ALGORITHM.md section 12 derives the bound).
#include <cfloat>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "test_helpers.h"

using namespace isn_test;

namespace {

const double kB = ISN_MAX_MAGNITUDE;
const double kAbove = std::nextafter(ISN_MAX_MAGNITUDE, INFINITY);

void expect_rejected(isn_status st, const std::vector<std::string>& parts) {
    EXPECT_EQ(st, ISN_STATUS_INVALID_ARGUMENT);
    const std::string msg = isn_last_error_message();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
}

// Every coupling and field +-B or a tiny/zero value, random spins.
HostSystem edge_system(std::mt19937_64& rng, int32_t n) {
    HostSystem s;
    s.n = n;
    s.J.assign(static_cast<size_t>(n) * n, 0.0);
    s.h.resize(static_cast<size_t>(n));
    s.s.resize(static_cast<size_t>(n));
    const double pick[] = {kB, -kB, kB, -kB, 0.0, 4.9e-324, -1e-300, 0.5 * kB};
    for (int32_t i = 0; i < n; ++i)
        for (int32_t j = i + 1; j < n; ++j)
            s.J[static_cast<size_t>(i) * n + j] = s.J[static_cast<size_t>(j) * n + i] = pick[rng() % 8];
    for (int32_t i = 0; i < n; ++i) {
        s.h[static_cast<size_t>(i)] = pick[rng() % 8];
        s.s[static_cast<size_t>(i)] = rng() % 2 ? 1 : -1;
    }
    return s;
}

bool in01(double v) { return v >= 0.0 && v <= 1.0; }

void expect_emotion_ok(const isn_emotion& e) {
    EXPECT_TRUE(e.valence >= -1.0 && e.valence <= 1.0) << e.valence;
    EXPECT_TRUE(in01(e.arousal)) << e.arousal;
    EXPECT_TRUE(in01(e.tension)) << e.tension;
    EXPECT_TRUE(in01(e.coherence)) << e.coherence;
}

void expect_result_ok(const isn_empathy_result& r) {
    EXPECT_TRUE(in01(r.score)) << r.score;
    EXPECT_TRUE(in01(r.state_overlap)) << r.state_overlap;
    EXPECT_TRUE(std::isfinite(r.energy_error) && r.energy_error >= 0.0) << r.energy_error;
    EXPECT_TRUE(in01(r.magnetization_error)) << r.magnetization_error;
    EXPECT_TRUE(in01(r.coupling_similarity)) << r.coupling_similarity;
    EXPECT_TRUE(std::isfinite(r.predicted_energy)) << r.predicted_energy;
    EXPECT_TRUE(std::isfinite(r.actual_energy)) << r.actual_energy;
}

}  // namespace

TEST(Bounds, CouplingsAndFieldsBeyondTheBoundAreNamedWithIndexAndValue) {
    Context ctx;
    HostSystem a = seed_pattern(5, 1), b = seed_pattern(5, 2);
    isn_observables out[2];
    out[0].energy = out[1].energy = -7.0;
    // At the bound: accepted.
    b.J[0 * 5 + 3] = b.J[3 * 5 + 0] = -kB;
    b.h[4] = kB;
    std::vector<isn_system_view> v = {a.view(), b.view()};
    ASSERT_EQ(isn_observe_batch(ctx.get(), v.data(), 2, out), ISN_STATUS_OK) << isn_last_error_message();
    EXPECT_TRUE(std::isfinite(out[1].energy));
    // One ulp beyond, in a coupling (exactly symmetric, so the fast tier sees it first).
    b.J[1 * 5 + 2] = b.J[2 * 5 + 1] = -kAbove;
    out[0].energy = -7.0;
    expect_rejected(isn_observe_batch(ctx.get(), v.data(), 2, out),
                    {"'systems[1].couplings'", "[1,2]", "-1.0000000000000002e+30", "ISN_MAX_MAGNITUDE"});
    EXPECT_EQ(out[0].energy, -7.0);  // nothing written
    // Beyond and not exactly symmetric (the tolerant tier names it too).
    b.J[2 * 5 + 1] = -kAbove * (1 + 1e-14);
    expect_rejected(isn_observe_batch(ctx.get(), v.data(), 2, out), {"'systems[1].couplings'", "ISN_MAX_MAGNITUDE"});
    b.J[1 * 5 + 2] = b.J[2 * 5 + 1] = 1e154;  // the size that used to overflow silently
    expect_rejected(isn_observe_batch(ctx.get(), v.data(), 2, out), {"[1,2]", "1e+154"});
    b.J[1 * 5 + 2] = b.J[2 * 5 + 1] = 0.25;
    // A field.
    b.h[3] = kAbove;
    expect_rejected(isn_observe_batch(ctx.get(), v.data(), 2, out),
                    {"'systems[1].fields'", "[3]", "1.0000000000000002e+30", "ISN_MAX_MAGNITUDE"});
    b.h[3] = -DBL_MAX;
    expect_rejected(isn_observe_batch(ctx.get(), v.data(), 2, out), {"'systems[1].fields'", "[3]"});
    b.h[3] = 0.0;
    // Through an agent set and a single-system call as well.
    a.J[0 * 5 + 1] = a.J[1 * 5 + 0] = kAbove;
    isn_agent_set* set = nullptr;
    expect_rejected(isn_agent_set_create(ctx.get(), v.data(), 2, &set), {"'systems[0].couplings'", "[0,1]"});
    EXPECT_EQ(set, nullptr);
    std::vector<int8_t> states(5);
    double energy = -7.0;
    expect_rejected(isn_sample(ctx.get(), &v[0], 1.0, 1, 1, 0, 1, ISN_ACCEPTANCE_METROPOLIS, states.data(), &energy,
                               nullptr),
                    {"'system.couplings'", "[0,1]"});
    EXPECT_EQ(energy, -7.0);
}

TEST(Bounds, BetasOutsideTheRangeAreNamedWithTheValue) {
    Context ctx;
    const HostSystem a = seed_pattern(6, 3);
    const isn_system_view v = a.view();
    const uint64_t seed = 9;
    std::vector<int8_t> spins(6, 7);
    const auto anneal = [&](const isn_anneal_options& o) {
        return isn_anneal_batch(ctx.get(), &v, 1, &seed, &o, spins.data(), nullptr);
    };
    isn_anneal_options o = default_anneal();
    o.steps = 20;
    o.beta_start = ISN_MIN_BETA;
    o.beta_end = ISN_MAX_BETA;
    ASSERT_EQ(anneal(o), ISN_STATUS_OK) << isn_last_error_message();
    o.beta_start = std::nextafter(ISN_MIN_BETA, 0.0);
    expect_rejected(anneal(o), {"'options.beta_start'", "ISN_MIN_BETA"});
    o.beta_start = 5e-324;
    expect_rejected(anneal(o), {"'options.beta_start'", "4.9406564584124654e-324"});
    o.beta_start = 1.0;
    o.beta_end = std::nextafter(ISN_MAX_BETA, INFINITY);
    expect_rejected(anneal(o), {"'options.beta_end'", "1.0000000000000002e+30", "ISN_MAX_BETA"});
    o.beta_end = NAN;
    expect_rejected(anneal(o), {"'options.beta_end'", "nan"});
    o.beta_end = 10.0;
    o.early_stop_window = 5;
    o.early_stop_beta = ISN_MAX_BETA;
    ASSERT_EQ(anneal(o), ISN_STATUS_OK) << isn_last_error_message();
    o.early_stop_beta = std::nextafter(ISN_MAX_BETA, INFINITY);
    expect_rejected(anneal(o), {"'options.early_stop_beta'", "ISN_MAX_BETA"});
    EXPECT_EQ(spins[0] == 1 || spins[0] == -1, true);
    // Sample: the same range.
    std::vector<int8_t> states(6);
    double energy = -7.0;
    const auto sample = [&](double beta) {
        return isn_sample(ctx.get(), &v, beta, 1, 1, 0, 1, ISN_ACCEPTANCE_METROPOLIS, states.data(), &energy, nullptr);
    };
    ASSERT_EQ(sample(ISN_MIN_BETA), ISN_STATUS_OK);
    ASSERT_EQ(sample(ISN_MAX_BETA), ISN_STATUS_OK);
    energy = -7.0;
    expect_rejected(sample(std::nextafter(ISN_MAX_BETA, INFINITY)), {"'beta'", "ISN_MAX_BETA"});
    expect_rejected(sample(1e-300), {"'beta'", "1e-300"});
    EXPECT_EQ(energy, -7.0);
}

// Property-style: random systems at the edge of the bound, betas at both ends
// of their range, both precisions and both acceptance rules; every output of
// every call is finite and in its documented range.
TEST(Bounds, InputsAtTheBoundGiveFiniteOutputsInTheirRanges) {
    std::mt19937_64 rng(20261202);
    Context ctx(2);
    for (int round = 0; round < 24; ++round) {
        const int32_t n = 1 + static_cast<int32_t>(rng() % 40);
        std::vector<HostSystem> sys;
        for (int k = 0; k < 3; ++k) sys.push_back(edge_system(rng, n));
        std::vector<isn_system_view> v;
        for (auto& s : sys) v.push_back(s.view());
        SCOPED_TRACE("round " + std::to_string(round) + ", n " + std::to_string(n));

        isn_observables obs[3];
        ASSERT_EQ(isn_observe_batch(ctx.get(), v.data(), 3, obs), ISN_STATUS_OK) << isn_last_error_message();
        for (const auto& o : obs) {
            EXPECT_TRUE(std::isfinite(o.energy)) << o.energy;
            EXPECT_TRUE(o.magnetization >= -1.0 && o.magnetization <= 1.0);
            EXPECT_TRUE(in01(o.frustration));
            expect_emotion_ok(o.emotion);
        }

        isn_empathy_options eo = default_empathy();
        eo.anneal.steps = 30;
        eo.anneal.beta_start = round % 2 ? ISN_MIN_BETA : 1.0;
        eo.anneal.beta_end = round % 3 ? ISN_MAX_BETA : ISN_MIN_BETA;
        eo.anneal.precision = round % 4 < 2 ? ISN_PRECISION_DOUBLE : ISN_PRECISION_SINGLE;
        eo.anneal.acceptance = round % 5 < 3 ? ISN_ACCEPTANCE_METROPOLIS : ISN_ACCEPTANCE_SEED_COMPATIBLE;
        eo.weights = isn_weights{0.25, 0.25, 0.25, 0.25};
        const isn_pair pairs[3] = {{0, 1, rng()}, {1, 2, rng()}, {2, 2, rng()}};
        isn_empathy_result res[3];
        ASSERT_EQ(isn_empathy_batch(ctx.get(), v.data(), 3, pairs, 3, &eo, res), ISN_STATUS_OK)
            << isn_last_error_message();
        for (const auto& r : res) expect_result_ok(r);

        double sim[3];
        ASSERT_EQ(isn_coupling_similarity_batch(ctx.get(), v.data(), 3, pairs, 3, sim), ISN_STATUS_OK);
        for (double c : sim) EXPECT_TRUE(in01(c)) << c;
        isn_quick_estimate q[3];
        ASSERT_EQ(isn_quick_estimate_batch(ctx.get(), v.data(), 3, pairs, 3, round % 2 ? 1e-300 : 100.0, q),
                  ISN_STATUS_OK);
        for (const auto& e : q) {
            EXPECT_TRUE(in01(e.score)) << e.score;
            EXPECT_TRUE(in01(e.coupling_similarity)) << e.coupling_similarity;
            EXPECT_TRUE(std::isfinite(e.energy_difference)) << e.energy_difference;
        }

        double weights[2];
        isn_empathy_result social[2];
        isn_emotion collective{};
        int32_t most = -1;
        ASSERT_EQ(isn_social_attention(ctx.get(), &v[0], v.data() + 1, 2, rng(), &eo, weights, social, &collective,
                                       &most),
                  ISN_STATUS_OK)
            << isn_last_error_message();
        for (const auto& r : social) expect_result_ok(r);
        for (double w : weights) EXPECT_TRUE(in01(w)) << w;
        EXPECT_TRUE(most == 0 || most == 1);
        expect_emotion_ok(collective);

        std::vector<int8_t> states(static_cast<size_t>(n) * 2);
        double energies[2];
        isn_sample_stats st{};
        ASSERT_EQ(isn_sample(ctx.get(), &v[0], round % 2 ? ISN_MAX_BETA : ISN_MIN_BETA, 2, 1, 1, rng(),
                             eo.anneal.acceptance, states.data(), energies, &st),
                  ISN_STATUS_OK)
            << isn_last_error_message();
        for (double e : energies) EXPECT_TRUE(std::isfinite(e)) << e;
    }
}

// Tiny couplings whose squared norms multiply below the smallest normal
// double: the similarity stays in [0, 1] (it was 0/0 = NaN for disjoint
// supports) and identical matrices still give exactly 1.
TEST(Bounds, SimilarityOfTinyCouplingsIsInRange) {
    Context ctx;
    HostSystem a = seed_pattern(4, 1), b = seed_pattern(4, 1);
    std::fill(a.J.begin(), a.J.end(), 0.0);
    std::fill(b.J.begin(), b.J.end(), 0.0);
    a.J[0 * 4 + 1] = a.J[1 * 4 + 0] = 1e-160;
    b.J[2 * 4 + 3] = b.J[3 * 4 + 2] = 1e-160;
    const std::vector<isn_system_view> v = {a.view(), b.view()};
    const isn_pair pairs[3] = {{0, 1, 0}, {0, 0, 0}, {1, 0, 0}};
    double sim[3];
    ASSERT_EQ(isn_coupling_similarity_batch(ctx.get(), v.data(), 2, pairs, 3, sim), ISN_STATUS_OK);
    EXPECT_EQ(sim[0], 0.5);  // orthogonal: cos 0
    EXPECT_EQ(sim[1], 1.0);
    EXPECT_EQ(sim[2], 0.5);
}
