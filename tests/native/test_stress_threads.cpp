// Threads against one library (issue 12 item 6): many threads calling one
// context (borrowed-view calls and agent-set calls, a member updater
// alongside), every result bit for bit the serial run's; destroys of the
// context and of the set racing calls in flight (each call answers OK with
// the serial result or ISN_STATUS_INVALID_HANDLE having written nothing, and
// names the dead handle in its own thread's message); create/destroy churn on
// many threads (handle values never repeat, stale ones stay dead).
// A binary of its own, outside the valgrind run (valgrind serialises threads);
// CTest label "threads": tools/sanitize/run.sh tsan runs it under
// ThreadSanitizer, with the other multi-threaded tests. Sizes are small so
// that run takes seconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "test_helpers.h"

using namespace isn_test;

namespace {

constexpr int32_t kMembers = 8;  // the set's size K: its matrix is 64 jobs, enough to wake the pool
constexpr int32_t kN = 12;

using Bytes = std::vector<unsigned char>;

// Outputs start as this pattern; a failed call must leave it.
template <class T>
std::vector<T> sentinel(size_t count) {
    std::vector<T> v(count);
    std::memset(static_cast<void*>(v.data()), 0xA5, count * sizeof(T));
    return v;
}

// Each output's bytes, in the order given.
template <class... T>
void append(Bytes& out, const std::vector<T>&... v) {
    const auto one = [&out](const auto& x) {
        const auto* p = reinterpret_cast<const unsigned char*>(x.data());
        out.insert(out.end(), p, p + x.size() * sizeof(x[0]));
    };
    (one(v), ...);
}

// The inputs every call reads (shared, never written).
struct World {
    std::vector<HostSystem> systems;
    std::vector<isn_system_view> views;
    std::vector<isn_pair> pairs;
    std::vector<isn_edge> edges;
    std::vector<uint64_t> seeds;
    std::vector<int32_t> anneal_members, others;
    isn_empathy_options eo{};
    int32_t K() const { return static_cast<int32_t>(views.size()); }
};

World make_world() {
    World w;
    for (int32_t k = 0; k < kMembers; ++k)
        w.systems.push_back(k % 2 ? spin_glass(kN, 700 + k) : seed_pattern(kN, 700 + k));
    for (const auto& s : w.systems) w.views.push_back(s.view());
    for (int32_t k = 0; k < 2 * kMembers; ++k) {
        const int32_t a = k % kMembers, b = (3 * k + 1) % kMembers;
        w.pairs.push_back(isn_pair{a, b, 0x51ED27ull * (k + 1)});
        w.edges.push_back(isn_edge{b, a});
    }
    for (int32_t k = 0; k < 8 * kMembers; ++k) {  // 64 anneals: enough trials for the pool
        w.anneal_members.push_back((5 * k) % kMembers);
        w.seeds.push_back(0x9E3779B97F4A7C15ull * (k + 1));
    }
    for (int32_t k = 1; k < kMembers; ++k) w.others.push_back(k);
    w.eo = default_empathy();
    w.eo.anneal.steps = 8;
    w.eo.anneal.trials_per_step = 16;
    return w;
}

// One API call writing into fresh sentinel-filled outputs, appended to `out`
// in a fixed order (compared byte for byte: every output bit counts).
struct Op {
    const char* name;
    bool uses_set;
    std::function<isn_status(const World&, isn_context*, isn_agent_set*, Bytes&)> run;
};

std::vector<Op> make_ops() {
    std::vector<Op> ops;
    ops.push_back({"isn_empathy_batch", false, [](const World& w, isn_context* c, isn_agent_set*, Bytes& out) {
                       auto r = sentinel<isn_empathy_result>(w.pairs.size());
                       const isn_status st = isn_empathy_batch(c, w.views.data(), w.K(), w.pairs.data(),
                                                               static_cast<int32_t>(w.pairs.size()), &w.eo, r.data());
                       append(out, r);
                       return st;
                   }});
    ops.push_back({"isn_anneal_batch", false, [](const World& w, isn_context* c, isn_agent_set*, Bytes& out) {
                       auto spins = sentinel<int8_t>(static_cast<size_t>(w.K()) * kN);
                       auto stats = sentinel<isn_anneal_stats>(static_cast<size_t>(w.K()));
                       const isn_status st = isn_anneal_batch(c, w.views.data(), w.K(), w.seeds.data(), &w.eo.anneal,
                                                              spins.data(), stats.data());
                       append(out, spins, stats);
                       return st;
                   }});
    ops.push_back({"isn_observe_batch", false, [](const World& w, isn_context* c, isn_agent_set*, Bytes& out) {
                       auto r = sentinel<isn_observables>(static_cast<size_t>(w.K()));
                       const isn_status st = isn_observe_batch(c, w.views.data(), w.K(), r.data());
                       append(out, r);
                       return st;
                   }});
    ops.push_back({"isn_empathy_matrix", false, [](const World& w, isn_context* c, isn_agent_set*, Bytes& out) {
                       auto scores = sentinel<double>(static_cast<size_t>(w.K()) * w.K());
                       const isn_status st = isn_empathy_matrix(c, w.views.data(), w.K(), 11, &w.eo, scores.data(), nullptr);
                       append(out, scores);
                       return st;
                   }});
    ops.push_back({"isn_social_attention", false, [](const World& w, isn_context* c, isn_agent_set*, Bytes& out) {
                       const int32_t count = w.K() - 1;
                       auto weights = sentinel<double>(static_cast<size_t>(count));
                       auto results = sentinel<isn_empathy_result>(static_cast<size_t>(count));
                       auto collective = sentinel<isn_emotion>(1);
                       auto most = sentinel<int32_t>(1);
                       const isn_status st = isn_social_attention(c, &w.views[0], w.views.data() + 1, count, 21, &w.eo,
                                                                  weights.data(), results.data(), collective.data(),
                                                                  most.data());
                       append(out, weights, results, collective, most);
                       return st;
                   }});
    ops.push_back({"isn_sample", false, [](const World& w, isn_context* c, isn_agent_set*, Bytes& out) {
                       constexpr int32_t samples = 4;
                       auto states = sentinel<int8_t>(static_cast<size_t>(samples) * kN);
                       auto energies = sentinel<double>(samples);
                       auto stats = sentinel<isn_sample_stats>(1);
                       const isn_status st = isn_sample(c, &w.views[1], 0.7, samples, 2, 3, 31, ISN_ACCEPTANCE_METROPOLIS,
                                                        states.data(), energies.data(), stats.data());
                       append(out, states, energies, stats);
                       return st;
                   }});
    ops.push_back({"isn_set_empathy", true, [](const World& w, isn_context* c, isn_agent_set* s, Bytes& out) {
                       auto r = sentinel<isn_empathy_result>(w.pairs.size());
                       const isn_status st = isn_set_empathy(c, s, w.pairs.data(), static_cast<int32_t>(w.pairs.size()),
                                                             &w.eo, r.data(), nullptr);
                       append(out, r);
                       return st;
                   }});
    ops.push_back({"isn_set_empathy_matrix", true, [](const World& w, isn_context* c, isn_agent_set* s, Bytes& out) {
                       auto scores = sentinel<double>(static_cast<size_t>(w.K()) * w.K());
                       auto results = sentinel<isn_empathy_result>(static_cast<size_t>(w.K()) * w.K());
                       const isn_status st = isn_set_empathy_matrix(c, s, 11, &w.eo, scores.data(), results.data(), nullptr);
                       append(out, scores, results);
                       return st;
                   }});
    ops.push_back({"isn_set_empathy_edges", true, [](const World& w, isn_context* c, isn_agent_set* s, Bytes& out) {
                       auto scores = sentinel<double>(w.edges.size());
                       const isn_status st = isn_set_empathy_edges(c, s, w.edges.data(), static_cast<int32_t>(w.edges.size()),
                                                                   11, &w.eo, scores.data(), nullptr, nullptr);
                       append(out, scores);
                       return st;
                   }});
    ops.push_back({"isn_set_anneal", true, [](const World& w, isn_context* c, isn_agent_set* s, Bytes& out) {
                       const int32_t count = static_cast<int32_t>(w.anneal_members.size());
                       auto spins = sentinel<int8_t>(static_cast<size_t>(count) * kN);
                       auto stats = sentinel<isn_anneal_stats>(static_cast<size_t>(count));
                       const isn_status st = isn_set_anneal(c, s, w.anneal_members.data(), count, w.seeds.data(),
                                                            &w.eo.anneal, spins.data(), stats.data(), nullptr);
                       append(out, spins, stats);
                       return st;
                   }});
    ops.push_back({"isn_set_social_attention", true, [](const World& w, isn_context* c, isn_agent_set* s, Bytes& out) {
                       const int32_t count = static_cast<int32_t>(w.others.size());
                       auto weights = sentinel<double>(static_cast<size_t>(count));
                       auto collective = sentinel<isn_emotion>(1);
                       auto most = sentinel<int32_t>(1);
                       const isn_status st = isn_set_social_attention(c, s, 0, w.others.data(), count, 21, &w.eo,
                                                                      weights.data(), nullptr, collective.data(),
                                                                      most.data());
                       append(out, weights, collective, most);
                       return st;
                   }});
    ops.push_back({"isn_set_observe", true, [](const World& w, isn_context* c, isn_agent_set* s, Bytes& out) {
                       auto r = sentinel<isn_observables>(static_cast<size_t>(w.K()));
                       const isn_status st = isn_set_observe(c, s, nullptr, w.K(), r.data());
                       append(out, r);
                       return st;
                   }});
    ops.push_back({"isn_set_quick_estimate", true, [](const World& w, isn_context* c, isn_agent_set* s, Bytes& out) {
                       auto r = sentinel<isn_quick_estimate>(w.pairs.size());
                       const isn_status st = isn_set_quick_estimate(c, s, w.pairs.data(),
                                                                    static_cast<int32_t>(w.pairs.size()), 2.0, r.data());
                       append(out, r);
                       return st;
                   }});
    ops.push_back({"isn_set_coupling_similarity", true, [](const World& w, isn_context* c, isn_agent_set* s, Bytes& out) {
                       auto r = sentinel<double>(w.pairs.size());
                       const isn_status st = isn_set_coupling_similarity(c, s, w.pairs.data(),
                                                                         static_cast<int32_t>(w.pairs.size()), r.data());
                       append(out, r);
                       return st;
                   }});
    ops.push_back({"isn_agent_set_get_info", true, [](const World&, isn_context*, isn_agent_set* s, Bytes& out) {
                       auto info = sentinel<isn_agent_set_info>(1);
                       const isn_status st = isn_agent_set_get_info(s, info.data());
                       // count and max_n only: host_bytes follows vector capacities, which updates may change.
                       if (st == ISN_STATUS_OK) info[0].host_bytes = info[0].device_bytes = 0;
                       append(out, info);
                       return st;
                   }});
    return ops;
}

isn_agent_set* make_set(isn_context* ctx, const World& w) {
    isn_agent_set* set = nullptr;
    EXPECT_EQ(isn_agent_set_create(ctx, w.views.data(), w.K(), &set), ISN_STATUS_OK) << isn_last_error_message();
    return set;
}

// Every op once on a fresh context of its own, one call at a time.
std::vector<Bytes> serial_results(const World& w, const std::vector<Op>& ops) {
    isn_context* ctx = nullptr;
    EXPECT_EQ(isn_context_create_cpu(1, &ctx), ISN_STATUS_OK);
    isn_agent_set* set = make_set(ctx, w);
    std::vector<Bytes> expected(ops.size());
    for (size_t i = 0; i < ops.size(); ++i)
        EXPECT_EQ(ops[i].run(w, ctx, set, expected[i]), ISN_STATUS_OK) << ops[i].name << ": " << isn_last_error_message();
    EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK);
    EXPECT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK);
    return expected;
}

// Failures seen on worker threads: counted, the first few kept for the report
// (asserted on the main thread after the join).
class Failures {
public:
    void add(const std::string& what) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (texts_.size() < 5) texts_.push_back(what);
        ++count_;
    }
    int64_t count() const { return count_; }
    std::string text() const {
        std::string t;
        for (const auto& s : texts_) t += "\n  " + s;
        return t;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> texts_;
    std::atomic<int64_t> count_{0};
};

bool all_sentinel(const Bytes& b) {
    return std::all_of(b.begin(), b.end(), [](unsigned char c) { return c == 0xA5; });
}

// Runs op i and checks the outcome: OK with the serial bytes, or (when
// `may_be_dead`) INVALID_HANDLE with nothing written and this thread's
// message naming the function and the dead handle. Returns the status.
isn_status run_checked(const World& w, const std::vector<Op>& ops, const std::vector<Bytes>& expected, size_t i,
                       isn_context* ctx, isn_agent_set* set, bool may_be_dead, Failures& failures) {
    Bytes out;
    const isn_status st = ops[i].run(w, ctx, set, out);
    const std::string name = ops[i].name;
    if (st == ISN_STATUS_OK) {
        if (out != expected[i]) failures.add(name + ": OK but the outputs differ from the serial run");
    } else if (st == ISN_STATUS_INVALID_HANDLE && may_be_dead) {
        const std::string msg = isn_last_error_message();
        if (!all_sentinel(out)) failures.add(name + ": INVALID_HANDLE but outputs were written");
        if (msg.rfind(name + ": ", 0) != 0 || (msg.find("'context'") == std::string::npos &&
                                               msg.find("'set'") == std::string::npos))
            failures.add(name + ": INVALID_HANDLE with the message \"" + msg + "\"");
    } else {
        failures.add(name + ": status " + std::to_string(st) + " (" + isn_last_error_message() + ")");
    }
    return st;
}

}  // namespace

// 8 threads on one 3-thread context (its pool shared by all of them), each
// running every op in its own order; an updater thread meanwhile re-sets
// members to what they already are (update and update_spins: the set's
// tables and executor copy are rewritten, its values are not). Every result
// equals the serial run's, bit for bit.
TEST(ThreadStress, ManyThreadsOnOneContextGetTheSerialResults) {
    const World w = make_world();
    const std::vector<Op> ops = make_ops();
    const std::vector<Bytes> expected = serial_results(w, ops);
    isn_context* ctx = nullptr;
    ASSERT_EQ(isn_context_create_cpu(3, &ctx), ISN_STATUS_OK);
    isn_agent_set* set = make_set(ctx, w);
    ASSERT_NE(set, nullptr);

    constexpr int kThreads = 8, kRounds = 3;
    Failures failures;
    std::atomic<int64_t> calls{0};
    std::atomic<bool> stop{false};
    std::thread updater([&] {
        for (int32_t k = 0; !stop.load(); k = (k + 1) % kMembers) {
            const isn_status a = isn_agent_set_update_spins(set, k, w.systems[static_cast<size_t>(k)].s.data());
            const isn_status b = isn_agent_set_update(set, k, &w.views[static_cast<size_t>(k)]);
            if (a != ISN_STATUS_OK || b != ISN_STATUS_OK) failures.add(std::string("update: ") + isn_last_error_message());
            std::this_thread::yield();
        }
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int round = 0; round < kRounds; ++round)
                for (size_t j = 0; j < ops.size(); ++j) {
                    const size_t i = (j * (2 * t + 1) + static_cast<size_t>(t + round)) % ops.size();
                    run_checked(w, ops, expected, i, ctx, set, false, failures);
                    ++calls;
                }
        });
    for (auto& th : threads) th.join();
    stop = true;
    updater.join();
    EXPECT_EQ(failures.count(), 0) << failures.text();
    EXPECT_EQ(calls.load(), int64_t{kThreads} * kRounds * static_cast<int64_t>(ops.size()));
    EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK);
    EXPECT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK);
}

// Rounds of: callers hammering a fresh context and set, then destroys while
// calls are in flight, in three orders (set then context; context then the
// set that outlived it; two threads racing to destroy the context, exactly
// one winning). Each call answers OK with the serial result, or
// INVALID_HANDLE having written nothing; after the destroys every call is
// INVALID_HANDLE and a second destroy of either handle fails.
TEST(ThreadStress, DestroysRaceCallsInFlight) {
    const World w = make_world();
    const std::vector<Op> ops = make_ops();
    const std::vector<Bytes> expected = serial_results(w, ops);
    constexpr int kRounds = 9, kCallers = 4;
    std::mt19937_64 rng(20261202);
    Failures failures;
    int64_t dead_answers = 0;
    for (int round = 0; round < kRounds; ++round) {
        isn_context* ctx = nullptr;
        ASSERT_EQ(isn_context_create_cpu(2, &ctx), ISN_STATUS_OK);
        isn_agent_set* set = make_set(ctx, w);
        ASSERT_NE(set, nullptr);
        std::atomic<int64_t> calls{0}, dead{0};
        std::atomic<bool> destroyed{false};
        std::vector<std::thread> callers;
        for (int t = 0; t < kCallers; ++t)
            callers.emplace_back([&, t] {
                for (size_t j = 0; !destroyed.load(); ++j) {
                    if (run_checked(w, ops, expected, (j + static_cast<size_t>(3 * t)) % ops.size(), ctx, set, true,
                                    failures) == ISN_STATUS_INVALID_HANDLE)
                        ++dead;
                    ++calls;
                }
                // Both handles are dead now: every call says so.
                for (size_t i = 0; i < ops.size(); ++i)
                    if (run_checked(w, ops, expected, i, ctx, set, true, failures) != ISN_STATUS_INVALID_HANDLE)
                        failures.add(std::string(ops[i].name) + ": answered after both destroys");
            });
        // Let the callers get going, then destroy with calls in flight.
        while (calls.load() < 2 * kCallers) std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 2000));
        switch (round % 3) {
            case 0:
                EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK) << isn_last_error_message();
                std::this_thread::sleep_for(std::chrono::microseconds(rng() % 1000));
                EXPECT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK) << isn_last_error_message();
                break;
            case 1:
                EXPECT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK) << isn_last_error_message();
                std::this_thread::sleep_for(std::chrono::microseconds(rng() % 1000));
                EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK) << isn_last_error_message();
                break;
            default: {
                std::atomic<int> ok{0}, invalid{0};
                auto destroy = [&] {
                    const isn_status st = isn_context_destroy(ctx);
                    if (st == ISN_STATUS_OK) ++ok;
                    else if (st == ISN_STATUS_INVALID_HANDLE) ++invalid;
                };
                std::thread racer(destroy);
                destroy();
                racer.join();
                EXPECT_EQ(ok.load(), 1);
                EXPECT_EQ(invalid.load(), 1);
                EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK) << isn_last_error_message();
            }
        }
        destroyed = true;
        for (auto& th : callers) th.join();
        EXPECT_EQ(isn_context_destroy(ctx), ISN_STATUS_INVALID_HANDLE);
        EXPECT_EQ(isn_agent_set_destroy(set), ISN_STATUS_INVALID_HANDLE);
        EXPECT_GT(calls.load(), 0);
        dead_answers += dead.load();
    }
    EXPECT_EQ(failures.count(), 0) << failures.text();
    // Calls did meet dead handles mid-run (at least the ones made after the destroys).
    EXPECT_GT(dead_answers, 0);
}

// Threads creating and destroying contexts and sets as fast as they can,
// next to one long-lived context every thread also calls: every fresh
// handle's calls give the serial results, every stale handle (its own or
// another thread's) stays INVALID_HANDLE, and no handle value ever repeats.
TEST(ThreadStress, CreateDestroyChurnKeepsHandlesApart) {
    const World w = make_world();
    const std::vector<Op> ops = make_ops();
    const std::vector<Bytes> expected = serial_results(w, ops);
    std::vector<size_t> cheap;  // host-only ops: the churn is about handles, not anneals
    for (size_t i = 0; i < ops.size(); ++i) {
        const std::string name = ops[i].name;
        if (name == "isn_observe_batch" || name == "isn_set_observe" || name == "isn_set_quick_estimate" ||
            name == "isn_set_coupling_similarity" || name == "isn_agent_set_get_info")
            cheap.push_back(i);
    }
    ASSERT_EQ(cheap.size(), 5u);
    isn_context* shared = nullptr;
    ASSERT_EQ(isn_context_create_cpu(2, &shared), ISN_STATUS_OK);
    isn_agent_set* shared_set = make_set(shared, w);
    ASSERT_NE(shared_set, nullptr);

    constexpr int kThreads = 6, kIterations = 40;
    Failures failures;
    std::atomic<uint64_t> stale_context{0}, stale_set{0};
    std::vector<std::vector<uint64_t>> handles(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int it = 0; it < kIterations; ++it) {
                isn_context* ctx = nullptr;
                isn_agent_set* set = nullptr;
                if (isn_context_create_cpu(1 + (it + t) % 2, &ctx) != ISN_STATUS_OK ||
                    isn_agent_set_create(ctx, w.views.data(), w.K(), &set) != ISN_STATUS_OK) {
                    failures.add(std::string("create: ") + isn_last_error_message());
                    return;
                }
                handles[static_cast<size_t>(t)].push_back(reinterpret_cast<uintptr_t>(ctx));
                handles[static_cast<size_t>(t)].push_back(reinterpret_cast<uintptr_t>(set));
                const size_t i = cheap[static_cast<size_t>(it + t) % cheap.size()];
                run_checked(w, ops, expected, i, ctx, set, false, failures);
                run_checked(w, ops, expected, i, shared, shared_set, false, failures);
                // Another thread's stale handles: dead, whatever was created since.
                const auto old_ctx = reinterpret_cast<isn_context*>(static_cast<uintptr_t>(stale_context.load()));
                const auto old_set = reinterpret_cast<isn_agent_set*>(static_cast<uintptr_t>(stale_set.load()));
                if (old_ctx != nullptr) {
                    int32_t backend = -1;
                    if (isn_context_backend(old_ctx, &backend) != ISN_STATUS_INVALID_HANDLE || backend != -1)
                        failures.add("a stale context handle answered");
                    if (run_checked(w, ops, expected, i, old_ctx, old_set, true, failures) != ISN_STATUS_INVALID_HANDLE)
                        failures.add(std::string(ops[i].name) + ": a stale handle answered");
                }
                if (it % 2 == 0) {
                    if (isn_agent_set_destroy(set) != ISN_STATUS_OK || isn_context_destroy(ctx) != ISN_STATUS_OK)
                        failures.add(std::string("destroy: ") + isn_last_error_message());
                } else {  // the other order: the set outlives its context
                    if (isn_context_destroy(ctx) != ISN_STATUS_OK || isn_agent_set_destroy(set) != ISN_STATUS_OK)
                        failures.add(std::string("destroy: ") + isn_last_error_message());
                }
                if (isn_context_destroy(ctx) != ISN_STATUS_INVALID_HANDLE ||
                    isn_agent_set_destroy(set) != ISN_STATUS_INVALID_HANDLE)
                    failures.add("a second destroy succeeded");
                stale_context = reinterpret_cast<uintptr_t>(ctx);
                stale_set = reinterpret_cast<uintptr_t>(set);
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.count(), 0) << failures.text();
    std::unordered_set<uint64_t> distinct;
    size_t total = 0;
    for (const auto& h : handles) {
        distinct.insert(h.begin(), h.end());
        total += h.size();
    }
    EXPECT_EQ(total, size_t{2} * kThreads * kIterations);
    EXPECT_EQ(distinct.size(), total) << "a handle value was issued twice";
    EXPECT_EQ(isn_agent_set_destroy(shared_set), ISN_STATUS_OK);
    EXPECT_EQ(isn_context_destroy(shared), ISN_STATUS_OK);
}
