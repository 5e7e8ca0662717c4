// The quench estimate (docs/ALGORITHM.md section 7.1): the core loop against
// a literal transcription, its fixed point, and the C API entry points
// isn_estimate_batch / isn_set_estimate (bit-identical to the core on every
// route, validation that names the argument and writes nothing).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/quench.h"
#include "test_helpers.h"

using namespace isn_test;

namespace {

// Section 7.1 as written: all +1, phi by section 4 step 2 (row sum j ascending,
// then + h), sweeps i = 0..n-1, flip iff (2 s_i) phi_i < 0, phi_j += (2 s_i_new) J_ij.
int32_t literal_quench(const HostSystem& sys, std::vector<int8_t>& s) {
    const int32_t n = sys.n;
    s.assign(static_cast<size_t>(n), 1);
    std::vector<double> phi(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
        double f = 0.0;
        for (int32_t j = 0; j < n; ++j) f = f + sys.J[static_cast<size_t>(i) * n + j] * s[j];
        phi[i] = f + sys.h[i];
    }
    for (int32_t sweep = 1; sweep <= isn::core::kQuenchMaxSweeps; ++sweep) {
        bool any = false;
        for (int32_t i = 0; i < n; ++i) {
            if ((2.0 * s[i]) * phi[i] < 0.0) {
                s[i] = static_cast<int8_t>(-s[i]);
                const double c = 2.0 * s[i];
                for (int32_t j = 0; j < n; ++j) phi[j] = phi[j] + c * sys.J[static_cast<size_t>(i) * n + j];
                any = true;
            }
        }
        if (!any) return sweep;
    }
    return isn::core::kQuenchMaxSweeps;
}

HostSystem make(int32_t n, uint64_t seed, bool glass) { return glass ? spin_glass(n, seed) : seed_pattern(n, seed); }

isn_estimate_options options_of(int32_t method) {
    isn_estimate_options o;
    EXPECT_EQ(isn_estimate_options_default(&o), ISN_STATUS_OK);
    o.method = method;
    return o;
}

isn_quick_estimate core_quench_estimate(const HostSystem& self, const HostSystem& other, const isn_weights& w) {
    std::vector<int8_t> pred(static_cast<size_t>(other.n));
    std::vector<double> phi(static_cast<size_t>(other.n));
    return isn::core::quench_estimate_from(other.n, other.J.data(), other.h.data(), other.s.data(),
                                           isn::core::energy(other.n, other.J.data(), other.h.data(), other.s.data()),
                                           isn::core::coupling_similarity(other.n, self.J.data(), other.J.data()), w,
                                           pred.data(), phi.data());
}

void expect_same(const isn_quick_estimate& a, const isn_quick_estimate& b, const std::string& what) {
    EXPECT_EQ(bits(a.score), bits(b.score)) << what;
    EXPECT_EQ(bits(a.coupling_similarity), bits(b.coupling_similarity)) << what;
    EXPECT_EQ(bits(a.energy_difference), bits(b.energy_difference)) << what;
}

}  // namespace

TEST(Quench, CoreEqualsTheLiteralLoopAndEndsInALocalMinimum) {
    for (bool glass : {false, true})
        for (int32_t n : {1, 2, 3, 7, 8, 9, 17, 33, 64, 129}) {
            for (uint64_t seed = 1; seed <= 6; ++seed) {
                const HostSystem sys = make(n, seed * 7919 + static_cast<uint64_t>(n), glass);
                std::vector<int8_t> want, got(static_cast<size_t>(n));
                std::vector<double> phi(static_cast<size_t>(n));
                const int32_t sweeps_want = literal_quench(sys, want);
                const int32_t sweeps = isn::core::quench(n, sys.J.data(), sys.h.data(), got.data(), phi.data());
                const std::string what = (glass ? "glass n=" : "seed n=") + std::to_string(n) + " seed " + std::to_string(seed);
                ASSERT_EQ(sweeps, sweeps_want) << what;
                ASSERT_EQ(got, want) << what;
                ASSERT_LT(sweeps, isn::core::kQuenchMaxSweeps) << what;
                // A fixed point: with freshly summed fields no single flip lowers the energy.
                for (int32_t i = 0; i < n; ++i) {
                    const double f = isn::core::local_field<double>(i, n, sys.J.data(), sys.h.data(), got.data());
                    EXPECT_GE((2.0 * got[i]) * f, -1e-12) << what << " site " << i;
                }
                // Deterministic: a second run (dirty scratch) gives the same state.
                std::vector<int8_t> again(static_cast<size_t>(n), -1);
                EXPECT_EQ(isn::core::quench(n, sys.J.data(), sys.h.data(), again.data(), phi.data()), sweeps);
                EXPECT_EQ(again, got) << what;
            }
        }
}

TEST(Quench, AFerromagnetQuenchesToItsGroundStateAndScoresItLikeTheEmpathy) {
    // All couplings > 0, no field: all +1 is a ground state, nothing flips, one sweep.
    const int32_t n = 12;
    HostSystem sys = seed_pattern(n, 3);
    std::fill(sys.h.begin(), sys.h.end(), 0.0);
    std::vector<int8_t> s(static_cast<size_t>(n));
    std::vector<double> phi(static_cast<size_t>(n));
    EXPECT_EQ(isn::core::quench(n, sys.J.data(), sys.h.data(), s.data(), phi.data()), 1);
    EXPECT_EQ(s, std::vector<int8_t>(static_cast<size_t>(n), 1));
    // Other in its ground state (all -1: Z2) and self = other: overlap 1, energy error 0, c = 1.
    std::fill(sys.s.begin(), sys.s.end(), int8_t{-1});
    isn_weights w;
    ASSERT_EQ(isn_weights_default(&w), ISN_STATUS_OK);
    const isn_quick_estimate q = core_quench_estimate(sys, sys, w);
    EXPECT_EQ(q.score, 1.0);
    EXPECT_EQ(q.coupling_similarity, 1.0);
    EXPECT_EQ(q.energy_difference, 0.0);
}

TEST(Quench, EstimateBatchIsTheCoreOnEveryRouteAndSeedIsTheQuickEstimate) {
    for (int32_t threads : {1, 2}) {
        Context ctx(threads);
        // Mixed sizes, including one beyond the stack scratch (per-thread heap buffer), and repeated others.
        std::vector<HostSystem> systems;
        for (int32_t k = 0; k < 12; ++k) systems.push_back(make(k < 6 ? 20 : 9, 100 + k, k % 2 == 1));
        systems.push_back(make(1100, 7, true));
        systems.push_back(make(1100, 8, true));
        std::vector<isn_system_view> views;
        for (const HostSystem& s : systems) views.push_back(s.view());
        std::vector<isn_pair> pairs;
        for (int32_t a = 0; a < 6; ++a)
            for (int32_t b = 0; b < 6; ++b) pairs.push_back(isn_pair{a, b, 99});
        for (int32_t a = 6; a < 12; ++a) pairs.push_back(isn_pair{a, 6 + (a + 1) % 6, 5});
        const int32_t P = static_cast<int32_t>(pairs.size());
        for (bool big : {false, true}) {
            std::vector<isn_pair> ps = pairs;
            if (big) ps.push_back(isn_pair{12, 13, 0});
            const int32_t count = static_cast<int32_t>(ps.size());
            isn_estimate_options o = options_of(ISN_QUICK_QUENCH);
            o.weights = isn_weights{0.3, 0.2, 0.4, 0.1};
            std::vector<isn_quick_estimate> got(static_cast<size_t>(count));
            ASSERT_EQ(isn_estimate_batch(ctx.get(), views.data(), static_cast<int32_t>(views.size()), ps.data(), count, &o,
                                         got.data()),
                      ISN_STATUS_OK)
                << isn_last_error_message();
            for (int32_t k = 0; k < count; ++k)
                expect_same(got[k], core_quench_estimate(systems[ps[k].self_index], systems[ps[k].other_index], o.weights),
                            "quench pair " + std::to_string(k));
            // Seed: isn_quick_estimate_batch's bits with options.scale.
            o.method = ISN_QUICK_SEED;
            o.scale = 7.25;
            std::vector<isn_quick_estimate> seed(static_cast<size_t>(count)), quick(static_cast<size_t>(count));
            ASSERT_EQ(isn_estimate_batch(ctx.get(), views.data(), static_cast<int32_t>(views.size()), ps.data(), count, &o,
                                         seed.data()),
                      ISN_STATUS_OK);
            ASSERT_EQ(isn_quick_estimate_batch(ctx.get(), views.data(), static_cast<int32_t>(views.size()), ps.data(), count,
                                               7.25, quick.data()),
                      ISN_STATUS_OK);
            for (int32_t k = 0; k < count; ++k) expect_same(seed[k], quick[k], "seed pair " + std::to_string(k));
        }
        // The agent set gives the same bits for both methods.
        isn_agent_set* set = nullptr;
        ASSERT_EQ(isn_agent_set_create(ctx.get(), views.data(), static_cast<int32_t>(views.size()), &set), ISN_STATUS_OK);
        for (int32_t method : {ISN_QUICK_SEED, ISN_QUICK_QUENCH}) {
            const isn_estimate_options o = options_of(method);
            std::vector<isn_quick_estimate> batch(static_cast<size_t>(P)), from_set(static_cast<size_t>(P));
            ASSERT_EQ(isn_estimate_batch(ctx.get(), views.data(), static_cast<int32_t>(views.size()), pairs.data(), P, &o,
                                         batch.data()),
                      ISN_STATUS_OK);
            ASSERT_EQ(isn_set_estimate(ctx.get(), set, pairs.data(), P, &o, from_set.data()), ISN_STATUS_OK)
                << isn_last_error_message();
            for (int32_t k = 0; k < P; ++k) expect_same(from_set[k], batch[k], "set pair " + std::to_string(k));
        }
        const isn_pair big{12, 13, 0};
        isn_quick_estimate a, b;
        const isn_estimate_options o = options_of(ISN_QUICK_QUENCH);
        ASSERT_EQ(isn_set_estimate(ctx.get(), set, &big, 1, &o, &a), ISN_STATUS_OK);
        ASSERT_EQ(isn_estimate_batch(ctx.get(), views.data(), static_cast<int32_t>(views.size()), &big, 1, &o, &b),
                  ISN_STATUS_OK);
        expect_same(a, b, "set n=1100");
        EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK);
    }
}

TEST(Quench, BadOptionsAreNamedAndNothingIsWritten) {
    Context ctx;
    const HostSystem a = spin_glass(8, 1), b = spin_glass(8, 2);
    const isn_system_view views[2] = {a.view(), b.view()};
    const isn_pair pair{0, 1, 0};
    isn_agent_set* set = nullptr;
    ASSERT_EQ(isn_agent_set_create(ctx.get(), views, 2, &set), ISN_STATUS_OK);
    struct Case {
        const char* what;
        void (*edit)(isn_estimate_options&);
        const char* message;
    };
    const Case cases[] = {
        {"method 2", [](isn_estimate_options& o) { o.method = 2; }, "'options.method' = 2"},
        {"method -1", [](isn_estimate_options& o) { o.method = -1; }, "'options.method' = -1"},
        {"reserved0", [](isn_estimate_options& o) { o.reserved0 = 3; }, "'options.reserved0' = 3"},
        {"scale 0", [](isn_estimate_options& o) { o.scale = 0.0; }, "'options.scale' = 0"},
        {"scale nan", [](isn_estimate_options& o) { o.scale = std::nan(""); }, "'options.scale'"},
        {"weight < 0", [](isn_estimate_options& o) { o.weights.energy = -1.0; }, "'options.weights.energy' = -1"},
        {"weights 0", [](isn_estimate_options& o) { o.weights = isn_weights{0, 0, 0, 0}; }, "'options.weights' has all weights 0"},
    };
    for (const Case& c : cases) {
        for (int32_t method : {ISN_QUICK_SEED, ISN_QUICK_QUENCH}) {
            isn_estimate_options o = options_of(method);
            c.edit(o);
            isn_quick_estimate r{-7.0, -7.0, -7.0};
            EXPECT_EQ(isn_estimate_batch(ctx.get(), views, 2, &pair, 1, &o, &r), ISN_STATUS_INVALID_ARGUMENT) << c.what;
            EXPECT_NE(std::string(isn_last_error_message()).find(c.message), std::string::npos)
                << c.what << ": " << isn_last_error_message();
            EXPECT_EQ(r.score, -7.0) << c.what;
            EXPECT_EQ(isn_set_estimate(ctx.get(), set, &pair, 1, &o, &r), ISN_STATUS_INVALID_ARGUMENT) << c.what;
            EXPECT_NE(std::string(isn_last_error_message()).find(c.message), std::string::npos)
                << c.what << ": " << isn_last_error_message();
            EXPECT_EQ(r.score, -7.0) << c.what;
            EXPECT_EQ(r.energy_difference, -7.0) << c.what;
        }
    }
    isn_quick_estimate r{-7.0, -7.0, -7.0};
    EXPECT_EQ(isn_estimate_batch(ctx.get(), views, 2, &pair, 1, nullptr, &r), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(isn_last_error_message()).find("'options' is null"), std::string::npos);
    EXPECT_EQ(isn_set_estimate(ctx.get(), set, &pair, 1, nullptr, &r), ISN_STATUS_INVALID_ARGUMENT);
    const isn_estimate_options good = options_of(ISN_QUICK_QUENCH);
    const isn_pair outside{0, 2, 0};
    EXPECT_EQ(isn_estimate_batch(ctx.get(), views, 2, &outside, 1, &good, &r), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(isn_last_error_message()).find("'pairs[0].other_index' = 2"), std::string::npos);
    EXPECT_EQ(isn_set_estimate(ctx.get(), set, &outside, 1, &good, &r), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(isn_estimate_batch(ctx.get(), views, 2, &pair, 1, &good, nullptr), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(isn_estimate_options_default(nullptr), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(r.score, -7.0);
    EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK);
}

TEST(Quench, DefaultOptionsAndLayout) {
    isn_estimate_options o;
    std::memset(&o, 0xff, sizeof o);
    ASSERT_EQ(isn_estimate_options_default(&o), ISN_STATUS_OK);
    EXPECT_EQ(o.method, ISN_QUICK_QUENCH);
    EXPECT_EQ(o.reserved0, 0);
    EXPECT_EQ(o.scale, 100.0);
    isn_weights w;
    ASSERT_EQ(isn_weights_default(&w), ISN_STATUS_OK);
    EXPECT_EQ(std::memcmp(&o.weights, &w, sizeof w), 0);
    EXPECT_EQ(isn_struct_size(ISN_STRUCT_ESTIMATE_OPTIONS), static_cast<int32_t>(sizeof(isn_estimate_options)));
    EXPECT_EQ(isn_struct_field_count(ISN_STRUCT_ESTIMATE_OPTIONS), 4);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_ESTIMATE_OPTIONS, 2), 8);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_ESTIMATE_OPTIONS, 3), 16);
}
