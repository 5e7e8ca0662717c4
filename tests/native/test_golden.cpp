// The CPU backend against golden vectors written by the managed engine
// (golden/*.golden; format and generating command in golden/README.md).
// Bit-for-bit: spins, counts, and every double by its IEEE-754 bits.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "golden_reader.h"
#include "test_helpers.h"

using namespace isn_test;

namespace {

isn_anneal_options options_of(const GoldenCase& c) {
    isn_anneal_options o{};
    o.steps = static_cast<int32_t>(c.integer("steps"));
    o.trials_per_step = static_cast<int32_t>(c.integer("trials_per_step"));
    o.beta_start = c.real("beta_start");
    o.beta_end = c.real("beta_end");
    o.adaptive_steps = static_cast<int32_t>(c.integer("adaptive_steps"));
    o.acceptance = static_cast<int32_t>(c.integer("acceptance"));
    o.precision = static_cast<int32_t>(c.integer("precision"));
    o.early_stop_window = static_cast<int32_t>(c.integer("early_stop_window"));
    o.early_stop_beta = c.real("early_stop_beta");
    return o;
}

void expect_bits(double actual, const GoldenCase& c, const std::string& key) {
    EXPECT_EQ(bits(actual), c.hex(key)) << c.file << " case " << c.name << ": " << key << " = " << actual
                                        << ", expected " << c.real(key);
}

void check_case(isn_context* ctx, const GoldenCase& c) {
    const int32_t n = static_cast<int32_t>(c.integer("n"));
    const uint64_t seed = c.hex("seed");
    const std::vector<double> J = c.reals("couplings"), h = c.reals("fields");
    ASSERT_EQ(J.size(), static_cast<size_t>(n) * n) << c.name;
    ASSERT_EQ(h.size(), static_cast<size_t>(n)) << c.name;
    const std::string op = c.values("op").at(0);
    if (op == "anneal") {
        const isn_anneal_options o = options_of(c);
        const isn_system_view v{n, 0, J.data(), h.data(), nullptr};
        std::vector<int8_t> spins(static_cast<size_t>(n));
        isn_anneal_stats st{};
        ASSERT_EQ(isn_anneal_batch(ctx, &v, 1, &seed, &o, spins.data(), &st), ISN_STATUS_OK) << isn_last_error_message();
        EXPECT_EQ(spins, c.spins("expect_spins")) << c.name;
        EXPECT_EQ(st.steps, c.integer("expect_steps")) << c.name;
        EXPECT_EQ(st.trials, c.integer("expect_trials")) << c.name;
        EXPECT_EQ(st.accepted, c.integer("expect_accepted")) << c.name;
        expect_bits(st.energy, c, "expect_energy");
    } else if (op == "empathy") {
        isn_empathy_options eo{};
        eo.anneal = options_of(c);
        const std::vector<double> w = c.reals("weights");
        ASSERT_EQ(w.size(), 4u);
        eo.weights = isn_weights{w[0], w[1], w[2], w[3]};
        const std::vector<double> Js = c.reals("self_couplings");
        const std::vector<double> hs(static_cast<size_t>(n), 0.0);
        const std::vector<int8_t> so = c.spins("spins");
        const isn_system_view views[2] = {{n, 0, Js.data(), hs.data(), nullptr}, {n, 0, J.data(), h.data(), so.data()}};
        const isn_pair p{0, 1, seed};
        isn_empathy_result r{};
        ASSERT_EQ(isn_empathy_batch(ctx, views, 2, &p, 1, &eo, &r), ISN_STATUS_OK) << isn_last_error_message();
        EXPECT_EQ(r.steps, c.integer("expect_steps")) << c.name;
        EXPECT_EQ(r.trials, c.integer("expect_trials")) << c.name;
        EXPECT_EQ(r.accepted, c.integer("expect_accepted")) << c.name;
        expect_bits(r.score, c, "expect_score");
        expect_bits(r.state_overlap, c, "expect_state_overlap");
        expect_bits(r.energy_error, c, "expect_energy_error");
        expect_bits(r.magnetization_error, c, "expect_magnetization_error");
        expect_bits(r.coupling_similarity, c, "expect_coupling_similarity");
        expect_bits(r.predicted_energy, c, "expect_predicted_energy");
        expect_bits(r.actual_energy, c, "expect_actual_energy");
    } else if (op == "sample") {
        const isn_system_view v{n, 0, J.data(), h.data(), nullptr};
        std::vector<int8_t> start;
        isn_system_view sv = v;
        if (c.has("spins")) {
            start = c.spins("spins");
            sv.spins = start.data();
        }
        const int32_t samples = static_cast<int32_t>(c.integer("samples"));
        std::vector<int8_t> states(static_cast<size_t>(samples) * n);
        std::vector<double> energies(static_cast<size_t>(samples));
        isn_sample_stats st{};
        ASSERT_EQ(isn_sample(ctx, &sv, c.real("beta"), samples, static_cast<int32_t>(c.integer("thin")),
                             static_cast<int32_t>(c.integer("burn_in")), seed, static_cast<int32_t>(c.integer("acceptance")),
                             states.data(), energies.data(), &st),
                  ISN_STATUS_OK)
            << isn_last_error_message();
        EXPECT_EQ(states, c.spins("expect_states")) << c.name;
        const std::vector<double> expected = c.reals("expect_energies");
        ASSERT_EQ(expected.size(), energies.size());
        for (size_t k = 0; k < energies.size(); ++k) EXPECT_EQ(bits(energies[k]), bits(expected[k])) << c.name << " #" << k;
        EXPECT_EQ(st.trials, c.integer("expect_trials")) << c.name;
        EXPECT_EQ(st.accepted, c.integer("expect_accepted")) << c.name;
    } else {
        ADD_FAILURE() << c.file << " case " << c.name << ": unknown op '" << op << "'";
    }
}

}  // namespace

TEST(Golden, ManagedEngineVectorsReproduceBitForBit) {
    const std::vector<GoldenCase> cases = load_golden_dir(ISN_GOLDEN_DIR);
    if (cases.empty())
        GTEST_SKIP() << "no *.golden files in " << ISN_GOLDEN_DIR
                     << " yet: generate them with the managed engine (see tests/native/golden/README.md)";
    Context one(1), two(2);
    for (const auto& c : cases) {
        SCOPED_TRACE(c.file + " / " + c.name);
        check_case(one.get(), c);
        check_case(two.get(), c);
    }
}

TEST(Golden, ReaderParsesTheFormatAndRejectsMalformedFiles) {
    const std::string text =
        "isingnative-golden 1\n"
        "# a comment\n"
        "case tiny  # trailing comment\n"
        "op anneal\n"
        "n 2\n"
        "seed 000000000000002a\n"
        "couplings 0000000000000000 3ff0000000000000 3ff0000000000000 0000000000000000\n"
        "expect_spins 1 -1\n"
        "end\n";
    const auto cases = parse_golden(text, "inline");
    ASSERT_EQ(cases.size(), 1u);
    EXPECT_EQ(cases[0].name, "tiny");
    EXPECT_EQ(cases[0].hex("seed"), 42u);
    EXPECT_EQ(cases[0].reals("couplings"), (std::vector<double>{0.0, 1.0, 1.0, 0.0}));
    EXPECT_EQ(cases[0].spins("expect_spins"), (std::vector<int8_t>{1, -1}));
    EXPECT_THROW(cases[0].values("missing"), std::runtime_error);
    EXPECT_THROW(parse_golden("case x\nend\n", "f"), std::runtime_error);                      // no header
    EXPECT_THROW(parse_golden("isingnative-golden 1\ncase x\nn 2\n", "f"), std::runtime_error); // no end
    EXPECT_THROW(parse_golden("isingnative-golden 1\nn 2\n", "f"), std::runtime_error);         // outside a case
}
