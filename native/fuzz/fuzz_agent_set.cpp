// libFuzzer harness: agent sets (isn_agent_set_create / update /
// update_spins / get_info / destroy and every isn_set_* call). The input
// decodes K member systems, creates the same set on a 1-thread and a 2-thread
// CPU context, then runs up to 12 operations on both. Besides the checks of
// fuzz_common.h (status, message, sentinel outputs untouched on failure, the
// two contexts bit-identical, documented ranges) the harness keeps a shadow
// copy of the members (what was created, then every update that succeeded)
// and checks the header's promise that a set call is bit-identical to the
// borrowed-view call on the same systems (isn_set_empathy to
// isn_empathy_batch, ...): a failed update that changed the set anyway, or a
// stale per-member constant, shows up as a difference.
#include "fuzz_common.h"

using namespace fuzz;

namespace {

// A set handle that was created and destroyed: INVALID_HANDLE forever.
isn_agent_set* dead_set() {
    static isn_agent_set* dead = [] {
        Contexts& cx = contexts();
        const double J = 0.0, h = 0.0;
        const isn_system_view v{1, 0, &J, &h, nullptr};
        isn_agent_set* s = nullptr;
        if (isn_agent_set_create(cx.one, &v, 1, &s) != ISN_STATUS_OK || isn_agent_set_destroy(s) != ISN_STATUS_OK) {
            std::fprintf(stderr, "fuzz: cannot create the dead set: %s\n", isn_last_error_message());
            std::abort();
        }
        return s;
    }();
    return dead;
}

bool same_bytes(const void* a, const void* b, size_t bytes) { return bytes == 0 || std::memcmp(a, b, bytes) == 0; }

struct Sets {
    isn_context* ca;
    isn_context* cb;
    isn_agent_set* sa;
    isn_agent_set* sb;
    bool bad;  // a bad handle (null, dead, or a set with another context's handle)
    // Side 0 (the 1-thread call) or 1 (the 2-thread call) of run_on_both.
    isn_context* ctx(int side) const { return side == 0 ? ca : cb; }
    isn_agent_set* set(int side) const { return side == 0 ? sa : sb; }
    Expect expect(bool may_cancel = false) const { return Expect{bad, may_cancel, nullptr}; }
};

class Harness {
public:
    Harness(Input& in, isn_agent_set* a, isn_agent_set* b, std::vector<System> members)
        : in_(in), set_a_(a), set_b_(b), members_(std::move(members)) {}

    void run_ops() {
        for (int i = 0; i < 12 && !in_.empty(); ++i) {
            switch (in_.u8() % 12) {
                case 0: update(); break;
                case 1: update_spins(); break;
                case 2: info(); break;
                case 3: anneal(); break;
                case 4: observe(); break;
                case 5: empathy(); break;
                case 6: social(); break;
                case 7: matrix(); break;
                case 8: edges(); break;
                case 9: quick(); break;
                case 10: similarity(); break;
                default: estimate(); break;
            }
        }
    }

private:
    Input& in_;
    isn_agent_set* set_a_;
    isn_agent_set* set_b_;
    std::vector<System> members_;  // the shadow: what each member holds now

    int32_t K() const { return static_cast<int32_t>(members_.size()); }
    std::vector<isn_system_view> views() const { return views_of(members_); }
    isn_system_view view(int32_t k) const { return members_[static_cast<size_t>(k)].view(); }
    bool member_ok(int32_t k) const { return k >= 0 && k < K(); }

    // Mostly the sets with their contexts; rarely a bad handle.
    Sets sets() {
        Contexts& cx = contexts();
        const uint8_t h = in_.u8();
        if (h >= 250) {
            switch (h % 5) {
                case 0: return Sets{cx.two, cx.one, set_a_, set_b_, true};  // each set with the other's context
                case 1: return Sets{cx.one, cx.two, nullptr, nullptr, true};
                case 2: return Sets{cx.dead, cx.dead, set_a_, set_b_, true};  // a live set, a dead context
                case 3: {
                    isn_agent_set* forged = forged_handle<isn_agent_set>(in_);
                    return Sets{cx.one, cx.two, forged, forged, true};
                }
                default: return Sets{cx.one, cx.two, dead_set(), dead_set(), true};
            }
        }
        return Sets{cx.one, cx.two, set_a_, set_b_, false};
    }
    // For the calls on a set alone.
    Sets own_sets() {
        const uint8_t h = in_.u8();
        if (h >= 250) {
            isn_agent_set* bad = h < 252 ? forged_handle<isn_agent_set>(in_) : (h & 1) ? nullptr : dead_set();
            return Sets{nullptr, nullptr, bad, bad, true};
        }
        return Sets{nullptr, nullptr, set_a_, set_b_, false};
    }

    std::vector<int32_t> decode_members(int32_t count, bool& all_ok) {
        std::vector<int32_t> m(static_cast<size_t>(count));
        all_ok = true;
        for (int32_t& x : m) {
            x = decode_index(in_, K());
            all_ok &= member_ok(x);
        }
        return m;
    }
    std::vector<isn_pair> decode_pairs(int32_t count, bool& all_ok) {
        std::vector<isn_pair> p(static_cast<size_t>(count));
        all_ok = true;
        for (isn_pair& x : p) {
            x = isn_pair{decode_index(in_, K()), decode_index(in_, K()), decode_seed(in_)};
            all_ok &= member_ok(x.self_index) && member_ok(x.other_index);
        }
        return p;
    }

    void update() {
        static const char* call = "isn_agent_set_update";
        const Sets s = own_sets();
        const int32_t index = decode_index(in_, K());
        const int32_t want = member_ok(index) && !in_.chance(60) ? members_[static_cast<size_t>(index)].n : in_.between(1, 32);
        System sys = decode_system(in_, want);
        const isn_system_view v = sys.view();
        const bool null_system = in_.chance(4);
        const auto run = [&](int k) { return isn_agent_set_update(s.set(k), index, null_system ? nullptr : &v); };
        if (run_on_both(call, s.expect(), run)) members_[static_cast<size_t>(index)] = std::move(sys);
    }

    void update_spins() {
        static const char* call = "isn_agent_set_update_spins";
        const Sets s = own_sets();
        const int32_t index = decode_index(in_, K());
        const size_t n = member_ok(index) && valid_n(members_[static_cast<size_t>(index)].n)
                             ? static_cast<size_t>(members_[static_cast<size_t>(index)].n) : 1;
        std::vector<int8_t> spins(n);
        for (size_t i = 0; i < n; ++i) spins[i] = (in_.u8() & 1) ? 1 : -1;
        if (in_.chance(10)) spins[in_.u8() % n] = 0;
        const bool null_spins = in_.chance(4);
        const auto run = [&](int k) { return isn_agent_set_update_spins(s.set(k), index, null_spins ? nullptr : spins.data()); };
        if (run_on_both(call, s.expect(), run)) {
            System& m = members_[static_cast<size_t>(index)];
            m.s = spins;
            m.null_spins = false;
        }
    }

    void info() {
        static const char* call = "isn_agent_set_get_info";
        const Sets s = own_sets();
        const bool null_out = in_.chance(8);
        Out<isn_agent_set_info> ia(1, null_out), ib(1, null_out);
        const auto run = [&](int k, isn_agent_set_info* out) { return isn_agent_set_get_info(s.set(k), out); };
        if (!run_on_both(call, s.expect(), run, both(ia, ib))) return;
        int32_t max_n = 0;
        for (const System& m : members_) max_n = m.n > max_n ? m.n : max_n;
        const isn_agent_set_info& i = ia.v[0];
        FUZZ_CHECK(i.count == K() && i.max_n == max_n, call);
        FUZZ_CHECK(i.host_bytes > 0 && i.device_bytes == 0, call);
    }

    void anneal() {
        static const char* call = "isn_set_anneal";
        const Sets s = sets();
        const int32_t count = decode_count(in_, 12);
        bool all_ok;
        const std::vector<int32_t> mem = decode_members(count, all_ok);
        std::vector<uint64_t> seeds(static_cast<size_t>(count));
        for (uint64_t& x : seeds) x = decode_seed(in_);
        const isn_anneal_options options = decode_anneal_options(in_);
        int32_t pass_count = count;
        const bool bad_count = decode_bad_count(in_, ISN_MAX_BATCH, pass_count);
        const bool null_members = in_.chance(3), null_seeds = in_.chance(3), null_options = in_.chance(3), null_spins = in_.chance(3);
        const bool null_stats = in_.chance(40);
        Control control;
        control.decode(in_);
        size_t total = 0;
        for (int32_t x : mem) total += member_ok(x) ? static_cast<size_t>(members_[static_cast<size_t>(x)].n) : 1;
        const size_t c = static_cast<size_t>(count);
        Out<int8_t> xa(total, null_spins), xb(total, null_spins);
        Out<isn_anneal_stats> ta(c, null_stats), tb(c, null_stats);
        const int32_t* mp = null_members ? nullptr : mem.data();
        const uint64_t* sp = null_seeds ? nullptr : seeds.data();
        const isn_anneal_options* op = null_options ? nullptr : &options;
        const auto run = [&](int k, int8_t* spins, isn_anneal_stats* stats) {
            return isn_set_anneal(s.ctx(k), s.set(k), mp, pass_count, sp, op, spins, stats, control.ptr(k));
        };
        if (!run_on_both(call, s.expect(control.cancelled), run, both(xa, xb), both(ta, tb))) return;
        control.check_ok(count, call);
        check_spins(xa.v.data(), total, call);
        if (!null_stats)
            for (int32_t k = 0; k < count; ++k) check_anneal_stats(ta.v[static_cast<size_t>(k)], options, view(mem[static_cast<size_t>(k)]).n, call);
        // As isn_anneal_batch on the members' systems.
        (void)bad_count;
        std::vector<isn_system_view> v(c);
        for (size_t k = 0; k < c; ++k) v[k] = view(mem[k]);
        Out<int8_t> xe(total);
        Out<isn_anneal_stats> te(c);
        FUZZ_CHECK(isn_anneal_batch(contexts().one, v.data(), count, seeds.data(), &options, xe.ptr(), te.ptr()) == ISN_STATUS_OK, call);
        FUZZ_CHECK(xe.same_as(xa), call);
        if (!null_stats) FUZZ_CHECK(te.same_as(ta), call);
    }

    void observe() {
        static const char* call = "isn_set_observe";
        const Sets s = sets();
        const bool every = in_.chance(60);
        int32_t count = every ? K() : decode_count(in_, 12);
        bool all_ok = true;
        std::vector<int32_t> mem;
        if (!every) mem = decode_members(count, all_ok);
        if (every && in_.chance(10)) count = K() + 1;  // must be the set's size when members is null
        const bool null_results = in_.chance(4);
        const size_t rows = static_cast<size_t>(every ? K() + 1 : count);
        Out<isn_observables> ra(rows, null_results), rb(rows, null_results);
        const int32_t* mp = every ? nullptr : mem.data();
        const auto run = [&](int k, isn_observables* results) { return isn_set_observe(s.ctx(k), s.set(k), mp, count, results); };
        if (!run_on_both(call, s.expect(), run, both(ra, rb))) return;
        // As isn_observe_batch on the members' systems; the row past count untouched.
        std::vector<isn_system_view> v(static_cast<size_t>(count));
        for (int32_t k = 0; k < count; ++k) v[static_cast<size_t>(k)] = view(every ? k : mem[static_cast<size_t>(k)]);
        std::vector<isn_observables> expect(static_cast<size_t>(count));
        FUZZ_CHECK(isn_observe_batch(contexts().one, v.data(), count, expect.data()) == ISN_STATUS_OK, call);
        FUZZ_CHECK(same_bytes(expect.data(), ra.v.data(), expect.size() * sizeof(isn_observables)), call);
        for (const isn_observables& o : expect) check_observables(o, call);
        if (rows > static_cast<size_t>(count)) {
            const uint8_t* tail = reinterpret_cast<const uint8_t*>(ra.v.data() + count);
            for (size_t i = 0; i < (rows - static_cast<size_t>(count)) * sizeof(isn_observables); ++i) FUZZ_CHECK(tail[i] == kSentinel, call);
        }
    }

    void empathy() {
        static const char* call = "isn_set_empathy";
        const Sets s = sets();
        const int32_t count = decode_count(in_, 12);
        bool all_ok;
        const std::vector<isn_pair> pairs = decode_pairs(count, all_ok);
        const isn_empathy_options options = decode_empathy_options(in_);
        int32_t pass_count = count;
        const bool bad_count = decode_bad_count(in_, ISN_MAX_BATCH, pass_count);
        const bool null_pairs = in_.chance(3), null_options = in_.chance(3), null_results = in_.chance(3);
        Control control;
        control.decode(in_);
        const size_t c = static_cast<size_t>(count);
        Out<isn_empathy_result> ra(c, null_results), rb(c, null_results);
        const isn_pair* pp = null_pairs ? nullptr : pairs.data();
        const isn_empathy_options* op = null_options ? nullptr : &options;
        const auto run = [&](int k, isn_empathy_result* results) {
            return isn_set_empathy(s.ctx(k), s.set(k), pp, pass_count, op, results, control.ptr(k));
        };
        const bool ok = run_on_both(call, s.expect(control.cancelled), run, both(ra, rb));
        // The borrowed-view call on the shadow, when the arguments translate: same verdict.
        Out<isn_empathy_result> re(c);
        const std::vector<isn_system_view> v = views();
        const bool translates = !s.bad && !bad_count && !null_pairs && !null_options && !null_results && !control.cancelled;
        if (translates) {
            const isn_status e = isn_empathy_batch(contexts().one, v.data(), K(), pairs.data(), count, &options, re.ptr());
            FUZZ_CHECK((e == ISN_STATUS_OK) == ok, call);
        }
        if (!ok) return;
        control.check_ok(count, call);
        FUZZ_CHECK(re.same_as(ra), call);
        for (size_t k = 0; k < c; ++k) check_empathy_result(ra.v[k], options.anneal, view(pairs[k].other_index).n, call);
    }

    void social() {
        static const char* call = "isn_set_social_attention";
        const Sets s = sets();
        const int32_t self = decode_index(in_, K());
        const int32_t count = decode_count(in_, 8);
        bool all_ok;
        const std::vector<int32_t> others = decode_members(count, all_ok);
        const uint64_t seed_base = decode_seed(in_);
        const isn_empathy_options options = decode_empathy_options(in_);
        int32_t pass_count = count;
        const bool bad_count = decode_bad_count(in_, ISN_MAX_BATCH - 1, pass_count);
        const bool null_others = in_.chance(3), null_options = in_.chance(3), null_weights = in_.chance(3);
        const bool null_results = in_.chance(60), null_collective = in_.chance(3), null_most = in_.chance(3);
        const size_t c = static_cast<size_t>(count);
        Out<double> wa(c, null_weights), wb(c, null_weights), we(c, null_weights);
        Out<isn_empathy_result> ra(c, null_results), rb(c, null_results), re(c, null_results);
        Out<isn_emotion> ea(1, null_collective), eb(1, null_collective), ee(1, null_collective);
        Out<int32_t> ma(1, null_most), mb(1, null_most), me(1, null_most);
        const int32_t* op_others = null_others ? nullptr : others.data();
        const isn_empathy_options* op = null_options ? nullptr : &options;
        const auto run = [&](int k, double* weights, isn_empathy_result* results, isn_emotion* collective, int32_t* most) {
            return isn_set_social_attention(s.ctx(k), s.set(k), self, op_others, pass_count, seed_base, op, weights, results,
                                            collective, most);
        };
        const bool ok = run_on_both(call, s.expect(), run, both(wa, wb), both(ra, rb), both(ea, eb), both(ma, mb));
        const bool translates = !s.bad && !bad_count && !null_others && member_ok(self) && all_ok;
        if (translates) {
            // isn_social_attention on the shadow, with the same (possibly null) outputs.
            const isn_system_view sv = view(self);
            std::vector<isn_system_view> ov(c);
            for (size_t k = 0; k < c; ++k) ov[k] = view(others[k]);
            const isn_status e = isn_social_attention(contexts().one, &sv, ov.data(), count, seed_base, op, we.ptr(), re.ptr(),
                                                      ee.ptr(), me.ptr());
            FUZZ_CHECK((e == ISN_STATUS_OK) == ok, call);
        }
        if (!ok) return;
        FUZZ_CHECK(wa.same_as(we) && ra.same_as(re) && ea.same_as(ee) && ma.same_as(me), call);
        check_social(wa.v.data(), count, ea.v[0], ma.v[0], null_results ? nullptr : ra.v.data(), call);
        if (!null_results)
            for (size_t k = 0; k < c; ++k) check_empathy_result(ra.v[k], options.anneal, view(self).n, call);
    }

    void matrix() {
        static const char* call = "isn_set_empathy_matrix";
        const Sets s = sets();
        const uint64_t seed_base = decode_seed(in_);
        const isn_empathy_options options = decode_empathy_options(in_);
        const bool null_options = in_.chance(3), null_scores = in_.chance(3), null_results = in_.chance(100);
        Control control;
        control.decode(in_);
        const size_t kk = static_cast<size_t>(K()) * static_cast<size_t>(K());
        Out<double> sa(kk, null_scores), sb(kk, null_scores), se(kk, null_scores);
        Out<isn_empathy_result> ra(kk, null_results), rb(kk, null_results), re(kk, null_results);
        const isn_empathy_options* op = null_options ? nullptr : &options;
        const auto run = [&](int k, double* scores, isn_empathy_result* results) {
            return isn_set_empathy_matrix(s.ctx(k), s.set(k), seed_base, op, scores, results, control.ptr(k));
        };
        const bool ok = run_on_both(call, s.expect(control.cancelled), run, both(sa, sb), both(ra, rb));
        if (!s.bad && !control.cancelled) {
            const std::vector<isn_system_view> v = views();
            const isn_status e = isn_empathy_matrix(contexts().one, v.data(), K(), seed_base, op, se.ptr(), re.ptr());
            FUZZ_CHECK((e == ISN_STATUS_OK) == ok, call);
        }
        if (!ok) return;
        control.check_ok(static_cast<int64_t>(kk), call);
        FUZZ_CHECK(sa.same_as(se) && ra.same_as(re), call);
        for (size_t e = 0; e < kk; ++e) FUZZ_CHECK(in01(sa.v[e]), call);
        if (!null_results)
            for (size_t e = 0; e < kk; ++e) check_empathy_result(ra.v[e], options.anneal, view(0).n, call);
    }

    void edges() {
        static const char* call = "isn_set_empathy_edges";
        const Sets s = sets();
        const int32_t count = decode_count(in_, 12);
        std::vector<isn_edge> e(static_cast<size_t>(count));
        bool all_ok = true;
        for (isn_edge& x : e) {
            x = isn_edge{decode_index(in_, K()), decode_index(in_, K())};
            all_ok &= member_ok(x.self_index) && member_ok(x.other_index);
        }
        const uint64_t seed_base = decode_seed(in_);
        const isn_empathy_options options = decode_empathy_options(in_);
        int32_t pass_count = count;
        const bool bad_count = decode_bad_count(in_, ISN_MAX_BATCH, pass_count);
        const uint8_t outs = in_.u8();  // which of scores / results are passed (neither: invalid)
        const bool null_scores = (outs % 4) == 1 || (outs % 4) == 3, null_results = (outs % 4) >= 2;
        const bool null_edges = in_.chance(3), null_options = in_.chance(3);
        Control control;
        control.decode(in_);
        const size_t c = static_cast<size_t>(count);
        Out<double> sa(c, null_scores), sb(c, null_scores);
        Out<isn_empathy_result> ra(c, null_results), rb(c, null_results);
        const isn_edge* ep = null_edges ? nullptr : e.data();
        const isn_empathy_options* op = null_options ? nullptr : &options;
        const auto run = [&](int k, double* scores, isn_empathy_result* results) {
            return isn_set_empathy_edges(s.ctx(k), s.set(k), ep, pass_count, seed_base, op, scores, results, control.ptr(k));
        };
        const bool ok = run_on_both(call, s.expect(control.cancelled), run, both(sa, sb), both(ra, rb));
        // Edge (a, b) is the matrix entry: isn_empathy_batch's pair (a, b) with seed seed_base + a*K + b.
        std::vector<isn_pair> pairs(c);
        for (size_t k = 0; k < c; ++k)
            pairs[k] = isn_pair{e[k].self_index, e[k].other_index,
                                seed_base + static_cast<uint64_t>(static_cast<uint32_t>(e[k].self_index)) * static_cast<uint64_t>(K()) +
                                    static_cast<uint64_t>(static_cast<uint32_t>(e[k].other_index))};
        std::vector<isn_empathy_result> expect(c);
        const std::vector<isn_system_view> v = views();
        const bool translates = !s.bad && !bad_count && !null_edges && !null_options && !(null_scores && null_results) &&
                                !control.cancelled && all_ok;
        isn_status es = ISN_STATUS_INVALID_ARGUMENT;
        if (translates) {
            es = isn_empathy_batch(contexts().one, v.data(), K(), pairs.data(), count, &options, expect.data());
            FUZZ_CHECK((es == ISN_STATUS_OK) == ok, call);
        }
        if (!ok) return;
        control.check_ok(count, call);
        FUZZ_CHECK(es == ISN_STATUS_OK, call);
        for (size_t k = 0; k < c; ++k) {
            check_empathy_result(expect[k], options.anneal, view(e[k].other_index).n, call);
            if (!null_scores) FUZZ_CHECK(same_bytes(&expect[k].score, &sa.v[k], sizeof(double)), call);
            if (!null_results) FUZZ_CHECK(same_bytes(&expect[k], &ra.v[k], sizeof(isn_empathy_result)), call);
        }
    }

    void quick() {
        static const char* call = "isn_set_quick_estimate";
        const Sets s = sets();
        const int32_t count = decode_count(in_, 12);
        bool all_ok;
        const std::vector<isn_pair> pairs = decode_pairs(count, all_ok);
        double scale = 100.0;
        if (in_.chance(60)) {
            static const double table[] = {1.0, 1e-300, 1e300, 5e-324, 0.0, -1.0, kNaN, kInf};
            scale = table[in_.u8() % 8];
        }
        int32_t pass_count = count;
        const bool bad_count = decode_bad_count(in_, ISN_MAX_BATCH, pass_count);
        const bool null_pairs = in_.chance(3), null_results = in_.chance(3);
        const size_t c = static_cast<size_t>(count);
        Out<isn_quick_estimate> ra(c, null_results), rb(c, null_results), re(c, null_results);
        const isn_pair* pp = null_pairs ? nullptr : pairs.data();
        const auto run = [&](int k, isn_quick_estimate* results) {
            return isn_set_quick_estimate(s.ctx(k), s.set(k), pp, pass_count, scale, results);
        };
        const bool ok = run_on_both(call, s.expect(), run, both(ra, rb));
        if (!s.bad && !bad_count) {
            const std::vector<isn_system_view> v = views();
            const isn_status e = isn_quick_estimate_batch(contexts().one, v.data(), K(), pp, count, scale, re.ptr());
            FUZZ_CHECK((e == ISN_STATUS_OK) == ok, call);
        }
        if (!ok) return;
        FUZZ_CHECK(ra.same_as(re), call);
        for (const isn_quick_estimate& q : ra.v) check_quick(q, call);
    }

    // isn_set_estimate: both methods, the same bytes as isn_estimate_batch on the members' views.
    void estimate() {
        static const char* call = "isn_set_estimate";
        const Sets s = sets();
        const int32_t count = decode_count(in_, 12);
        bool all_ok;
        const std::vector<isn_pair> pairs = decode_pairs(count, all_ok);
        const isn_estimate_options options = decode_estimate_options(in_);
        int32_t pass_count = count;
        const bool bad_count = decode_bad_count(in_, ISN_MAX_BATCH, pass_count);
        const bool null_pairs = in_.chance(3), null_options = in_.chance(3), null_results = in_.chance(3);
        const size_t c = static_cast<size_t>(count);
        Out<isn_quick_estimate> ra(c, null_results), rb(c, null_results), re(c, null_results);
        const isn_pair* pp = null_pairs ? nullptr : pairs.data();
        const isn_estimate_options* op = null_options ? nullptr : &options;
        const auto run = [&](int k, isn_quick_estimate* results) {
            return isn_set_estimate(s.ctx(k), s.set(k), pp, pass_count, op, results);
        };
        const bool ok = run_on_both(call, s.expect(), run, both(ra, rb));
        if (!s.bad && !bad_count) {
            const std::vector<isn_system_view> v = views();
            const isn_status e = isn_estimate_batch(contexts().one, v.data(), K(), pp, count, op, re.ptr());
            FUZZ_CHECK((e == ISN_STATUS_OK) == ok, call);
        }
        if (!ok) return;
        FUZZ_CHECK(ra.same_as(re), call);
        for (const isn_quick_estimate& q : ra.v) check_quick(q, call);
    }

    void similarity() {
        static const char* call = "isn_set_coupling_similarity";
        const Sets s = sets();
        const int32_t count = decode_count(in_, 12);
        bool all_ok;
        const std::vector<isn_pair> pairs = decode_pairs(count, all_ok);
        int32_t pass_count = count;
        const bool bad_count = decode_bad_count(in_, ISN_MAX_BATCH, pass_count);
        const bool null_pairs = in_.chance(3), null_results = in_.chance(3);
        const size_t c = static_cast<size_t>(count);
        Out<double> ra(c, null_results), rb(c, null_results), re(c, null_results);
        const isn_pair* pp = null_pairs ? nullptr : pairs.data();
        const auto run = [&](int k, double* results) { return isn_set_coupling_similarity(s.ctx(k), s.set(k), pp, pass_count, results); };
        const bool ok = run_on_both(call, s.expect(), run, both(ra, rb));
        if (!s.bad && !bad_count) {
            const std::vector<isn_system_view> v = views();
            const isn_status e = isn_coupling_similarity_batch(contexts().one, v.data(), K(), pp, count, re.ptr());
            FUZZ_CHECK((e == ISN_STATUS_OK) == ok, call);
        }
        if (!ok) return;
        FUZZ_CHECK(ra.same_as(re), call);
        for (size_t k = 0; k < c; ++k) {
            FUZZ_CHECK(in01(ra.v[k]), call);
            if (pairs[k].self_index == pairs[k].other_index)
                FUZZ_CHECK(self_similarity_ok(members_[static_cast<size_t>(pairs[k].self_index)], ra.v[k]), call);
        }
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const char* call = "isn_agent_set_create";
    Input in(data, size);
    Contexts& cx = contexts();
    (void)dead_set();
    const int32_t count = decode_count(in, 6);
    std::vector<System> systems = decode_systems(in, count, in.between(1, 32));
    const std::vector<isn_system_view> views = views_of(systems);
    int32_t pass_count = count;
    decode_bad_count(in, ISN_MAX_AGENTS, pass_count);
    const uint8_t h = in.u8();
    const bool bad = h >= 252;
    isn_context* ca = bad ? ((h & 1) ? nullptr : cx.dead) : cx.one;
    isn_context* cb = bad ? ca : cx.two;
    const bool null_systems = in.chance(3), null_out = in.chance(3);
    Out<isn_agent_set*> sa(1, null_out), sb(1, null_out);
    const isn_system_view* sv = null_systems ? nullptr : views.data();
    const Outcome a = outcome(isn_agent_set_create(ca, sv, pass_count, sa.ptr()));
    const Outcome b = outcome(isn_agent_set_create(cb, sv, pass_count, sb.ptr()));
    check_outcome(a, call, bad);
    check_same(a, b, call);
    if (a.status != ISN_STATUS_OK) {
        FUZZ_CHECK(sa.untouched() && sb.untouched(), call);
        return 0;
    }
    isn_agent_set* set_a = sa.v[0];
    isn_agent_set* set_b = sb.v[0];
    FUZZ_CHECK(set_a != nullptr && set_b != nullptr && set_a != set_b, call);
    // The members are copies: the caller's arrays may change right after create.
    Harness harness(in, set_a, set_b, systems);
    for (System& s : systems) std::fill(s.J.begin(), s.J.end(), kNaN);
    harness.run_ops();

    FUZZ_CHECK(isn_agent_set_destroy(set_a) == ISN_STATUS_OK, "isn_agent_set_destroy");
    FUZZ_CHECK(isn_agent_set_destroy(set_b) == ISN_STATUS_OK, "isn_agent_set_destroy");
    // A destroyed set is a dead handle: a second destroy and every call fail, naming it.
    FUZZ_CHECK(isn_agent_set_destroy(set_a) == ISN_STATUS_INVALID_HANDLE, "isn_agent_set_destroy");
    isn_agent_set_info info;
    FUZZ_CHECK(isn_agent_set_get_info(set_b, &info) == ISN_STATUS_INVALID_HANDLE, "isn_agent_set_get_info");
    return 0;
}
