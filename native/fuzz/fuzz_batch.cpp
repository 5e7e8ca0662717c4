// libFuzzer harness: the borrowed-view batch calls of the C API
// (isn_anneal_batch, isn_empathy_batch, isn_social_attention,
// isn_empathy_matrix, isn_observe_batch, isn_quick_estimate_batch,
// isn_estimate_batch, isn_coupling_similarity_batch, isn_sample). The first byte picks the call,
// the rest decodes its systems and arguments (fuzz_common.h). Every call runs
// on a 1-thread and a 2-thread CPU context; the invariants:
//   - the status is one a CPU context may return, the same on both contexts,
//     with the same message: "" on OK, "<function>: ..." otherwise;
//   - on failure every output buffer still holds the sentinel bytes;
//   - on OK both contexts wrote the same bytes, and every output is in its
//     documented range (scores and similarities in [0,1], spins +-1, finite
//     energies, emotions in range, stats consistent with the schedule);
//   - the inputs are unchanged (views are const);
//   - where the header says two calls agree (a social attention's results and
//     the matrix's entries are empathy batch results, an empathy's coupling
//     similarity is the similarity batch's, an anneal's energy is the observed
//     energy of its spins), they agree bit for bit.
#include "fuzz_common.h"

using namespace fuzz;

namespace {

struct Handles {
    isn_context* ctx[2];  // the 1-thread and the 2-thread context, or the same bad handle twice
    bool bad;
};

Handles decode_handles(Input& in) {
    Contexts& cx = contexts();
    const uint8_t h = in.u8();
    if (h >= 250) {
        isn_context* bad = h < 252 ? forged_handle<isn_context>(in) : (h & 1) ? nullptr : cx.dead;
        return Handles{{bad, bad}, true};
    }
    return Handles{{cx.one, cx.two}, false};
}

size_t total_spins(const std::vector<System>& systems) {
    size_t t = 0;
    for (const System& s : systems) t += valid_n(s.n) ? static_cast<size_t>(s.n) : 1;
    return t;
}

// The observables of one system view (valid, with spins), on the 1-thread context.
isn_observables observe_one(const isn_system_view& v, const char* call) {
    isn_observables o;
    const isn_status st = isn_observe_batch(contexts().one, &v, 1, &o);
    FUZZ_CHECK(st == ISN_STATUS_OK, call);
    return o;
}

double similarity_of(const isn_system_view* systems, int32_t count, isn_pair p, const char* call) {
    double c = -1.0;
    const isn_status st = isn_coupling_similarity_batch(contexts().one, systems, count, &p, 1, &c);
    FUZZ_CHECK(st == ISN_STATUS_OK, call);
    return c;
}

bool same_bytes(const void* a, const void* b, size_t bytes) { return std::memcmp(a, b, bytes) == 0; }

// ---- the calls -------------------------------------------------------------------------------

void fuzz_anneal(Input& in, const Handles& hs) {
    static const char* call = "isn_anneal_batch";
    const int32_t count = decode_count(in, 16);
    const std::vector<System> systems = decode_systems(in, count, in.between(1, 64));
    const Snapshot snap(systems);
    std::vector<isn_system_view> views = views_of(systems);
    for (isn_system_view& v : views)
        if (in.chance(8)) v.spins = nullptr;  // spins are ignored here
    std::vector<uint64_t> seeds(static_cast<size_t>(count));
    for (uint64_t& s : seeds) s = decode_seed(in);
    const isn_anneal_options options = decode_anneal_options(in);
    int32_t pass_count = count;
    decode_bad_count(in, ISN_MAX_BATCH, pass_count);
    const bool null_systems = in.chance(4), null_seeds = in.chance(4), null_options = in.chance(4);
    const bool null_spins = in.chance(4), null_stats = in.chance(40);
    const size_t total = total_spins(systems);
    Out<int8_t> sa(total, null_spins), sb(total, null_spins);
    Out<isn_anneal_stats> ta(static_cast<size_t>(count), null_stats), tb(static_cast<size_t>(count), null_stats);
    const isn_system_view* sv = null_systems ? nullptr : views.data();
    const uint64_t* sd = null_seeds ? nullptr : seeds.data();
    const isn_anneal_options* op = null_options ? nullptr : &options;
    const auto run = [&](int k, int8_t* spins, isn_anneal_stats* stats) {
        return isn_anneal_batch(hs.ctx[k], sv, pass_count, sd, op, spins, stats);
    };
    if (!run_on_both(call, {hs.bad, false, &snap}, run, both(sa, sb), both(ta, tb))) return;
    check_spins(sa.v.data(), total, call);
    size_t offset = 0;
    for (int32_t k = 0; k < count; ++k) {
        const System& s = systems[static_cast<size_t>(k)];
        if (!null_stats) {
            check_anneal_stats(ta.v[static_cast<size_t>(k)], options, s.n, call);
            // "energy of the final spins": what observing those spins gives.
            isn_system_view v = views[static_cast<size_t>(k)];
            v.spins = sa.v.data() + offset;
            const isn_observables o = observe_one(v, call);
            FUZZ_CHECK(same_bytes(&o.energy, &ta.v[static_cast<size_t>(k)].energy, sizeof(double)), call);
        }
        offset += static_cast<size_t>(s.n);
    }
}

void fuzz_empathy(Input& in, const Handles& hs) {
    static const char* call = "isn_empathy_batch";
    const int32_t system_count = decode_count(in, 8);
    const std::vector<System> systems = decode_systems(in, system_count, in.between(1, 48));
    const Snapshot snap(systems);
    const std::vector<isn_system_view> views = views_of(systems);
    const int32_t pair_count = decode_count(in, 16);
    std::vector<isn_pair> pairs(static_cast<size_t>(pair_count));
    for (isn_pair& p : pairs) {
        p.self_index = decode_index(in, system_count);
        p.other_index = decode_index(in, system_count);
        p.seed = decode_seed(in);
    }
    const isn_empathy_options options = decode_empathy_options(in);
    int32_t pass_systems = system_count, pass_pairs = pair_count;
    decode_bad_count(in, ISN_MAX_BATCH, pass_systems);
    decode_bad_count(in, ISN_MAX_BATCH, pass_pairs);
    const bool null_systems = in.chance(4), null_pairs = in.chance(4), null_options = in.chance(4), null_results = in.chance(4);
    Out<isn_empathy_result> ra(static_cast<size_t>(pair_count), null_results), rb(static_cast<size_t>(pair_count), null_results);
    const isn_system_view* sv = null_systems ? nullptr : views.data();
    const isn_pair* pp = null_pairs ? nullptr : pairs.data();
    const isn_empathy_options* op = null_options ? nullptr : &options;
    const auto run = [&](int k, isn_empathy_result* results) {
        return isn_empathy_batch(hs.ctx[k], sv, pass_systems, pp, pass_pairs, op, results);
    };
    if (!run_on_both(call, {hs.bad, false, &snap}, run, both(ra, rb))) return;
    for (int32_t k = 0; k < pair_count; ++k) {
        const isn_pair& p = pairs[static_cast<size_t>(k)];
        const isn_empathy_result& r = ra.v[static_cast<size_t>(k)];
        check_empathy_result(r, options.anneal, systems[static_cast<size_t>(p.other_index)].n, call);
        const double c = similarity_of(views.data(), system_count, p, call);
        FUZZ_CHECK(same_bytes(&c, &r.coupling_similarity, sizeof c), call);
        const isn_observables o = observe_one(views[static_cast<size_t>(p.other_index)], call);
        FUZZ_CHECK(same_bytes(&o.energy, &r.actual_energy, sizeof(double)), call);
    }
}

void fuzz_social(Input& in, const Handles& hs) {
    static const char* call = "isn_social_attention";
    const int32_t count = decode_count(in, 8);
    const int32_t n = in.between(1, 48);
    // systems[0] is self, systems[1..count] the others.
    const std::vector<System> systems = decode_systems(in, count + 1, n);
    const Snapshot snap(systems);
    const std::vector<isn_system_view> views = views_of(systems);
    const uint64_t seed_base = decode_seed(in);
    const isn_empathy_options options = decode_empathy_options(in);
    int32_t pass_count = count;
    decode_bad_count(in, ISN_MAX_BATCH - 1, pass_count);
    const bool null_self = in.chance(3), null_others = in.chance(3), null_options = in.chance(3);
    const bool null_weights = in.chance(3), null_results = in.chance(60), null_collective = in.chance(3), null_most = in.chance(3);
    const size_t c = static_cast<size_t>(count);
    Out<double> wa(c, null_weights), wb(c, null_weights);
    Out<isn_empathy_result> ra(c, null_results), rb(c, null_results);
    Out<isn_emotion> ea(1, null_collective), eb(1, null_collective);
    Out<int32_t> ma(1, null_most), mb(1, null_most);
    const isn_system_view* self = null_self ? nullptr : &views[0];
    const isn_system_view* others = null_others ? nullptr : views.data() + 1;
    const isn_empathy_options* op = null_options ? nullptr : &options;
    const auto run = [&](int k, double* weights, isn_empathy_result* results, isn_emotion* collective, int32_t* most) {
        return isn_social_attention(hs.ctx[k], self, others, pass_count, seed_base, op, weights, results, collective, most);
    };
    if (!run_on_both(call, {hs.bad, false, &snap}, run, both(wa, wb), both(ra, rb), both(ea, eb), both(ma, mb))) return;
    // The results are empathy_batch's for pairs (self, other k) with seeds seed_base + k.
    std::vector<isn_pair> pairs(c);
    for (int32_t k = 0; k < count; ++k) pairs[static_cast<size_t>(k)] = isn_pair{0, k + 1, seed_base + static_cast<uint64_t>(k)};
    std::vector<isn_empathy_result> expect(c);
    FUZZ_CHECK(isn_empathy_batch(contexts().one, views.data(), count + 1, pairs.data(), count, &options, expect.data()) ==
                   ISN_STATUS_OK, call);
    if (!null_results) FUZZ_CHECK(same_bytes(expect.data(), ra.v.data(), ra.bytes()), call);
    for (const isn_empathy_result& r : expect) check_empathy_result(r, options.anneal, systems[0].n, call);
    check_social(wa.v.data(), count, ea.v[0], ma.v[0], expect.data(), call);
    // The collective emotion: sum over k in order of weights[k] * emotion(others[k]).
    isn_emotion acc{0.0, 0.0, 0.0, 0.0};
    for (int32_t k = 0; k < count; ++k) {
        const isn_emotion e = observe_one(views[static_cast<size_t>(k) + 1], call).emotion;
        const double w = wa.v[static_cast<size_t>(k)];
        acc.valence = acc.valence + w * e.valence;
        acc.arousal = acc.arousal + w * e.arousal;
        acc.tension = acc.tension + w * e.tension;
        acc.coherence = acc.coherence + w * e.coherence;
    }
    FUZZ_CHECK(same_bytes(&acc, &ea.v[0], sizeof acc), call);
}

void fuzz_matrix(Input& in, const Handles& hs) {
    static const char* call = "isn_empathy_matrix";
    const int32_t count = decode_count(in, 6);
    const int32_t n = in.between(1, 32);
    const std::vector<System> systems = decode_systems(in, count, n);
    const Snapshot snap(systems);
    const std::vector<isn_system_view> views = views_of(systems);
    const uint64_t seed_base = decode_seed(in);
    const isn_empathy_options options = decode_empathy_options(in);
    int32_t pass_count = count;
    decode_bad_count(in, ISN_MAX_AGENTS, pass_count);
    const bool null_agents = in.chance(3), null_options = in.chance(3), null_scores = in.chance(3), null_results = in.chance(100);
    const size_t kk = static_cast<size_t>(count) * static_cast<size_t>(count);
    Out<double> sa(kk, null_scores), sb(kk, null_scores);
    Out<isn_empathy_result> ra(kk, null_results), rb(kk, null_results);
    const isn_system_view* av = null_agents ? nullptr : views.data();
    const isn_empathy_options* op = null_options ? nullptr : &options;
    const auto run = [&](int k, double* scores, isn_empathy_result* results) {
        return isn_empathy_matrix(hs.ctx[k], av, pass_count, seed_base, op, scores, results);
    };
    if (!run_on_both(call, {hs.bad, false, &snap}, run, both(sa, sb), both(ra, rb))) return;
    // Entry (a, b) is empathy_batch's for the pair (a, b) with seed seed_base + a*K + b.
    std::vector<isn_pair> pairs(kk);
    for (int32_t x = 0; x < count; ++x)
        for (int32_t y = 0; y < count; ++y)
            pairs[static_cast<size_t>(x * count + y)] =
                isn_pair{x, y, seed_base + static_cast<uint64_t>(x) * static_cast<uint64_t>(count) + static_cast<uint64_t>(y)};
    std::vector<isn_empathy_result> expect(kk);
    FUZZ_CHECK(isn_empathy_batch(contexts().one, views.data(), count, pairs.data(), static_cast<int32_t>(kk), &options,
                                 expect.data()) == ISN_STATUS_OK, call);
    for (size_t e = 0; e < kk; ++e) {
        check_empathy_result(expect[e], options.anneal, systems[0].n, call);
        FUZZ_CHECK(same_bytes(&expect[e].score, &sa.v[e], sizeof(double)), call);
    }
    if (!null_results) FUZZ_CHECK(same_bytes(expect.data(), ra.v.data(), ra.bytes()), call);
}

void fuzz_observe(Input& in, const Handles& hs) {
    static const char* call = "isn_observe_batch";
    const int32_t count = decode_count(in, 16);
    const std::vector<System> systems = decode_systems(in, count, in.between(1, 64));
    const Snapshot snap(systems);
    const std::vector<isn_system_view> views = views_of(systems);
    int32_t pass_count = count;
    decode_bad_count(in, ISN_MAX_BATCH, pass_count);
    const bool null_systems = in.chance(4), null_results = in.chance(4);
    Out<isn_observables> ra(static_cast<size_t>(count), null_results), rb(static_cast<size_t>(count), null_results);
    const isn_system_view* sv = null_systems ? nullptr : views.data();
    const auto run = [&](int k, isn_observables* results) { return isn_observe_batch(hs.ctx[k], sv, pass_count, results); };
    if (!run_on_both(call, {hs.bad, false, &snap}, run, both(ra, rb))) return;
    for (int32_t k = 0; k < count; ++k) {
        const isn_observables& o = ra.v[static_cast<size_t>(k)];
        check_observables(o, call);
        // One system alone observes to the same bits as inside the batch.
        const isn_observables one = observe_one(views[static_cast<size_t>(k)], call);
        FUZZ_CHECK(same_bytes(&one, &o, sizeof o), call);
    }
}

double decode_scale(Input& in) {
    const uint8_t b = in.u8();
    if (b < 160) return 100.0;
    static const double table[] = {1.0, 1e-300, 1e300, 5e-324, 0.5, 1e30, 0.0, -1.0, kNaN, kInf, -0.0, 3.0};
    return table[b % 12];
}

void fuzz_quick(Input& in, const Handles& hs) {
    static const char* call = "isn_quick_estimate_batch";
    const int32_t system_count = decode_count(in, 8);
    const std::vector<System> systems = decode_systems(in, system_count, in.between(1, 64));
    const Snapshot snap(systems);
    const std::vector<isn_system_view> views = views_of(systems);
    const int32_t pair_count = decode_count(in, 16);
    std::vector<isn_pair> pairs(static_cast<size_t>(pair_count));
    for (isn_pair& p : pairs) p = isn_pair{decode_index(in, system_count), decode_index(in, system_count), in.u8()};
    const double scale = decode_scale(in);
    int32_t pass_systems = system_count, pass_pairs = pair_count;
    decode_bad_count(in, ISN_MAX_BATCH, pass_systems);
    decode_bad_count(in, ISN_MAX_BATCH, pass_pairs);
    const bool null_systems = in.chance(4), null_pairs = in.chance(4), null_results = in.chance(4);
    Out<isn_quick_estimate> ra(static_cast<size_t>(pair_count), null_results), rb(static_cast<size_t>(pair_count), null_results);
    const isn_system_view* sv = null_systems ? nullptr : views.data();
    const isn_pair* pp = null_pairs ? nullptr : pairs.data();
    const auto run = [&](int k, isn_quick_estimate* results) {
        return isn_quick_estimate_batch(hs.ctx[k], sv, pass_systems, pp, pass_pairs, scale, results);
    };
    if (!run_on_both(call, {hs.bad, false, &snap}, run, both(ra, rb))) return;
    for (int32_t k = 0; k < pair_count; ++k) {
        const isn_pair& p = pairs[static_cast<size_t>(k)];
        const isn_quick_estimate& q = ra.v[static_cast<size_t>(k)];
        check_quick(q, call);
        const double c = similarity_of(views.data(), system_count, p, call);
        FUZZ_CHECK(same_bytes(&c, &q.coupling_similarity, sizeof c), call);
        const double d = std::fabs(observe_one(views[static_cast<size_t>(p.self_index)], call).energy -
                                   observe_one(views[static_cast<size_t>(p.other_index)], call).energy);
        FUZZ_CHECK(same_bytes(&d, &q.energy_difference, sizeof d), call);
    }
}

// isn_estimate_batch: both methods; Seed must be isn_quick_estimate_batch's
// bytes with options.scale, and either method's similarity the similarity batch's.
void fuzz_estimate(Input& in, const Handles& hs) {
    static const char* call = "isn_estimate_batch";
    const int32_t system_count = decode_count(in, 8);
    const std::vector<System> systems = decode_systems(in, system_count, in.between(1, 64));
    const Snapshot snap(systems);
    const std::vector<isn_system_view> views = views_of(systems);
    const int32_t pair_count = decode_count(in, 16);
    std::vector<isn_pair> pairs(static_cast<size_t>(pair_count));
    for (isn_pair& p : pairs) p = isn_pair{decode_index(in, system_count), decode_index(in, system_count), in.u8()};
    const isn_estimate_options options = decode_estimate_options(in);
    int32_t pass_systems = system_count, pass_pairs = pair_count;
    decode_bad_count(in, ISN_MAX_BATCH, pass_systems);
    decode_bad_count(in, ISN_MAX_BATCH, pass_pairs);
    const bool null_systems = in.chance(4), null_pairs = in.chance(4), null_options = in.chance(4),
               null_results = in.chance(4);
    Out<isn_quick_estimate> ra(static_cast<size_t>(pair_count), null_results), rb(static_cast<size_t>(pair_count), null_results);
    const isn_system_view* sv = null_systems ? nullptr : views.data();
    const isn_pair* pp = null_pairs ? nullptr : pairs.data();
    const isn_estimate_options* op = null_options ? nullptr : &options;
    const auto run = [&](int k, isn_quick_estimate* results) {
        return isn_estimate_batch(hs.ctx[k], sv, pass_systems, pp, pass_pairs, op, results);
    };
    if (!run_on_both(call, {hs.bad, false, &snap}, run, both(ra, rb))) return;
    std::vector<isn_quick_estimate> seed(static_cast<size_t>(pair_count));
    if (options.method == ISN_QUICK_SEED)
        FUZZ_CHECK(isn_quick_estimate_batch(hs.ctx[0], views.data(), system_count, pairs.data(), pair_count, options.scale,
                                            seed.data()) == ISN_STATUS_OK,
                   call);
    for (int32_t k = 0; k < pair_count; ++k) {
        const isn_pair& p = pairs[static_cast<size_t>(k)];
        const isn_quick_estimate& q = ra.v[static_cast<size_t>(k)];
        check_quick(q, call);
        const double c = similarity_of(views.data(), system_count, p, call);
        FUZZ_CHECK(same_bytes(&c, &q.coupling_similarity, sizeof c), call);
        if (options.method == ISN_QUICK_SEED) FUZZ_CHECK(same_bytes(&seed[static_cast<size_t>(k)], &q, sizeof q), call);
    }
}

void fuzz_similarity(Input& in, const Handles& hs) {
    static const char* call = "isn_coupling_similarity_batch";
    const int32_t system_count = decode_count(in, 8);
    const std::vector<System> systems = decode_systems(in, system_count, in.between(1, 64));
    const Snapshot snap(systems);
    const std::vector<isn_system_view> views = views_of(systems);
    const int32_t pair_count = decode_count(in, 16);
    std::vector<isn_pair> pairs(static_cast<size_t>(pair_count));
    for (isn_pair& p : pairs) p = isn_pair{decode_index(in, system_count), decode_index(in, system_count), 0};
    int32_t pass_systems = system_count, pass_pairs = pair_count;
    decode_bad_count(in, ISN_MAX_BATCH, pass_systems);
    decode_bad_count(in, ISN_MAX_BATCH, pass_pairs);
    const bool null_systems = in.chance(4), null_pairs = in.chance(4), null_results = in.chance(4);
    Out<double> ra(static_cast<size_t>(pair_count), null_results), rb(static_cast<size_t>(pair_count), null_results);
    const isn_system_view* sv = null_systems ? nullptr : views.data();
    const isn_pair* pp = null_pairs ? nullptr : pairs.data();
    const auto run = [&](int k, double* results) {
        return isn_coupling_similarity_batch(hs.ctx[k], sv, pass_systems, pp, pass_pairs, results);
    };
    if (!run_on_both(call, {hs.bad, false, &snap}, run, both(ra, rb))) return;
    for (int32_t k = 0; k < pair_count; ++k) {
        const double c = ra.v[static_cast<size_t>(k)];
        FUZZ_CHECK(in01(c), call);
        // A system with itself: exactly 1 (0.5 when the norm is 0; the tiny-norm exception).
        const isn_pair& p = pairs[static_cast<size_t>(k)];
        if (p.self_index == p.other_index) FUZZ_CHECK(self_similarity_ok(systems[static_cast<size_t>(p.self_index)], c), call);
    }
}

void fuzz_sample(Input& in, const Handles& hs) {
    static const char* call = "isn_sample";
    const std::vector<System> systems = decode_systems(in, 1, in.between(1, 64));
    const Snapshot snap(systems);
    const isn_system_view view = systems[0].view();
    const double beta = decode_beta(in, 1.0);
    int32_t samples = in.between(1, 8), thin = in.between(1, 4), burn_in = in.between(0, 4);
    const uint64_t seed = decode_seed(in);
    int32_t acceptance = in.u8() & 1;
    if (in.chance(10)) {
        // Invalid: never a valid huge run (sweeps beyond the trial budget only).
        switch (in.u8() % 6) {
            case 0: samples = 0; break;
            case 1: thin = -1; break;
            case 2: burn_in = -1; break;
            case 3: samples = std::numeric_limits<int32_t>::max(); thin = std::numeric_limits<int32_t>::max(); break;
            case 4: acceptance = 2; break;
            default: samples = std::numeric_limits<int32_t>::min(); break;
        }
    }
    const size_t n = valid_n(view.n) ? static_cast<size_t>(view.n) : 1;
    const size_t rows = samples >= 1 && samples <= 8 ? static_cast<size_t>(samples) : 1;
    const bool null_system = in.chance(3), null_states = in.chance(3), null_energies = in.chance(3), null_stats = in.chance(40);
    Out<int8_t> xa(rows * n, null_states), xb(rows * n, null_states);
    Out<double> ea(rows, null_energies), eb(rows, null_energies);
    Out<isn_sample_stats> ta(1, null_stats), tb(1, null_stats);
    const isn_system_view* sv = null_system ? nullptr : &view;
    const auto run = [&](int k, int8_t* states, double* energies, isn_sample_stats* stats) {
        return isn_sample(hs.ctx[k], sv, beta, samples, thin, burn_in, seed, acceptance, states, energies, stats);
    };
    if (!run_on_both(call, {hs.bad, false, &snap}, run, both(xa, xb), both(ea, eb), both(ta, tb))) return;
    check_spins(xa.v.data(), rows * n, call);
    for (size_t r = 0; r < rows; ++r) {
        isn_system_view v = view;
        v.spins = xa.v.data() + r * n;
        const double e = observe_one(v, call).energy;
        FUZZ_CHECK(same_bytes(&e, &ea.v[r], sizeof e), call);
    }
    if (!null_stats) {
        const isn_sample_stats& s = ta.v[0];
        FUZZ_CHECK(s.trials == static_cast<int64_t>(n) * (burn_in + static_cast<int64_t>(samples) * thin), call);
        FUZZ_CHECK(s.accepted >= 0 && s.accepted <= s.trials, call);
        FUZZ_CHECK(in01(s.acceptance), call);
        FUZZ_CHECK(s.acceptance == static_cast<double>(s.accepted) / static_cast<double>(s.trials), call);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Input in(data, size);
    const uint8_t op = in.u8();
    const Handles hs = decode_handles(in);
    switch (op % 8) {
        case 0: fuzz_anneal(in, hs); break;
        case 1: fuzz_empathy(in, hs); break;
        case 2: fuzz_social(in, hs); break;
        case 3: fuzz_matrix(in, hs); break;
        case 4: fuzz_observe(in, hs); break;
        case 5:  // the two quick-estimate calls share the op (the high bit picks)
            if (op >= 128) fuzz_estimate(in, hs);
            else fuzz_quick(in, hs);
            break;
        case 6: fuzz_similarity(in, hs); break;
        default: fuzz_sample(in, hs); break;
    }
    return 0;
}
