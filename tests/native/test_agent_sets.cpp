// Agent sets (C API 1.2). Every set call against the borrowed-view call it
// stands for, bit for bit, over random sizes, seeds and options, before and
// after member updates; every bad argument (status, message naming argument
// and value, nothing written); run control (cancel between tiles, progress);
// handle lifetime. Each test runs on a CPU context and on a GPU context (a
// real or emulated device; skipped when there is none). GPU contexts also
// check the transfer accounting: a set is uploaded once, never per call.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>
#include <string>
#include <vector>

#include "test_helpers.h"

using namespace isn_test;

namespace {

enum class Kind { cpu, gpu };

std::string kind_name(const testing::TestParamInfo<Kind>& info) { return info.param == Kind::cpu ? "Cpu" : "Gpu"; }
void PrintTo(Kind k, std::ostream* os) { *os << (k == Kind::cpu ? "CPU context" : "GPU context"); }

int32_t gpu_count() {
    int32_t count = 0;
    EXPECT_EQ(isn_gpu_device_count(&count), ISN_STATUS_OK);
    return count;
}

// Systems with their own storage, views into it, and a set made from them.
struct Swarm {
    std::vector<HostSystem> systems;
    std::vector<isn_system_view> views() const {
        std::vector<isn_system_view> v;
        for (const auto& s : systems) v.push_back(s.view());
        return v;
    }
};

// K systems in groups of equal n (sizes from `sizes`, cycled), mixed generators.
Swarm make_swarm(int32_t K, const std::vector<int32_t>& sizes, uint64_t seed) {
    Swarm w;
    for (int32_t k = 0; k < K; ++k) {
        const int32_t n = sizes[static_cast<size_t>(k) % sizes.size()];
        w.systems.push_back(k % 3 == 1 ? spin_glass(n, seed + 17 * k) : seed_pattern(n, seed + 17 * k));
    }
    return w;
}

// Small anneals (tests run under valgrind too), every option combination.
std::vector<isn_anneal_options> option_grid(std::mt19937_64& rng) {
    std::vector<isn_anneal_options> out;
    for (int32_t precision : {ISN_PRECISION_DOUBLE, ISN_PRECISION_SINGLE})
        for (int32_t rule : {ISN_ACCEPTANCE_METROPOLIS, ISN_ACCEPTANCE_SEED_COMPATIBLE})
            for (int32_t order : {ISN_SWEEP_RANDOM, ISN_SWEEP_SEQUENTIAL})
                for (int32_t variant = 0; variant < 2; ++variant) {
                    isn_anneal_options o = default_anneal();
                    o.precision = precision;
                    o.acceptance = rule;
                    o.sweep_order = order;
                    o.steps = 4 + static_cast<int32_t>(rng() % 8);
                    o.trials_per_step = 1 + static_cast<int32_t>(rng() % 4);
                    if (variant == 1) {
                        o.adaptive_steps = 1;  // T = 50 + n/10 steps
                        o.trials_per_step = 1;
                        o.early_stop_window = 3 + static_cast<int32_t>(rng() % 5);
                        o.early_stop_beta = 0.5;
                    }
                    out.push_back(o);
                }
    return out;
}

isn_empathy_options empathy_with(const isn_anneal_options& a) {
    isn_empathy_options o = default_empathy();
    o.anneal = a;
    return o;
}

std::string opt_text(const isn_anneal_options& o) {
    return "precision " + std::to_string(o.precision) + " rule " + std::to_string(o.acceptance) + " order " +
           std::to_string(o.sweep_order) + " adaptive " + std::to_string(o.adaptive_steps) + " early stop " +
           std::to_string(o.early_stop_window);
}

void expect_same_observables(const isn_observables& a, const isn_observables& b) {
    EXPECT_EQ(bits(a.energy), bits(b.energy));
    EXPECT_EQ(bits(a.magnetization), bits(b.magnetization));
    EXPECT_EQ(bits(a.frustration), bits(b.frustration));
    EXPECT_EQ(bits(a.emotion.valence), bits(b.emotion.valence));
    EXPECT_EQ(bits(a.emotion.arousal), bits(b.emotion.arousal));
    EXPECT_EQ(bits(a.emotion.tension), bits(b.emotion.tension));
    EXPECT_EQ(bits(a.emotion.coherence), bits(b.emotion.coherence));
}

template <class T>
void fill_sentinel(std::vector<T>& v) {
    std::memset(static_cast<void*>(v.data()), 0xA5, v.size() * sizeof(T));
}

template <class T>
bool is_sentinel(const T& x) {
    const auto* p = reinterpret_cast<const unsigned char*>(&x);
    for (size_t i = 0; i < sizeof(T); ++i)
        if (p[i] != 0xA5) return false;
    return true;
}

template <class T>
bool all_sentinel(const std::vector<T>& v) {
    for (const T& x : v)
        if (!is_sentinel(x)) return false;
    return true;
}

std::string last_error() { return isn_last_error_message(); }

// A set that is destroyed with the test.
class Set {
public:
    Set(isn_context* ctx, const std::vector<isn_system_view>& views) {
        EXPECT_EQ(isn_agent_set_create(ctx, views.data(), static_cast<int32_t>(views.size()), &set_), ISN_STATUS_OK)
            << last_error();
    }
    ~Set() {
        if (set_ != nullptr) isn_agent_set_destroy(set_);
    }
    Set(const Set&) = delete;
    Set& operator=(const Set&) = delete;
    isn_agent_set* get() const { return set_; }

private:
    isn_agent_set* set_ = nullptr;
};

class AgentSets : public testing::TestWithParam<Kind> {
protected:
    void SetUp() override {
        if (GetParam() == Kind::gpu) {
            if (gpu_count() == 0) GTEST_SKIP() << "no GPU device (real or emulated)";
            ASSERT_EQ(isn_context_create_gpu(0, &ctx_), ISN_STATUS_OK) << last_error();
        } else {
            ASSERT_EQ(isn_context_create_cpu(2, &ctx_), ISN_STATUS_OK);
        }
    }
    void TearDown() override {
        if (ctx_ != nullptr) EXPECT_EQ(isn_context_destroy(ctx_), ISN_STATUS_OK);
    }
    isn_context* ctx() const { return ctx_; }
    bool gpu() const { return GetParam() == Kind::gpu; }

    // Every set call against its borrowed-view call on the same systems.
    void expect_set_matches_borrowed(isn_agent_set* set, const Swarm& w, std::mt19937_64& rng,
                                     const isn_anneal_options& ao) {
        const std::vector<isn_system_view> views = w.views();
        const int32_t K = static_cast<int32_t>(views.size());
        const isn_empathy_options eo = empathy_with(ao);
        SCOPED_TRACE(opt_text(ao));

        // Pairs of equal n (any member may pair with itself).
        std::vector<isn_pair> pairs;
        for (int32_t k = 0; k < 3 * K; ++k) {
            const int32_t a = static_cast<int32_t>(rng() % K);
            int32_t b = static_cast<int32_t>(rng() % K);
            if (views[static_cast<size_t>(a)].n != views[static_cast<size_t>(b)].n) b = a;
            pairs.push_back(isn_pair{a, b, rng()});
        }
        const int32_t P = static_cast<int32_t>(pairs.size());
        std::vector<isn_empathy_result> rs(pairs.size()), rb(pairs.size());
        ASSERT_EQ(isn_set_empathy(ctx(), set, pairs.data(), P, &eo, rs.data(), nullptr), ISN_STATUS_OK) << last_error();
        ASSERT_EQ(isn_empathy_batch(ctx(), views.data(), K, pairs.data(), P, &eo, rb.data()), ISN_STATUS_OK);
        for (int32_t k = 0; k < P; ++k) expect_same_result(rs[static_cast<size_t>(k)], rb[static_cast<size_t>(k)]);

        // Anneal (members repeated, any order).
        std::vector<int32_t> members;
        std::vector<uint64_t> seeds;
        std::vector<isn_system_view> chosen;
        int64_t total = 0;
        for (int32_t k = 0; k < K + 3; ++k) {
            const int32_t m = static_cast<int32_t>(rng() % K);
            members.push_back(m);
            seeds.push_back(rng());
            chosen.push_back(views[static_cast<size_t>(m)]);
            total += views[static_cast<size_t>(m)].n;
        }
        const int32_t M = static_cast<int32_t>(members.size());
        std::vector<int8_t> ss(static_cast<size_t>(total)), sb(static_cast<size_t>(total));
        std::vector<isn_anneal_stats> ts(members.size()), tb(members.size());
        ASSERT_EQ(isn_set_anneal(ctx(), set, members.data(), M, seeds.data(), &ao, ss.data(), ts.data(), nullptr),
                  ISN_STATUS_OK)
            << last_error();
        ASSERT_EQ(isn_anneal_batch(ctx(), chosen.data(), M, seeds.data(), &ao, sb.data(), tb.data()), ISN_STATUS_OK);
        EXPECT_EQ(ss, sb);
        for (int32_t k = 0; k < M; ++k) {
            EXPECT_EQ(ts[static_cast<size_t>(k)].steps, tb[static_cast<size_t>(k)].steps);
            EXPECT_EQ(ts[static_cast<size_t>(k)].trials, tb[static_cast<size_t>(k)].trials);
            EXPECT_EQ(ts[static_cast<size_t>(k)].accepted, tb[static_cast<size_t>(k)].accepted);
            EXPECT_EQ(bits(ts[static_cast<size_t>(k)].energy), bits(tb[static_cast<size_t>(k)].energy));
        }

        // Observe: every member, and a chosen list.
        std::vector<isn_observables> os(views.size()), ob(views.size());
        ASSERT_EQ(isn_set_observe(ctx(), set, nullptr, K, os.data()), ISN_STATUS_OK) << last_error();
        ASSERT_EQ(isn_observe_batch(ctx(), views.data(), K, ob.data()), ISN_STATUS_OK);
        for (int32_t k = 0; k < K; ++k) expect_same_observables(os[static_cast<size_t>(k)], ob[static_cast<size_t>(k)]);
        const int32_t picked[3] = {K - 1, 0, K - 1};
        ASSERT_EQ(isn_set_observe(ctx(), set, picked, 3, os.data()), ISN_STATUS_OK);
        for (int32_t k = 0; k < 3; ++k) expect_same_observables(os[static_cast<size_t>(k)], ob[static_cast<size_t>(picked[k])]);

        // Social attention of a member over every member of its n (itself too).
        const int32_t self = static_cast<int32_t>(rng() % K);
        std::vector<int32_t> others;
        std::vector<isn_system_view> other_views;
        for (int32_t k = K - 1; k >= 0; --k)
            if (views[static_cast<size_t>(k)].n == views[static_cast<size_t>(self)].n) {
                others.push_back(k);
                other_views.push_back(views[static_cast<size_t>(k)]);
            }
        const int32_t O = static_cast<int32_t>(others.size());
        const uint64_t base = rng();
        std::vector<double> ws(others.size()), wb(others.size());
        std::vector<isn_empathy_result> xs(others.size()), xb(others.size());
        isn_emotion cs{}, cb{};
        int32_t bs = -1, bb = -2;
        ASSERT_EQ(isn_set_social_attention(ctx(), set, self, others.data(), O, base, &eo, ws.data(), xs.data(), &cs, &bs),
                  ISN_STATUS_OK)
            << last_error();
        ASSERT_EQ(isn_social_attention(ctx(), &views[static_cast<size_t>(self)], other_views.data(), O, base, &eo,
                                       wb.data(), xb.data(), &cb, &bb),
                  ISN_STATUS_OK);
        for (int32_t k = 0; k < O; ++k) {
            EXPECT_EQ(bits(ws[static_cast<size_t>(k)]), bits(wb[static_cast<size_t>(k)]));
            expect_same_result(xs[static_cast<size_t>(k)], xb[static_cast<size_t>(k)]);
        }
        EXPECT_EQ(bits(cs.valence), bits(cb.valence));
        EXPECT_EQ(bits(cs.arousal), bits(cb.arousal));
        EXPECT_EQ(bits(cs.tension), bits(cb.tension));
        EXPECT_EQ(bits(cs.coherence), bits(cb.coherence));
        EXPECT_EQ(bs, bb);

        // Quick estimates and coupling similarity.
        std::vector<isn_quick_estimate> qs(pairs.size()), qb(pairs.size());
        const double scale = 1.0 + static_cast<double>(rng() % 100);
        ASSERT_EQ(isn_set_quick_estimate(ctx(), set, pairs.data(), P, scale, qs.data()), ISN_STATUS_OK) << last_error();
        ASSERT_EQ(isn_quick_estimate_batch(ctx(), views.data(), K, pairs.data(), P, scale, qb.data()), ISN_STATUS_OK);
        std::vector<double> cs2(pairs.size()), cb2(pairs.size());
        ASSERT_EQ(isn_set_coupling_similarity(ctx(), set, pairs.data(), P, cs2.data()), ISN_STATUS_OK) << last_error();
        ASSERT_EQ(isn_coupling_similarity_batch(ctx(), views.data(), K, pairs.data(), P, cb2.data()), ISN_STATUS_OK);
        for (int32_t k = 0; k < P; ++k) {
            EXPECT_EQ(bits(qs[static_cast<size_t>(k)].score), bits(qb[static_cast<size_t>(k)].score));
            EXPECT_EQ(bits(qs[static_cast<size_t>(k)].energy_difference), bits(qb[static_cast<size_t>(k)].energy_difference));
            EXPECT_EQ(bits(qs[static_cast<size_t>(k)].coupling_similarity), bits(qb[static_cast<size_t>(k)].coupling_similarity));
            EXPECT_EQ(bits(cs2[static_cast<size_t>(k)]), bits(cb2[static_cast<size_t>(k)]));
        }
    }

    // Matrix and edges of an equal-n set against the borrowed matrix and the
    // pair batch with the matrix seeds.
    void expect_matrix_matches(isn_agent_set* set, const Swarm& w, uint64_t base, const isn_anneal_options& ao) {
        const std::vector<isn_system_view> views = w.views();
        const int32_t K = static_cast<int32_t>(views.size());
        const size_t KK = static_cast<size_t>(K) * K;
        const isn_empathy_options eo = empathy_with(ao);
        SCOPED_TRACE(opt_text(ao));
        std::vector<double> ss(KK), sb(KK);
        std::vector<isn_empathy_result> rs(KK), rb(KK), rp(KK);
        ASSERT_EQ(isn_set_empathy_matrix(ctx(), set, base, &eo, ss.data(), rs.data(), nullptr), ISN_STATUS_OK)
            << last_error();
        ASSERT_EQ(isn_empathy_matrix(ctx(), views.data(), K, base, &eo, sb.data(), rb.data()), ISN_STATUS_OK)
            << last_error();
        std::vector<isn_pair> pairs;
        for (int32_t a = 0; a < K; ++a)
            for (int32_t b = 0; b < K; ++b)
                pairs.push_back(isn_pair{a, b, base + static_cast<uint64_t>(a) * static_cast<uint64_t>(K) + b});
        ASSERT_EQ(isn_empathy_batch(ctx(), views.data(), K, pairs.data(), static_cast<int32_t>(KK), &eo, rp.data()),
                  ISN_STATUS_OK);
        for (size_t e = 0; e < KK; ++e) {
            expect_same_result(rs[e], rb[e]);
            expect_same_result(rs[e], rp[e]);
            EXPECT_EQ(bits(ss[e]), bits(rs[e].score));
            EXPECT_EQ(bits(sb[e]), bits(rs[e].score));
        }
        // Scores only (a separate device path: no results copied back).
        std::vector<double> only(KK);
        ASSERT_EQ(isn_set_empathy_matrix(ctx(), set, base, &eo, only.data(), nullptr, nullptr), ISN_STATUS_OK);
        for (size_t e = 0; e < KK; ++e) EXPECT_EQ(bits(only[e]), bits(ss[e]));

        // Edges: a sparse subset in any order, duplicates allowed = those matrix entries.
        std::vector<isn_edge> edges;
        for (int32_t k = 0; k < 2 * K + 1; ++k)
            edges.push_back(isn_edge{(k * 7) % K, (k * 3 + 1) % K});
        const int32_t E = static_cast<int32_t>(edges.size());
        std::vector<double> es(edges.size());
        std::vector<isn_empathy_result> er(edges.size());
        ASSERT_EQ(isn_set_empathy_edges(ctx(), set, edges.data(), E, base, &eo, es.data(), er.data(), nullptr),
                  ISN_STATUS_OK)
            << last_error();
        std::vector<double> es_only(edges.size());
        ASSERT_EQ(isn_set_empathy_edges(ctx(), set, edges.data(), E, base, &eo, es_only.data(), nullptr, nullptr),
                  ISN_STATUS_OK);
        for (int32_t k = 0; k < E; ++k) {
            const size_t e = static_cast<size_t>(edges[static_cast<size_t>(k)].self_index) * K +
                             static_cast<size_t>(edges[static_cast<size_t>(k)].other_index);
            expect_same_result(er[static_cast<size_t>(k)], rs[e]);
            EXPECT_EQ(bits(es[static_cast<size_t>(k)]), bits(ss[e]));
            EXPECT_EQ(bits(es_only[static_cast<size_t>(k)]), bits(ss[e]));
        }
    }

private:
    isn_context* ctx_ = nullptr;
};

TEST_P(AgentSets, EveryCallMatchesTheBorrowedViewCall) {
    std::mt19937_64 rng(GetParam() == Kind::cpu ? 11 : 12);
    for (const isn_anneal_options& ao : option_grid(rng)) {
        // Random sizes, thread and (on a GPU) block regime in one set.
        std::vector<int32_t> sizes = {3 + static_cast<int32_t>(rng() % 20), 2 + static_cast<int32_t>(rng() % 6)};
        if (ao.precision == ISN_PRECISION_DOUBLE && ao.adaptive_steps == 0) sizes.push_back(130);
        const Swarm w = make_swarm(5 + static_cast<int32_t>(rng() % 4), sizes, rng());
        const std::vector<isn_system_view> views = w.views();
        Set set(ctx(), views);
        ASSERT_NE(set.get(), nullptr);
        expect_set_matches_borrowed(set.get(), w, rng, ao);
    }
}

TEST_P(AgentSets, MatrixAndEdgesMatchTheBorrowedMatrix) {
    std::mt19937_64 rng(GetParam() == Kind::cpu ? 21 : 22);
    const std::vector<isn_anneal_options> grid = option_grid(rng);
    for (size_t g = 0; g < grid.size(); ++g) {
        const int32_t n = g == 3 ? 130 : 2 + static_cast<int32_t>(rng() % 24);
        const Swarm w = make_swarm(2 + static_cast<int32_t>(rng() % 5), {n}, rng());
        const std::vector<isn_system_view> views = w.views();
        Set set(ctx(), views);
        ASSERT_NE(set.get(), nullptr);
        expect_matrix_matches(set.get(), w, rng(), grid[g]);
    }
}

// After update / update_spins a set answers exactly as a fresh set of the
// changed systems would (and as the borrowed calls on them).
TEST_P(AgentSets, UpdatesGiveWhatAFreshSetGives) {
    std::mt19937_64 rng(31);
    const isn_anneal_options ao = option_grid(rng)[5];
    Swarm w = make_swarm(6, {12}, 100);
    Set set(ctx(), w.views());
    ASSERT_NE(set.get(), nullptr);
    // Same n: new couplings, fields and spins for member 2.
    w.systems[2] = spin_glass(12, 777);
    isn_system_view v2 = w.systems[2].view();
    ASSERT_EQ(isn_agent_set_update(set.get(), 2, &v2), ISN_STATUS_OK) << last_error();
    expect_matrix_matches(set.get(), w, 5, ao);
    expect_set_matches_borrowed(set.get(), w, rng, ao);
    // Spins only.
    for (auto& s : w.systems[4].s) s = static_cast<int8_t>(-s);
    w.systems[4].s[0] = 1;
    ASSERT_EQ(isn_agent_set_update_spins(set.get(), 4, w.systems[4].s.data()), ISN_STATUS_OK) << last_error();
    expect_matrix_matches(set.get(), w, 6, ao);
    // A different n: the set is laid out anew.
    w.systems[1] = seed_pattern(7, 42);
    isn_system_view v1 = w.systems[1].view();
    ASSERT_EQ(isn_agent_set_update(set.get(), 1, &v1), ISN_STATUS_OK) << last_error();
    isn_agent_set_info info;
    ASSERT_EQ(isn_agent_set_get_info(set.get(), &info), ISN_STATUS_OK);
    EXPECT_EQ(info.count, 6);
    EXPECT_EQ(info.max_n, 12);
    expect_set_matches_borrowed(set.get(), w, rng, ao);
    // And back to n = 12: the matrix works again, equal to a fresh set's.
    w.systems[1] = seed_pattern(12, 43);
    v1 = w.systems[1].view();
    ASSERT_EQ(isn_agent_set_update(set.get(), 1, &v1), ISN_STATUS_OK) << last_error();
    Set fresh(ctx(), w.views());
    const isn_empathy_options eo = empathy_with(ao);
    std::vector<double> a(36), b(36);
    ASSERT_EQ(isn_set_empathy_matrix(ctx(), set.get(), 9, &eo, a.data(), nullptr, nullptr), ISN_STATUS_OK);
    ASSERT_EQ(isn_set_empathy_matrix(ctx(), fresh.get(), 9, &eo, b.data(), nullptr, nullptr), ISN_STATUS_OK);
    for (size_t e = 0; e < a.size(); ++e) EXPECT_EQ(bits(a[e]), bits(b[e]));
    // A member without spins: fine for the anneal and as a self, not as an other.
    v1.spins = nullptr;
    ASSERT_EQ(isn_agent_set_update(set.get(), 1, &v1), ISN_STATUS_OK) << last_error();
    const isn_pair as_self{1, 0, 3};
    isn_empathy_result r1, r2;
    ASSERT_EQ(isn_set_empathy(ctx(), set.get(), &as_self, 1, &eo, &r1, nullptr), ISN_STATUS_OK) << last_error();
    const std::vector<isn_system_view> views = w.views();
    ASSERT_EQ(isn_empathy_batch(ctx(), views.data(), 6, &as_self, 1, &eo, &r2), ISN_STATUS_OK);
    expect_same_result(r1, r2);
    const isn_pair as_other{0, 1, 3};
    EXPECT_EQ(isn_set_empathy(ctx(), set.get(), &as_other, 1, &eo, &r1, nullptr), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(last_error().find("'pairs[0].other_index' = 1 names a member without spins"), std::string::npos)
        << last_error();
}

// Every bad argument: the status, a message naming the argument and its
// value, and nothing written (outputs hold a sentinel).
TEST_P(AgentSets, BadArgumentsAreNamedAndWriteNothing) {
    Swarm w = make_swarm(4, {6}, 7);
    w.systems.push_back(seed_pattern(9, 8));  // member 4: another n
    std::vector<isn_system_view> views = w.views();
    views[3].spins = nullptr;                  // member 3: no spins
    Set set(ctx(), views);
    ASSERT_NE(set.get(), nullptr);
    isn_agent_set* s = set.get();
    const isn_empathy_options eo = default_empathy();
    isn_empathy_options bad_eo = eo;
    bad_eo.anneal.precision = 7;
    isn_empathy_options bad_w = eo;
    bad_w.weights.energy = -1.0;

    std::vector<isn_empathy_result> res(4);
    std::vector<double> sc(25);
    std::vector<isn_observables> obs(5);
    std::vector<isn_quick_estimate> qe(4);
    std::vector<int8_t> spins(64);
    std::vector<isn_anneal_stats> stats(4);
    std::vector<double> weights(4);
    const auto sentinel_all = [&] {
        fill_sentinel(res);
        fill_sentinel(sc);
        fill_sentinel(obs);
        fill_sentinel(qe);
        fill_sentinel(spins);
        fill_sentinel(stats);
        fill_sentinel(weights);
    };
    const auto untouched = [&] {
        return all_sentinel(res) && all_sentinel(sc) && all_sentinel(obs) && all_sentinel(qe) && all_sentinel(spins) &&
               all_sentinel(stats) && all_sentinel(weights);
    };
    const auto expect_error = [&](isn_status got, isn_status want, const std::string& text, const char* what) {
        EXPECT_EQ(got, want) << what;
        EXPECT_NE(last_error().find(text), std::string::npos) << what << ": " << last_error();
        EXPECT_TRUE(untouched()) << what << " wrote an output";
        sentinel_all();
    };
    sentinel_all();

    const isn_pair out_of_range{0, 5, 1}, mixed_n{0, 4, 1}, no_spins{0, 3, 1}, negative{-1, 0, 1};
    expect_error(isn_set_empathy(ctx(), s, &out_of_range, 1, &eo, res.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'pairs[0].other_index' = 5 is outside [0, 5)", "empathy index");
    expect_error(isn_set_empathy(ctx(), s, &negative, 1, &eo, res.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'pairs[0].self_index' = -1", "empathy negative index");
    expect_error(isn_set_empathy(ctx(), s, &mixed_n, 1, &eo, res.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'pairs[0]' pairs members of different n: self 0 has n = 6, other 4 has n = 9", "empathy n");
    expect_error(isn_set_empathy(ctx(), s, &no_spins, 1, &eo, res.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'pairs[0].other_index' = 3 names a member without spins", "empathy spins");
    const isn_pair good[2] = {{0, 1, 1}, {1, 4, 2}};  // the second is bad: nothing of the first is written
    expect_error(isn_set_empathy(ctx(), s, good, 2, &eo, res.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'pairs[1]' pairs members of different n", "empathy second pair");
    expect_error(isn_set_empathy(ctx(), s, good, 0, &eo, res.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'pair_count' = 0", "empathy count");
    expect_error(isn_set_empathy(ctx(), s, good, 1, &bad_eo, res.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'options.anneal.precision' = 7", "empathy options");
    expect_error(isn_set_empathy(ctx(), s, good, 1, &bad_w, res.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'options.weights.energy' = -1", "empathy weights");
    expect_error(isn_set_empathy(ctx(), s, good, 1, nullptr, res.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'options' is null", "empathy null options");
    expect_error(isn_set_empathy(ctx(), s, nullptr, 1, &eo, res.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'pairs' is null", "empathy null pairs");

    // Matrix: mixed n, missing spins.
    expect_error(isn_set_empathy_matrix(ctx(), s, 1, &eo, sc.data(), res.data(), nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "member 3 has no spins", "matrix spins");
    expect_error(isn_set_empathy_matrix(ctx(), s, 1, &eo, nullptr, nullptr, nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'scores_out' is null", "matrix scores");

    // Edges.
    const isn_edge edge_oob{0, 9}, edge_n{4, 0}, edge_ok{0, 1};
    expect_error(isn_set_empathy_edges(ctx(), s, &edge_oob, 1, 1, &eo, sc.data(), nullptr, nullptr),
                 ISN_STATUS_INVALID_ARGUMENT, "'edges[0].other_index' = 9 is outside [0, 5)", "edges index");
    expect_error(isn_set_empathy_edges(ctx(), s, &edge_n, 1, 1, &eo, sc.data(), nullptr, nullptr),
                 ISN_STATUS_INVALID_ARGUMENT, "'edges[0]' pairs members of different n", "edges n");
    expect_error(isn_set_empathy_edges(ctx(), s, &edge_ok, 1, 1, &eo, nullptr, nullptr, nullptr),
                 ISN_STATUS_INVALID_ARGUMENT, "'scores_out' and 'results_out' are both null", "edges outputs");
    expect_error(isn_set_empathy_edges(ctx(), s, &edge_ok, -3, 1, &eo, sc.data(), nullptr, nullptr),
                 ISN_STATUS_INVALID_ARGUMENT, "'edge_count' = -3", "edges count");

    // Anneal.
    const int32_t members_bad[2] = {0, 17};
    const uint64_t seeds[2] = {1, 2};
    isn_anneal_options bad_ao = default_anneal();
    bad_ao.steps = 0;
    const isn_anneal_options ao = default_anneal();
    expect_error(isn_set_anneal(ctx(), s, members_bad, 2, seeds, &ao, spins.data(), stats.data(), nullptr),
                 ISN_STATUS_INVALID_ARGUMENT, "'members[1]' = 17 is outside [0, 5)", "anneal index");
    expect_error(isn_set_anneal(ctx(), s, members_bad, 1, seeds, &bad_ao, spins.data(), stats.data(), nullptr),
                 ISN_STATUS_INVALID_ARGUMENT, "'options.steps' = 0", "anneal options");
    expect_error(isn_set_anneal(ctx(), s, members_bad, 1, nullptr, &ao, spins.data(), stats.data(), nullptr),
                 ISN_STATUS_INVALID_ARGUMENT, "'seeds' is null", "anneal seeds");
    expect_error(isn_set_anneal(ctx(), s, members_bad, 1, seeds, &ao, nullptr, stats.data(), nullptr),
                 ISN_STATUS_INVALID_ARGUMENT, "'spins_out' is null", "anneal spins_out");

    // Observe.
    const int32_t obs_members[2] = {0, 3};
    expect_error(isn_set_observe(ctx(), s, obs_members, 2, obs.data()), ISN_STATUS_INVALID_ARGUMENT,
                 "'members[1]' = 3 names a member without spins", "observe spins");
    expect_error(isn_set_observe(ctx(), s, nullptr, 4, obs.data()), ISN_STATUS_INVALID_ARGUMENT,
                 "'count' = 4 must be the set's size 5", "observe count");
    expect_error(isn_set_observe(ctx(), s, nullptr, 5, obs.data()), ISN_STATUS_INVALID_ARGUMENT,
                 "member 3 has no spins", "observe all");

    // Social attention.
    const int32_t others_bad[2] = {1, 4}, others_ok[2] = {1, 2}, others_nospin[1] = {3};
    isn_emotion collective;
    std::memset(&collective, 0xA5, sizeof collective);
    int32_t best = -77;
    const auto social_untouched = [&] { return is_sentinel(collective) && best == -77; };
    expect_error(isn_set_social_attention(ctx(), s, 0, others_bad, 2, 1, &eo, weights.data(), res.data(), &collective, &best),
                 ISN_STATUS_INVALID_ARGUMENT, "'others[1]' = 4 names a member of n = 9, but self_index 0 has n = 6",
                 "social n");
    EXPECT_TRUE(social_untouched());
    expect_error(isn_set_social_attention(ctx(), s, 0, others_nospin, 1, 1, &eo, weights.data(), res.data(), &collective, &best),
                 ISN_STATUS_INVALID_ARGUMENT, "'others[0]' = 3 names a member without spins", "social spins");
    expect_error(isn_set_social_attention(ctx(), s, 8, others_ok, 2, 1, &eo, weights.data(), res.data(), &collective, &best),
                 ISN_STATUS_INVALID_ARGUMENT, "'self_index' = 8 is outside [0, 5)", "social self");
    expect_error(isn_set_social_attention(ctx(), s, 0, others_ok, 2, 1, &eo, weights.data(), res.data(), nullptr, &best),
                 ISN_STATUS_INVALID_ARGUMENT, "'collective_out' is null", "social collective");
    EXPECT_TRUE(social_untouched());

    // Quick estimates (both members need spins) and coupling similarity (neither does).
    const isn_pair self_nospin{3, 0, 0};
    expect_error(isn_set_quick_estimate(ctx(), s, &self_nospin, 1, 100.0, qe.data()), ISN_STATUS_INVALID_ARGUMENT,
                 "'pairs[0].self_index' = 3 names a member without spins", "quick spins");
    expect_error(isn_set_quick_estimate(ctx(), s, good, 1, 0.0, qe.data()), ISN_STATUS_INVALID_ARGUMENT,
                 "'scale' = 0 must be finite and > 0", "quick scale");
    expect_error(isn_set_coupling_similarity(ctx(), s, &mixed_n, 1, sc.data()), ISN_STATUS_INVALID_ARGUMENT,
                 "'pairs[0]' pairs members of different n", "similarity n");
    std::vector<double> sim(1);
    ASSERT_EQ(isn_set_coupling_similarity(ctx(), s, &self_nospin, 1, sim.data()), ISN_STATUS_OK) << last_error();

    // Create: bad members, counts; nothing is created.
    isn_agent_set* out = reinterpret_cast<isn_agent_set*>(&weights);  // a sentinel pointer
    std::vector<isn_system_view> bad_views = w.views();
    bad_views[2].n = 0;
    expect_error(isn_agent_set_create(ctx(), bad_views.data(), 5, &out), ISN_STATUS_INVALID_ARGUMENT,
                 "'systems[2].n' = 0 is outside [1, 16384]", "create n");
    EXPECT_EQ(out, reinterpret_cast<isn_agent_set*>(&weights));
    std::vector<double> asym = w.systems[1].J;
    asym[1] += 0.5;
    bad_views = w.views();
    bad_views[1].couplings = asym.data();
    expect_error(isn_agent_set_create(ctx(), bad_views.data(), 5, &out), ISN_STATUS_INVALID_ARGUMENT,
                 "'systems[1].couplings' is not symmetric", "create symmetry");
    expect_error(isn_agent_set_create(ctx(), views.data(), 0, &out), ISN_STATUS_INVALID_ARGUMENT,
                 "'count' = 0 is outside [1, 1048576]", "create count");
    expect_error(isn_agent_set_create(ctx(), views.data(), 5, nullptr), ISN_STATUS_INVALID_ARGUMENT,
                 "'out_set' is null", "create out");
    EXPECT_EQ(out, reinterpret_cast<isn_agent_set*>(&weights));

    // Update: the set is unchanged by a failed update.
    std::vector<double> before(25), after(25);
    std::vector<isn_system_view> equal_n(views.begin(), views.begin() + 3);
    Set small(ctx(), equal_n);
    ASSERT_EQ(isn_set_empathy_matrix(ctx(), small.get(), 4, &eo, before.data(), nullptr, nullptr), ISN_STATUS_OK);
    isn_system_view broken = w.systems[0].view();
    broken.fields = nullptr;
    expect_error(isn_agent_set_update(small.get(), 1, &broken), ISN_STATUS_INVALID_ARGUMENT,
                 "'system.fields' is null", "update fields");
    expect_error(isn_agent_set_update(small.get(), 3, &equal_n[0]), ISN_STATUS_INVALID_ARGUMENT,
                 "'index' = 3 is outside [0, 3)", "update index");
    std::vector<int8_t> bad_spins(6, 1);
    bad_spins[4] = 0;
    expect_error(isn_agent_set_update_spins(small.get(), 1, bad_spins.data()), ISN_STATUS_INVALID_ARGUMENT,
                 "'spins' element [4] = 0 is not -1 or +1", "update_spins value");
    expect_error(isn_agent_set_update_spins(small.get(), 1, nullptr), ISN_STATUS_INVALID_ARGUMENT, "'spins' is null",
                 "update_spins null");
    ASSERT_EQ(isn_set_empathy_matrix(ctx(), small.get(), 4, &eo, after.data(), nullptr, nullptr), ISN_STATUS_OK);
    for (size_t e = 0; e < 9; ++e) EXPECT_EQ(bits(before[e]), bits(after[e]));
}

TEST_P(AgentSets, HandlesAreCheckedAndBelongToTheirContext) {
    const Swarm w = make_swarm(3, {5}, 3);
    const std::vector<isn_system_view> views = w.views();
    const isn_empathy_options eo = default_empathy();
    std::vector<double> sc(9, -3.0);
    isn_agent_set_info info;

    // Null and foreign pointers.
    EXPECT_EQ(isn_set_empathy_matrix(ctx(), nullptr, 1, &eo, sc.data(), nullptr, nullptr), ISN_STATUS_INVALID_HANDLE);
    EXPECT_NE(last_error().find("'set' is null"), std::string::npos) << last_error();
    int foreign = 0;
    EXPECT_EQ(isn_agent_set_get_info(reinterpret_cast<isn_agent_set*>(&foreign), &info), ISN_STATUS_INVALID_HANDLE);
    EXPECT_NE(last_error().find("'set' is not a live agent set"), std::string::npos) << last_error();
    EXPECT_EQ(isn_agent_set_destroy(nullptr), ISN_STATUS_OK);

    // A set used with another context.
    Set set(ctx(), views);
    Context other(1);
    EXPECT_EQ(isn_set_empathy_matrix(other.get(), set.get(), 1, &eo, sc.data(), nullptr, nullptr),
              ISN_STATUS_INVALID_HANDLE);
    EXPECT_NE(last_error().find("'set' belongs to another context"), std::string::npos) << last_error();
    for (double x : sc) EXPECT_EQ(x, -3.0);
    // Every entry point that names a context checks the set's owner first.
    {
        isn_context* o = other.get();
        isn_agent_set* s = set.get();
        const isn_pair pair{0, 1, 1};
        const isn_edge edge{0, 1};
        const int32_t member = 0, others[1] = {1};
        const uint64_t seed = 1;
        const isn_anneal_options ao = default_anneal();
        int8_t spins[5];
        isn_observables ob;
        isn_empathy_result r;
        isn_quick_estimate q;
        isn_emotion e;
        double wt = 0, d = 0;
        int32_t best = 0;
        const isn_status got[] = {
            isn_set_anneal(o, s, &member, 1, &seed, &ao, spins, nullptr, nullptr),
            isn_set_observe(o, s, &member, 1, &ob),
            isn_set_empathy(o, s, &pair, 1, &eo, &r, nullptr),
            isn_set_social_attention(o, s, 0, others, 1, 1, &eo, &wt, &r, &e, &best),
            isn_set_empathy_edges(o, s, &edge, 1, 1, &eo, &d, nullptr, nullptr),
            isn_set_quick_estimate(o, s, &pair, 1, 100.0, &q),
            isn_set_coupling_similarity(o, s, &pair, 1, &d),
        };
        for (size_t k = 0; k < sizeof got / sizeof got[0]; ++k) EXPECT_EQ(got[k], ISN_STATUS_INVALID_HANDLE) << "call " << k;
    }

    // Destroyed: every call, destroy again included.
    isn_agent_set* gone = nullptr;
    ASSERT_EQ(isn_agent_set_create(ctx(), views.data(), 3, &gone), ISN_STATUS_OK);
    ASSERT_EQ(isn_agent_set_destroy(gone), ISN_STATUS_OK);
    EXPECT_EQ(isn_set_empathy_matrix(ctx(), gone, 1, &eo, sc.data(), nullptr, nullptr), ISN_STATUS_INVALID_HANDLE);
    EXPECT_EQ(isn_agent_set_update_spins(gone, 0, views[0].spins), ISN_STATUS_INVALID_HANDLE);
    EXPECT_EQ(isn_agent_set_destroy(gone), ISN_STATUS_INVALID_HANDLE);
    EXPECT_NE(last_error().find("'set' is not a live agent set"), std::string::npos) << last_error();

    // Info.
    ASSERT_EQ(isn_agent_set_get_info(set.get(), &info), ISN_STATUS_OK);
    EXPECT_EQ(info.count, 3);
    EXPECT_EQ(info.max_n, 5);
    const int64_t system_bytes = 3 * (5 * 5 * 8 + 5 * 8 + 5);
    EXPECT_GE(info.host_bytes, system_bytes);
    EXPECT_LT(info.host_bytes, system_bytes + 4096);
    if (gpu()) {
        EXPECT_GE(info.device_bytes, system_bytes);
        EXPECT_LE(info.device_bytes, system_bytes + 3 * 64);
    } else {
        EXPECT_EQ(info.device_bytes, 0);
    }
    EXPECT_EQ(isn_agent_set_get_info(set.get(), nullptr), ISN_STATUS_INVALID_ARGUMENT);
}

TEST_P(AgentSets, DestroyingTheContextInvalidatesItsSets) {
    const Swarm w = make_swarm(3, {5}, 4);
    const std::vector<isn_system_view> views = w.views();
    isn_context* c = nullptr;
    if (gpu())
        ASSERT_EQ(isn_context_create_gpu(0, &c), ISN_STATUS_OK);
    else
        ASSERT_EQ(isn_context_create_cpu(1, &c), ISN_STATUS_OK);
    isn_agent_set* a = nullptr;
    isn_agent_set* b = nullptr;
    ASSERT_EQ(isn_agent_set_create(c, views.data(), 3, &a), ISN_STATUS_OK);
    ASSERT_EQ(isn_agent_set_create(c, views.data(), 2, &b), ISN_STATUS_OK);
    if (gpu()) {
        int64_t current = 0;
        ASSERT_EQ(isn_context_memory_stats(c, &current, nullptr), ISN_STATUS_OK);
        EXPECT_GE(current, 5 * (5 * 5 * 8 + 5 * 8 + 5));  // both sets resident
    }
    ASSERT_EQ(isn_context_destroy(c), ISN_STATUS_OK);
    isn_agent_set_info info;
    EXPECT_EQ(isn_agent_set_get_info(a, &info), ISN_STATUS_INVALID_HANDLE);
    EXPECT_NE(last_error().find("outlived its context"), std::string::npos) << last_error();
    EXPECT_EQ(isn_agent_set_update(b, 0, &views[0]), ISN_STATUS_INVALID_HANDLE);
    const isn_empathy_options eo = default_empathy();
    double score = 0;
    EXPECT_EQ(isn_set_empathy_matrix(c, a, 1, &eo, &score, nullptr, nullptr), ISN_STATUS_INVALID_HANDLE);
    EXPECT_NE(last_error().find("'context' is not a live context"), std::string::npos) << last_error();
    EXPECT_EQ(isn_agent_set_destroy(a), ISN_STATUS_OK);
    EXPECT_EQ(isn_agent_set_destroy(b), ISN_STATUS_OK);
}

// Progress and cancellation between tiles (sized by time since 1.4: the first
// is small, so the boundaries are read from the reports, never assumed).
struct Recorder {
    std::vector<int64_t> done;
    int64_t total = -1;
    int32_t cancel = 0;
    int32_t cancel_after = -1;  // set the flag after this many reports
    static void report(void* user, int64_t d, int64_t t) {
        auto* r = static_cast<Recorder*>(user);
        r->done.push_back(d);
        r->total = t;
        if (static_cast<int32_t>(r->done.size()) == r->cancel_after) r->cancel = 1;
    }
    isn_run_control control() { return isn_run_control{&Recorder::report, this, &cancel}; }
};

isn_empathy_options cheap_options() {
    isn_empathy_options eo = default_empathy();
    eo.anneal.steps = 1;
    eo.anneal.trials_per_step = 1;
    return eo;
}

TEST_P(AgentSets, ProgressIsMonotoneAndCancelStopsBetweenTiles) {
    const int32_t K = 300;  // 90 000 matrix jobs: several tiles
    const int64_t KK = int64_t{K} * K;
    const Swarm w = make_swarm(K, {3}, 5);
    const std::vector<isn_system_view> views = w.views();
    Set set(ctx(), views);
    const isn_empathy_options eo = cheap_options();

    // Uncancelled: progress after every tile, done rising to total.
    std::vector<double> full(static_cast<size_t>(KK));
    Recorder all;
    isn_run_control c = all.control();
    ASSERT_EQ(isn_set_empathy_matrix(ctx(), set.get(), 3, &eo, full.data(), nullptr, &c), ISN_STATUS_OK) << last_error();
    ASSERT_GE(all.done.size(), 2u);
    EXPECT_EQ(all.done[0], 64) << "the first tile of a controlled call is small (a cancel is seen early)";
    for (size_t k = 1; k < all.done.size(); ++k) {
        ASSERT_GT(all.done[k], all.done[k - 1]);
        ASSERT_LE(all.done[k] - all.done[k - 1], 4 * (k == 1 ? all.done[0] : all.done[k - 1] - all.done[k - 2]))
            << "a tile grows at most 4x";
    }
    EXPECT_EQ(all.done.back(), KK);
    EXPECT_EQ(all.total, KK);
    // Without controls the call is one 2^16 tile then the rest: the same bits.
    std::vector<double> plain(static_cast<size_t>(KK));
    ASSERT_EQ(isn_set_empathy_matrix(ctx(), set.get(), 3, &eo, plain.data(), nullptr, nullptr), ISN_STATUS_OK);
    for (int64_t e = 0; e < KK; ++e)
        ASSERT_EQ(bits(plain[static_cast<size_t>(e)]), bits(full[static_cast<size_t>(e)])) << e;

    // Cancelled from the callback after the first tile: that tile is written, the rest untouched.
    std::vector<double> part(static_cast<size_t>(KK));
    fill_sentinel(part);
    Recorder one;
    one.cancel_after = 1;
    c = one.control();
    EXPECT_EQ(isn_set_empathy_matrix(ctx(), set.get(), 3, &eo, part.data(), nullptr, &c), ISN_STATUS_CANCELLED);
    EXPECT_NE(last_error().find("cancelled"), std::string::npos) << last_error();
    ASSERT_EQ(one.done.size(), 1u);
    const int64_t kTile = one.done[0];  // the first tile, the only one finished
    for (int64_t e = 0; e < KK; ++e) {
        if (e < kTile)
            ASSERT_EQ(bits(part[static_cast<size_t>(e)]), bits(full[static_cast<size_t>(e)])) << e;
        else
            ASSERT_TRUE(is_sentinel(part[static_cast<size_t>(e)])) << e;
    }

    // Edges, pairs and anneals: the same discipline.
    std::vector<isn_edge> edges(size_t{1} << 16);
    std::vector<isn_pair> pairs(edges.size());
    std::vector<int32_t> members(edges.size());
    std::vector<uint64_t> seeds(edges.size());
    for (size_t k = 0; k < edges.size(); ++k) {
        edges[k] = isn_edge{static_cast<int32_t>(k % K), static_cast<int32_t>((k / K) % K)};
        pairs[k] = isn_pair{edges[k].self_index, edges[k].other_index, k};
        members[k] = static_cast<int32_t>(k % K);
        seeds[k] = k;
    }
    const int32_t E = static_cast<int32_t>(edges.size());
    std::vector<double> es(edges.size());
    fill_sentinel(es);
    Recorder re;
    re.cancel_after = 1;
    c = re.control();
    EXPECT_EQ(isn_set_empathy_edges(ctx(), set.get(), edges.data(), E, 3, &eo, es.data(), nullptr, &c),
              ISN_STATUS_CANCELLED);
    ASSERT_EQ(re.done.size(), 1u);
    ASSERT_LT(re.done[0], E);
    for (int32_t k = 0; k < E; ++k) {
        const size_t e = static_cast<size_t>(edges[static_cast<size_t>(k)].self_index) * K +
                         static_cast<size_t>(edges[static_cast<size_t>(k)].other_index);
        if (k < kTile)
            ASSERT_EQ(bits(es[static_cast<size_t>(k)]), bits(full[e])) << k;
        else
            ASSERT_TRUE(is_sentinel(es[static_cast<size_t>(k)])) << k;
    }
    std::vector<isn_empathy_result> pr(pairs.size());
    fill_sentinel(pr);
    Recorder rp;
    rp.cancel_after = 1;
    c = rp.control();
    EXPECT_EQ(isn_set_empathy(ctx(), set.get(), pairs.data(), E, &eo, pr.data(), &c), ISN_STATUS_CANCELLED);
    ASSERT_EQ(rp.done, (std::vector<int64_t>{kTile}));
    EXPECT_FALSE(is_sentinel(pr[static_cast<size_t>(kTile) - 1]));
    EXPECT_TRUE(is_sentinel(pr[static_cast<size_t>(kTile)]));
    std::vector<int8_t> spins(edges.size() * 3);
    std::vector<isn_anneal_stats> stats(edges.size());
    fill_sentinel(spins);
    fill_sentinel(stats);
    Recorder ra;
    c = ra.control();
    ASSERT_EQ(isn_set_anneal(ctx(), set.get(), members.data(), E, seeds.data(), &eo.anneal, spins.data(), stats.data(), &c),
              ISN_STATUS_OK);
    ASSERT_GE(ra.done.size(), 2u);
    EXPECT_EQ(ra.done.front(), kTile);
    EXPECT_EQ(ra.done.back(), E);
    EXPECT_FALSE(all_sentinel(stats));
    fill_sentinel(spins);
    fill_sentinel(stats);
    ra = Recorder{};
    ra.cancel_after = 1;
    c = ra.control();
    EXPECT_EQ(isn_set_anneal(ctx(), set.get(), members.data(), E, seeds.data(), &eo.anneal, spins.data(), stats.data(), &c),
              ISN_STATUS_CANCELLED);
    ASSERT_EQ(ra.done, (std::vector<int64_t>{kTile}));
    EXPECT_FALSE(is_sentinel(stats[static_cast<size_t>(kTile) - 1]));
    EXPECT_TRUE(is_sentinel(stats[static_cast<size_t>(kTile)]));
    EXPECT_FALSE(is_sentinel(spins[static_cast<size_t>(kTile) * 3 - 1]));
    EXPECT_TRUE(is_sentinel(spins[static_cast<size_t>(kTile) * 3]));

    // A flag already set: nothing runs, nothing is written.
    Recorder pre;
    pre.cancel = 1;
    c = pre.control();
    fill_sentinel(part);
    EXPECT_EQ(isn_set_empathy_matrix(ctx(), set.get(), 3, &eo, part.data(), nullptr, &c), ISN_STATUS_CANCELLED);
    EXPECT_TRUE(all_sentinel(part));
    EXPECT_TRUE(pre.done.empty());
}

// isn_set_social_attention_run (1.4): uncancelled, the same bits as
// isn_set_social_attention with progress over the empathies; cancelled after
// a tile or before the call, ISN_STATUS_CANCELLED with every output untouched.
TEST_P(AgentSets, SocialAttentionRunIsCancellableAndWritesNothingWhenCancelled) {
    const int32_t K = 40, O = 5000;  // 5000 others (repeats allowed): several tiles
    const Swarm w = make_swarm(K, {6}, 21);
    Set set(ctx(), w.views());
    const isn_empathy_options eo = cheap_options();
    std::vector<int32_t> others(static_cast<size_t>(O));
    for (int32_t k = 0; k < O; ++k) others[static_cast<size_t>(k)] = (k * 7 + 1) % K;
    std::vector<double> w0(static_cast<size_t>(O)), w1(static_cast<size_t>(O));
    std::vector<isn_empathy_result> r0(static_cast<size_t>(O)), r1(static_cast<size_t>(O));
    isn_emotion c0{}, c1{};
    int32_t b0 = -1, b1 = -1;
    ASSERT_EQ(isn_set_social_attention(ctx(), set.get(), 3, others.data(), O, 11, &eo, w0.data(), r0.data(), &c0, &b0),
              ISN_STATUS_OK) << last_error();
    Recorder all;
    isn_run_control c = all.control();
    ASSERT_EQ(isn_set_social_attention_run(ctx(), set.get(), 3, others.data(), O, 11, &eo, w1.data(), r1.data(), &c1,
                                           &b1, &c), ISN_STATUS_OK) << last_error();
    ASSERT_GE(all.done.size(), 2u);
    EXPECT_EQ(all.done.back(), O);
    EXPECT_EQ(all.total, O);
    EXPECT_EQ(b1, b0);
    EXPECT_EQ(bits(c1.valence), bits(c0.valence));
    EXPECT_EQ(bits(c1.coherence), bits(c0.coherence));
    for (int32_t k = 0; k < O; ++k) {
        ASSERT_EQ(bits(w1[static_cast<size_t>(k)]), bits(w0[static_cast<size_t>(k)])) << k;
        ASSERT_EQ(bits(r1[static_cast<size_t>(k)].score), bits(r0[static_cast<size_t>(k)].score)) << k;
    }
    // A NULL control is the plain call.
    ASSERT_EQ(isn_set_social_attention_run(ctx(), set.get(), 3, others.data(), O, 11, &eo, w1.data(), r1.data(), &c1,
                                           &b1, nullptr), ISN_STATUS_OK);
    EXPECT_EQ(bits(w1[0]), bits(w0[0]));

    for (int32_t before : {0, 1}) {
        std::vector<double> ws(static_cast<size_t>(O));
        std::vector<isn_empathy_result> rs(static_cast<size_t>(O));
        fill_sentinel(ws);
        fill_sentinel(rs);
        isn_emotion cs;
        std::memset(static_cast<void*>(&cs), 0xA5, sizeof cs);
        int32_t bs = -7;
        Recorder one;
        if (before) one.cancel = 1; else one.cancel_after = 1;
        c = one.control();
        EXPECT_EQ(isn_set_social_attention_run(ctx(), set.get(), 3, others.data(), O, 11, &eo, ws.data(), rs.data(), &cs,
                                               &bs, &c), ISN_STATUS_CANCELLED) << before;
        EXPECT_NE(last_error().find("isn_set_social_attention_run"), std::string::npos) << last_error();
        EXPECT_EQ(one.done.size(), before ? 0u : 1u);
        EXPECT_TRUE(all_sentinel(ws)) << "a cancelled social attention writes no weight";
        EXPECT_TRUE(all_sentinel(rs)) << "nor any result";
        EXPECT_TRUE(is_sentinel(cs)) << "nor the collective emotion";
        EXPECT_EQ(bs, -7) << "nor the most empathic index";
    }
    // Bad input is still named (the run variant validates as the plain one).
    EXPECT_EQ(isn_set_social_attention_run(ctx(), set.get(), K, others.data(), 1, 1, &eo, w1.data(), nullptr, &c1, &b1,
                                           nullptr), ISN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(last_error().find("isn_set_social_attention_run"), std::string::npos) << last_error();
    EXPECT_NE(last_error().find("self_index"), std::string::npos) << last_error();
}

// isn_agent_set_destroy on another thread waits for the call in progress
// (which holds the context): when it returns, that call's last progress
// report (done == total, made inside the call) has happened.
TEST_P(AgentSets, DestroyWaitsForACallInProgress) {
    const int32_t K = 300;
    const Swarm w = make_swarm(K, {3}, 6);
    isn_agent_set* set = nullptr;
    const std::vector<isn_system_view> views = w.views();
    ASSERT_EQ(isn_agent_set_create(ctx(), views.data(), K, &set), ISN_STATUS_OK);
    struct Watch {
        std::atomic<int64_t> last{0};
        std::atomic<bool> started{false};
        static void report(void* user, int64_t done, int64_t) {
            auto* self = static_cast<Watch*>(user);
            self->started = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));  // keep the call in progress a while
            self->last = done;
        }
    } watch;
    const isn_run_control control{&Watch::report, &watch, nullptr};
    const isn_empathy_options eo = cheap_options();
    std::vector<double> scores(static_cast<size_t>(K) * K);
    isn_status call = ISN_STATUS_INTERNAL;
    std::thread worker([&] { call = isn_set_empathy_matrix(ctx(), set, 1, &eo, scores.data(), nullptr, &control); });
    while (!watch.started) std::this_thread::yield();
    EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK);
    EXPECT_EQ(watch.last.load(), int64_t{K} * K) << "destroy returned while the call was still running";
    worker.join();
    EXPECT_EQ(call, ISN_STATUS_OK) << last_error();
    isn_agent_set_info info;
    EXPECT_EQ(isn_agent_set_get_info(set, &info), ISN_STATUS_INVALID_HANDLE);
}

// Transfer accounting (exact on every GPU flavour): a set is uploaded once;
// a matrix or edge batch over it copies no systems and returns exactly its
// outputs; an update of one member (same n) copies that member only.
TEST_P(AgentSets, GpuCopiesTheSetOnceAndResultsExactly) {
    int64_t h2d = -1, d2h = -1;
    if (!gpu()) {
        const Swarm w = make_swarm(3, {4}, 1);
        Set set(ctx(), w.views());
        ASSERT_EQ(isn_context_transfer_stats(ctx(), &h2d, &d2h), ISN_STATUS_OK);
        EXPECT_EQ(h2d, 0);
        EXPECT_EQ(d2h, 0);
        return;
    }
    const int32_t K = 300, n = 16;  // 90 000 jobs: two tiles
    const int64_t KK = int64_t{K} * K;
    const Swarm w = make_swarm(K, {n}, 9);
    const int64_t member_bytes = int64_t{n} * n * 8 + n * 8 + n;
    const int64_t set_bytes = K * member_bytes;
    int64_t h0 = 0, d0 = 0;
    ASSERT_EQ(isn_context_transfer_stats(ctx(), &h0, &d0), ISN_STATUS_OK);
    Set set(ctx(), w.views());
    int64_t h1 = 0, d1 = 0;
    ASSERT_EQ(isn_context_transfer_stats(ctx(), &h1, &d1), ISN_STATUS_OK);
    EXPECT_GE(h1 - h0, set_bytes);
    EXPECT_LE(static_cast<double>(h1 - h0), 1.05 * static_cast<double>(set_bytes));
    EXPECT_EQ(d1, d0);

    const isn_empathy_options eo = cheap_options();
    std::vector<double> scores(static_cast<size_t>(KK));
    ASSERT_EQ(isn_set_empathy_matrix(ctx(), set.get(), 1, &eo, scores.data(), nullptr, nullptr), ISN_STATUS_OK);
    int64_t h2 = 0, d2 = 0;
    ASSERT_EQ(isn_context_transfer_stats(ctx(), &h2, &d2), ISN_STATUS_OK);
    EXPECT_EQ(h2, h1) << "the matrix uploaded something";
    EXPECT_EQ(d2 - d1, KK * 8) << "scores only";
    std::vector<isn_empathy_result> results(static_cast<size_t>(KK));
    ASSERT_EQ(isn_set_empathy_matrix(ctx(), set.get(), 1, &eo, scores.data(), results.data(), nullptr), ISN_STATUS_OK);
    int64_t h3 = 0, d3 = 0;
    ASSERT_EQ(isn_context_transfer_stats(ctx(), &h3, &d3), ISN_STATUS_OK);
    EXPECT_EQ(h3, h2);
    EXPECT_EQ(d3 - d2, KK * static_cast<int64_t>(sizeof(isn_empathy_result) + 8));

    // Edges: the edge list up, the scores down.
    std::vector<isn_edge> edges;
    for (int32_t k = 0; k < 1000; ++k) edges.push_back(isn_edge{k % K, (k * 13) % K});
    std::vector<double> es(edges.size());
    ASSERT_EQ(isn_set_empathy_edges(ctx(), set.get(), edges.data(), 1000, 1, &eo, es.data(), nullptr, nullptr),
              ISN_STATUS_OK);
    int64_t h4 = 0, d4 = 0;
    ASSERT_EQ(isn_context_transfer_stats(ctx(), &h4, &d4), ISN_STATUS_OK);
    EXPECT_EQ(h4 - h3, 1000 * static_cast<int64_t>(sizeof(isn_edge)));
    EXPECT_EQ(d4 - d3, 1000 * 8);

    // Pairs: the pair list up, the results down.
    std::vector<isn_pair> pairs;
    for (int32_t k = 0; k < 500; ++k) pairs.push_back(isn_pair{(k * 5) % K, (k * 11) % K, static_cast<uint64_t>(k)});
    std::vector<isn_empathy_result> pr(pairs.size());
    ASSERT_EQ(isn_set_empathy(ctx(), set.get(), pairs.data(), 500, &eo, pr.data(), nullptr), ISN_STATUS_OK);
    int64_t hp = 0, dp = 0;
    ASSERT_EQ(isn_context_transfer_stats(ctx(), &hp, &dp), ISN_STATUS_OK);
    EXPECT_EQ(hp - h4, 500 * static_cast<int64_t>(sizeof(isn_pair)));
    EXPECT_EQ(dp - d4, 500 * static_cast<int64_t>(sizeof(isn_empathy_result)));
    h4 = hp;
    d4 = dp;

    // One member updated, same n: its couplings, fields, spins, norm and energy.
    const HostSystem changed = spin_glass(n, 4242);
    const isn_system_view cv = changed.view();
    ASSERT_EQ(isn_agent_set_update(set.get(), 7, &cv), ISN_STATUS_OK);
    int64_t h5 = 0, d5 = 0;
    ASSERT_EQ(isn_context_transfer_stats(ctx(), &h5, &d5), ISN_STATUS_OK);
    EXPECT_EQ(h5 - h4, member_bytes + 16);
    EXPECT_EQ(d5, d4);
    ASSERT_EQ(isn_agent_set_update_spins(set.get(), 8, changed.s.data()), ISN_STATUS_OK);
    int64_t h6 = 0;
    ASSERT_EQ(isn_context_transfer_stats(ctx(), &h6, nullptr), ISN_STATUS_OK);
    EXPECT_EQ(h6 - h5, n + 8);  // spins and energy
    // A new n lays the set out again: one upload of every member (systems,
    // offsets, n, norm, energy), nothing per member beyond that.
    const HostSystem smaller = seed_pattern(12, 4343);
    const isn_system_view sv = smaller.view();
    ASSERT_EQ(isn_agent_set_update(set.get(), 9, &sv), ISN_STATUS_OK);
    int64_t h7 = 0;
    ASSERT_EQ(isn_context_transfer_stats(ctx(), &h7, nullptr), ISN_STATUS_OK);
    const int64_t relaid = (K - 1) * member_bytes + (12 * 12 * 8 + 12 * 8 + 12) + K * (8 + 8 + 4 + 8 + 8);
    EXPECT_EQ(h7 - h6, relaid);
    // Device memory: the set is counted.
    isn_agent_set_info info;
    ASSERT_EQ(isn_agent_set_get_info(set.get(), &info), ISN_STATUS_OK);
    int64_t current = 0;
    ASSERT_EQ(isn_context_memory_stats(ctx(), &current, nullptr), ISN_STATUS_OK);
    EXPECT_GE(info.device_bytes, set_bytes);
    EXPECT_GE(current, info.device_bytes);
}

INSTANTIATE_TEST_SUITE_P(Contexts, AgentSets, testing::Values(Kind::cpu, Kind::gpu), kind_name);

// The borrowed matrix now runs through the set path: on a GPU it uploads its
// systems once per call (not per tile).
TEST(AgentSetsBorrowed, GpuMatrixUploadsItsSystemsOncePerCall) {
    if (gpu_count() == 0) GTEST_SKIP() << "no GPU device (real or emulated)";
    isn_context* ctx = nullptr;
    ASSERT_EQ(isn_context_create_gpu(0, &ctx), ISN_STATUS_OK);
    const int32_t K = 300, n = 16;
    const Swarm w = make_swarm(K, {n}, 19);
    const std::vector<isn_system_view> views = w.views();
    const isn_empathy_options eo = cheap_options();
    std::vector<double> scores(static_cast<size_t>(K) * K);
    int64_t h0 = 0, d0 = 0, h1 = 0, d1 = 0;
    ASSERT_EQ(isn_context_transfer_stats(ctx, &h0, &d0), ISN_STATUS_OK);
    ASSERT_EQ(isn_empathy_matrix(ctx, views.data(), K, 2, &eo, scores.data(), nullptr), ISN_STATUS_OK);
    ASSERT_EQ(isn_context_transfer_stats(ctx, &h1, &d1), ISN_STATUS_OK);
    const int64_t set_bytes = K * (int64_t{n} * n * 8 + n * 8 + n);
    EXPECT_GE(h1 - h0, set_bytes);
    EXPECT_LE(static_cast<double>(h1 - h0), 1.05 * static_cast<double>(set_bytes));
    EXPECT_EQ(d1 - d0, int64_t{K} * K * 8);
    EXPECT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK);
}

}  // namespace
