// Every bad input at the C boundary: the right status, a message naming the
// argument (and value), and outputs left untouched.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "test_helpers.h"

using namespace isn_test;

namespace {

constexpr int8_t kSentinel = 42;

class Validation : public ::testing::Test {
protected:
    Validation() : sys(seed_pattern(6, 1)), other(seed_pattern(6, 2)) {}

    // Runs an anneal of `v` with `o`; checks status, message and untouched outputs.
    void expect_anneal_rejected(const isn_system_view& v, const isn_anneal_options& o, const std::string& needle,
                                isn_status expected = ISN_STATUS_INVALID_ARGUMENT) {
        std::vector<int8_t> out(6, kSentinel);
        isn_anneal_stats stats{};
        stats.trials = -7;
        const uint64_t seed = 1;
        EXPECT_EQ(isn_anneal_batch(ctx.get(), &v, 1, &seed, &o, out.data(), &stats), expected);
        expect_message(needle);
        EXPECT_EQ(out, std::vector<int8_t>(6, kSentinel));
        EXPECT_EQ(stats.trials, -7);
    }

    static void expect_message(const std::string& needle) {
        const std::string msg = isn_last_error_message();
        EXPECT_NE(msg.find(needle), std::string::npos) << "message: " << msg << "\nexpected to contain: " << needle;
    }

    Context ctx;
    HostSystem sys, other;
};

}  // namespace

TEST_F(Validation, SuccessClearsTheMessage) {
    isn_anneal_options o = default_anneal();
    o.steps = 0;
    expect_anneal_rejected(sys.view(), o, "options.steps");
    std::vector<int8_t> out(6);
    const uint64_t seed = 1;
    o.steps = 5;
    EXPECT_EQ(isn_anneal_batch(ctx.get(), nullptr, 1, &seed, &o, out.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT);
    const isn_system_view v = sys.view();
    EXPECT_EQ(isn_anneal_batch(ctx.get(), &v, 1, &seed, &o, out.data(), nullptr), ISN_STATUS_OK);
    EXPECT_STREQ(isn_last_error_message(), "");
}

TEST_F(Validation, SystemShape) {
    isn_system_view v = sys.view();
    const isn_anneal_options o = default_anneal();
    v.n = 0;
    expect_anneal_rejected(v, o, "systems[0].n' = 0");
    v.n = ISN_MAX_SPINS + 1;
    expect_anneal_rejected(v, o, "systems[0].n' = 16385");
    v = sys.view();
    v.couplings = nullptr;
    expect_anneal_rejected(v, o, "systems[0].couplings' is null");
    v = sys.view();
    v.fields = nullptr;
    expect_anneal_rejected(v, o, "systems[0].fields' is null");
}

TEST_F(Validation, NonFiniteAsymmetricAndDiagonalCouplings) {
    const isn_anneal_options o = default_anneal();
    HostSystem bad = sys;
    bad.J[1 * 6 + 2] = std::nan("");
    expect_anneal_rejected(bad.view(), o, "couplings' element [1,2] = nan");
    bad = sys;
    bad.J[2 * 6 + 1] = std::numeric_limits<double>::infinity();
    expect_anneal_rejected(bad.view(), o, "element [2,1] = inf");
    bad = sys;
    bad.J[0 * 6 + 3] += 1e-3;
    expect_anneal_rejected(bad.view(), o, "not symmetric: [0,3]");
    bad = sys;
    bad.J[4 * 6 + 4] = 0.5;
    expect_anneal_rejected(bad.view(), o, "diagonal [4,4] = 0.5");
    bad = sys;
    bad.J[4 * 6 + 4] = 1e-13;  // within the documented tolerance
    std::vector<int8_t> out(6);
    const uint64_t seed = 1;
    const isn_system_view v = bad.view();
    EXPECT_EQ(isn_anneal_batch(ctx.get(), &v, 1, &seed, &o, out.data(), nullptr), ISN_STATUS_OK);
    bad = sys;
    bad.h[5] = -std::numeric_limits<double>::infinity();
    expect_anneal_rejected(bad.view(), o, "fields' element [5] = -inf");
}

TEST_F(Validation, AnnealOptions) {
    const isn_system_view v = sys.view();
    isn_anneal_options o = default_anneal();
    o.steps = ISN_MAX_STEPS + 1;
    expect_anneal_rejected(v, o, "options.steps' = 100000001");
    o = default_anneal();
    o.trials_per_step = 0;
    expect_anneal_rejected(v, o, "options.trials_per_step' = 0");
    o = default_anneal();
    o.steps = ISN_MAX_STEPS;
    o.trials_per_step = 1001;
    expect_anneal_rejected(v, o, "exceeds 100000000000");
    o = default_anneal();
    o.beta_start = 0.0;
    expect_anneal_rejected(v, o, "options.beta_start' = 0");
    o = default_anneal();
    o.beta_end = std::nan("");
    expect_anneal_rejected(v, o, "options.beta_end' = nan");
    o = default_anneal();
    o.acceptance = 7;
    expect_anneal_rejected(v, o, "options.acceptance' = 7");
    o = default_anneal();
    o.precision = -1;
    expect_anneal_rejected(v, o, "options.precision' = -1");
    o = default_anneal();
    o.early_stop_window = -3;
    expect_anneal_rejected(v, o, "options.early_stop_window' = -3");
    o = default_anneal();
    o.early_stop_window = 10;
    o.early_stop_beta = -1.0;
    expect_anneal_rejected(v, o, "options.early_stop_beta' = -1");
    o = default_anneal();
    o.adaptive_steps = 2;
    expect_anneal_rejected(v, o, "options.adaptive_steps' = 2");
    o = default_anneal();
    o.sweep_order = 2;
    expect_anneal_rejected(v, o, "options.sweep_order' = 2");
    o = default_anneal();
    o.reserved0 = 5;
    expect_anneal_rejected(v, o, "options.reserved0' = 5");
}

TEST_F(Validation, BatchArguments) {
    const isn_system_view v = sys.view();
    const isn_anneal_options o = default_anneal();
    std::vector<int8_t> out(6, kSentinel);
    const uint64_t seed = 1;
    EXPECT_EQ(isn_anneal_batch(ctx.get(), &v, 0, &seed, &o, out.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("'count' = 0");
    EXPECT_EQ(isn_anneal_batch(ctx.get(), &v, 1, nullptr, &o, out.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("'seeds' is null");
    EXPECT_EQ(isn_anneal_batch(ctx.get(), &v, 1, &seed, nullptr, out.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("'options' is null");
    EXPECT_EQ(isn_anneal_batch(ctx.get(), &v, 1, &seed, &o, nullptr, nullptr), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("'spins_out' is null");
    EXPECT_EQ(out, std::vector<int8_t>(6, kSentinel));
}

TEST_F(Validation, SpinsAndWeightsAndPairs) {
    HostSystem bad = other;
    bad.s[3] = 0;
    const isn_system_view systems[2] = {sys.view(), bad.view()};
    const isn_pair pair{0, 1, 9};
    isn_empathy_options eo = default_empathy();
    isn_empathy_result r{};
    r.score = -5.0;
    EXPECT_EQ(isn_empathy_batch(ctx.get(), systems, 2, &pair, 1, &eo, &r), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("systems[1].spins' element [3] = 0");
    EXPECT_EQ(r.score, -5.0);

    const isn_system_view good[2] = {sys.view(), other.view()};
    eo.weights.energy = -0.1;
    EXPECT_EQ(isn_empathy_batch(ctx.get(), good, 2, &pair, 1, &eo, &r), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("options.weights.energy' = -0.10000000000000001");
    eo.weights = isn_weights{0, 0, 0, 0};
    EXPECT_EQ(isn_empathy_batch(ctx.get(), good, 2, &pair, 1, &eo, &r), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("all weights 0");
    eo = default_empathy();
    eo.weights.overlap = std::nan("");
    EXPECT_EQ(isn_empathy_batch(ctx.get(), good, 2, &pair, 1, &eo, &r), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("options.weights.overlap' = nan");
    eo = default_empathy();
    const isn_pair out_of_range{0, 2, 9};
    EXPECT_EQ(isn_empathy_batch(ctx.get(), good, 2, &out_of_range, 1, &eo, &r), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("pairs[0].other_index' = 2");
    const HostSystem small = seed_pattern(5, 3);
    const isn_system_view mixed[2] = {sys.view(), small.view()};
    EXPECT_EQ(isn_empathy_batch(ctx.get(), mixed, 2, &pair, 1, &eo, &r), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("different n: self n = 6, other n = 5");
    isn_system_view no_spins = other.view();
    no_spins.spins = nullptr;
    const isn_system_view missing[2] = {sys.view(), no_spins};
    EXPECT_EQ(isn_empathy_batch(ctx.get(), missing, 2, &pair, 1, &eo, &r), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("systems[1].spins' is null");
    EXPECT_EQ(r.score, -5.0);
}

TEST_F(Validation, OtherEntryPoints) {
    const isn_system_view good[2] = {sys.view(), other.view()};
    const isn_pair pair{0, 1, 0};
    isn_quick_estimate q{};
    EXPECT_EQ(isn_quick_estimate_batch(ctx.get(), good, 2, &pair, 1, 0.0, &q), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("'scale' = 0");
    double sim = -1.0;
    EXPECT_EQ(isn_coupling_similarity_batch(ctx.get(), good, 2, &pair, 0, &sim), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("'pair_count' = 0");
    EXPECT_EQ(sim, -1.0);
    isn_observables obs{};
    isn_system_view no_spins = sys.view();
    no_spins.spins = nullptr;
    EXPECT_EQ(isn_observe_batch(ctx.get(), &no_spins, 1, &obs), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("systems[0].spins' is null");

    std::vector<int8_t> states(6);
    double energy = 0;
    const isn_system_view v = sys.view();
    EXPECT_EQ(isn_sample(ctx.get(), &v, std::nan(""), 1, 1, 0, 1, 0, states.data(), &energy, nullptr),
              ISN_STATUS_INVALID_ARGUMENT);
    expect_message("'beta' = nan");
    EXPECT_EQ(isn_sample(ctx.get(), &v, 1.0, 1, 0, 0, 1, 0, states.data(), &energy, nullptr), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("'thin' = 0");
    EXPECT_EQ(isn_sample(ctx.get(), &v, 1.0, 1, 1, -1, 1, 0, states.data(), &energy, nullptr), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("'burn_in' = -1");
    EXPECT_EQ(isn_sample(ctx.get(), &v, 1.0, 2000000000, 2000000000, 0, 1, 0, states.data(), &energy, nullptr),
              ISN_STATUS_INVALID_ARGUMENT);
    expect_message("exceed 100000000000 trials");

    const isn_empathy_options eo = default_empathy();
    double weights[1] = {-1};
    isn_emotion emo{};
    int32_t best = -1;
    const HostSystem small = seed_pattern(5, 3);
    const isn_system_view others[1] = {small.view()};
    EXPECT_EQ(isn_social_attention(ctx.get(), &v, others, 1, 0, &eo, weights, nullptr, &emo, &best),
              ISN_STATUS_INVALID_ARGUMENT);
    expect_message("others[0].n' = 5 differs from self_system.n = 6");
    EXPECT_EQ(best, -1);
    double scores[4] = {-1, -1, -1, -1};
    const isn_system_view agents[2] = {sys.view(), small.view()};
    EXPECT_EQ(isn_empathy_matrix(ctx.get(), agents, 2, 0, &eo, scores, nullptr), ISN_STATUS_INVALID_ARGUMENT);
    expect_message("agents[1].n' = 5 differs from agents[0].n = 6");
    EXPECT_EQ(scores[0], -1.0);
}

TEST(Handles, NullDestroyedAndForeignHandlesAreDetected) {
    int32_t backend = 0;
    EXPECT_EQ(isn_context_backend(nullptr, &backend), ISN_STATUS_INVALID_HANDLE);
    EXPECT_NE(std::string(isn_last_error_message()).find("'context' is null"), std::string::npos);

    isn_context* ctx = nullptr;
    ASSERT_EQ(isn_context_create_cpu(1, &ctx), ISN_STATUS_OK);
    ASSERT_EQ(isn_context_backend(ctx, &backend), ISN_STATUS_OK);
    EXPECT_EQ(backend, ISN_BACKEND_CPU);
    ASSERT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK);
    EXPECT_EQ(isn_context_backend(ctx, &backend), ISN_STATUS_INVALID_HANDLE);  // not dereferenced
    EXPECT_NE(std::string(isn_last_error_message()).find("not a live context"), std::string::npos);
    EXPECT_EQ(isn_context_destroy(ctx), ISN_STATUS_INVALID_HANDLE);             // double destroy

    alignas(16) unsigned char garbage[64] = {};
    auto* foreign = reinterpret_cast<isn_context*>(garbage);
    EXPECT_EQ(isn_context_describe(foreign, nullptr, 0), ISN_STATUS_INVALID_HANDLE);
    EXPECT_EQ(isn_context_destroy(nullptr), ISN_STATUS_OK);

    EXPECT_EQ(isn_context_create_cpu(-1, &ctx), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(isn_last_error_message()).find("'threads' = -1"), std::string::npos);
    EXPECT_EQ(isn_context_create_cpu(1, nullptr), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(std::string(isn_last_error_message()).find("'out_context' is null"), std::string::npos);
}

TEST(Abi, LayoutIsIntrospectable) {
    EXPECT_EQ(isn_version(), ISN_VERSION);
    EXPECT_EQ(std::string(isn_version_string()).rfind("1.4.0+cpu", 0), 0u);
    EXPECT_EQ(isn_struct_size(ISN_STRUCT_SYSTEM_VIEW), 32);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_SYSTEM_VIEW, 2), 8);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_SYSTEM_VIEW, 4), 24);
    EXPECT_EQ(isn_struct_size(ISN_STRUCT_ANNEAL_OPTIONS), 56);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_ANNEAL_OPTIONS, 8), 40);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_ANNEAL_OPTIONS, 9), 48);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_ANNEAL_OPTIONS, 10), 52);
    EXPECT_EQ(isn_struct_size(ISN_STRUCT_EMPATHY_OPTIONS), 88);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_EMPATHY_OPTIONS, 1), 56);
    EXPECT_EQ(isn_struct_size(ISN_STRUCT_PAIR), 16);
    EXPECT_EQ(isn_struct_size(ISN_STRUCT_ANNEAL_STATS), 32);
    EXPECT_EQ(isn_struct_size(ISN_STRUCT_EMPATHY_RESULT), 80);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_EMPATHY_RESULT, 10), 72);
    EXPECT_EQ(isn_struct_size(ISN_STRUCT_OBSERVABLES), 56);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_OBSERVABLES, 3), 24);
    EXPECT_EQ(isn_struct_size(ISN_STRUCT_SAMPLE_STATS), 24);
    EXPECT_EQ(isn_struct_field_count(ISN_STRUCT_EMPATHY_RESULT), 11);
    EXPECT_EQ(isn_struct_size(99), -1);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_PAIR, 3), -1);
    EXPECT_EQ(isn_struct_offset(ISN_STRUCT_PAIR, -1), -1);
}
