// Handles that cannot alias (issue 12 item 1): context and agent-set handles
// are values never reused in the life of the process, so every use of a
// destroyed, doubly destroyed or forged handle is ISN_STATUS_INVALID_HANDLE
// with a message, however many objects were created since, and live handles
// keep working next to them.
#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

#include "test_helpers.h"

using namespace isn_test;

namespace {

// Every context entry point on `ctx`, each expected to fail as a dead handle.
void expect_context_dead(isn_context* ctx, const HostSystem& sys) {
    const isn_system_view v = sys.view();
    int32_t backend = -1;
    char buf[64] = "untouched";
    int64_t a = -7, b = -7;
    isn_observables obs{};
    obs.energy = -7.0;
    const isn_anneal_options o = default_anneal();
    const uint64_t seed = 1;
    std::vector<int8_t> spins(static_cast<size_t>(sys.n), 7);
    const isn_pair pair{0, 0, 1};
    double sim = -7.0;
    std::vector<double> energies(1, -7.0);
    std::vector<int8_t> states(static_cast<size_t>(sys.n), 7);
    isn_agent_set* set = nullptr;

    const auto dead = [](isn_status st, const char* what) {
        EXPECT_EQ(st, ISN_STATUS_INVALID_HANDLE) << what;
        EXPECT_NE(std::string(isn_last_error_message()).find("'context'"), std::string::npos)
            << what << ": " << isn_last_error_message();
    };
    dead(isn_context_backend(ctx, &backend), "backend");
    dead(isn_context_describe(ctx, buf, sizeof buf), "describe");
    dead(isn_context_memory_stats(ctx, &a, &b), "memory_stats");
    dead(isn_context_transfer_stats(ctx, &a, &b), "transfer_stats");
    dead(isn_observe_batch(ctx, &v, 1, &obs), "observe");
    dead(isn_anneal_batch(ctx, &v, 1, &seed, &o, spins.data(), nullptr), "anneal");
    dead(isn_coupling_similarity_batch(ctx, &v, 1, &pair, 1, &sim), "similarity");
    dead(isn_sample(ctx, &v, 1.0, 1, 1, 0, 1, ISN_ACCEPTANCE_METROPOLIS, states.data(), energies.data(), nullptr),
         "sample");
    dead(isn_agent_set_create(ctx, &v, 1, &set), "agent_set_create");
    dead(isn_context_destroy(ctx), "destroy");
    // Nothing was written.
    EXPECT_EQ(backend, -1);
    EXPECT_STREQ(buf, "untouched");
    EXPECT_EQ(a, -7);
    EXPECT_EQ(obs.energy, -7.0);
    EXPECT_EQ(spins[0], 7);
    EXPECT_EQ(sim, -7.0);
    EXPECT_EQ(energies[0], -7.0);
    EXPECT_EQ(set, nullptr);
}

// Every set entry point on `set` (with `ctx`, live or not), each expected to fail as a dead handle.
void expect_set_dead(isn_context* ctx, isn_agent_set* set, const HostSystem& sys) {
    const isn_system_view v = sys.view();
    isn_agent_set_info info{};
    info.count = -7;
    isn_observables obs{};
    obs.energy = -7.0;
    const isn_pair pair{0, 0, 1};
    double sim = -7.0;
    const auto dead = [](isn_status st, const char* what) {
        EXPECT_EQ(st, ISN_STATUS_INVALID_HANDLE) << what;
        EXPECT_NE(std::string(isn_last_error_message()).find("'"), std::string::npos) << what;
    };
    dead(isn_agent_set_get_info(set, &info), "get_info");
    dead(isn_agent_set_update(set, 0, &v), "update");
    dead(isn_agent_set_update_spins(set, 0, sys.s.data()), "update_spins");
    dead(isn_set_observe(ctx, set, nullptr, 1, &obs), "set_observe");
    dead(isn_set_coupling_similarity(ctx, set, &pair, 1, &sim), "set_similarity");
    dead(isn_agent_set_destroy(set), "set_destroy");
    EXPECT_EQ(info.count, -7);
    EXPECT_EQ(obs.energy, -7.0);
    EXPECT_EQ(sim, -7.0);
}

void expect_context_live(isn_context* ctx, const HostSystem& sys) {
    const isn_system_view v = sys.view();
    isn_observables obs{};
    ASSERT_EQ(isn_observe_batch(ctx, &v, 1, &obs), ISN_STATUS_OK) << isn_last_error_message();
    EXPECT_TRUE(std::isfinite(obs.energy));
}

}  // namespace

// Thousands of create/destroy rounds: every old handle stays dead while a
// newer context (which, with an address-keyed registry, reused its address)
// is alive; the live contexts are never disturbed by stale calls.
TEST(Handles, StaleContextHandlesNeverReachANewContext) {
    const HostSystem sys = seed_pattern(6, 3);
    Context keeper;  // lives through the whole test
    std::vector<isn_context*> dead;
    std::unordered_set<uintptr_t> seen;
    constexpr int kRounds = 3000;
    for (int r = 0; r < kRounds; ++r) {
        isn_context* ctx = nullptr;
        ASSERT_EQ(isn_context_create_cpu(1, &ctx), ISN_STATUS_OK);
        ASSERT_TRUE(seen.insert(reinterpret_cast<uintptr_t>(ctx)).second) << "handle value reused in round " << r;
        // The previous round's handle: dead, while this one (likely at the same address before) lives.
        if (!dead.empty()) {
            int32_t backend = -1;
            EXPECT_EQ(isn_context_backend(dead.back(), &backend), ISN_STATUS_INVALID_HANDLE);
            EXPECT_EQ(isn_context_destroy(dead.back()), ISN_STATUS_INVALID_HANDLE) << "round " << r;
        }
        int32_t backend = -1;
        ASSERT_EQ(isn_context_backend(ctx, &backend), ISN_STATUS_OK) << "round " << r;
        EXPECT_EQ(backend, ISN_BACKEND_CPU);
        ASSERT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK);
        dead.push_back(ctx);
    }
    // A few live contexts next to all the dead ones; every dead handle fails every call.
    Context live_a, live_b;
    for (size_t k = 0; k < dead.size(); k += 97) expect_context_dead(dead[k], sys);
    expect_context_dead(dead.back(), sys);
    expect_context_live(live_a.get(), sys);
    expect_context_live(live_b.get(), sys);
    expect_context_live(keeper.get(), sys);
}

TEST(Handles, DoubleDestroyOfAContextFailsAndLeavesTheNewOwnerAlive) {
    const HostSystem sys = seed_pattern(5, 4);
    for (int r = 0; r < 500; ++r) {
        isn_context* old_ctx = nullptr;
        ASSERT_EQ(isn_context_create_cpu(1, &old_ctx), ISN_STATUS_OK);
        ASSERT_EQ(isn_context_destroy(old_ctx), ISN_STATUS_OK);
        isn_context* other_owner = nullptr;
        ASSERT_EQ(isn_context_create_cpu(1, &other_owner), ISN_STATUS_OK);
        ASSERT_NE(other_owner, old_ctx);
        ASSERT_EQ(isn_context_destroy(old_ctx), ISN_STATUS_INVALID_HANDLE);
        EXPECT_NE(std::string(isn_last_error_message()).find("'context'"), std::string::npos);
        expect_context_live(other_owner, sys);  // not destroyed by the stale destroy
        ASSERT_EQ(isn_context_destroy(other_owner), ISN_STATUS_OK);
    }
}

TEST(Handles, StaleAgentSetHandlesNeverReachANewSet) {
    const HostSystem sys = seed_pattern(6, 5);
    const isn_system_view v = sys.view();
    Context ctx;
    std::vector<isn_agent_set*> dead;
    std::unordered_set<uintptr_t> seen;
    for (int r = 0; r < 2000; ++r) {
        isn_agent_set* set = nullptr;
        ASSERT_EQ(isn_agent_set_create(ctx.get(), &v, 1, &set), ISN_STATUS_OK);
        ASSERT_TRUE(seen.insert(reinterpret_cast<uintptr_t>(set)).second) << "set handle reused in round " << r;
        if (!dead.empty()) {
            EXPECT_EQ(isn_agent_set_destroy(dead.back()), ISN_STATUS_INVALID_HANDLE) << "round " << r;
        }
        isn_agent_set_info info{};
        ASSERT_EQ(isn_agent_set_get_info(set, &info), ISN_STATUS_OK) << "round " << r;
        EXPECT_EQ(info.count, 1);
        ASSERT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK);
        dead.push_back(set);
    }
    isn_agent_set* live = nullptr;
    ASSERT_EQ(isn_agent_set_create(ctx.get(), &v, 1, &live), ISN_STATUS_OK);
    for (size_t k = 0; k < dead.size(); k += 61) expect_set_dead(ctx.get(), dead[k], sys);
    expect_set_dead(ctx.get(), dead.back(), sys);
    isn_observables obs{};
    EXPECT_EQ(isn_set_observe(ctx.get(), live, nullptr, 1, &obs), ISN_STATUS_OK) << isn_last_error_message();
    EXPECT_EQ(isn_agent_set_destroy(live), ISN_STATUS_OK);
}

// A set of a destroyed context fails every call (destroy frees it), also once
// new contexts and sets exist; a context handle is not a set handle and back.
TEST(Handles, SetsOfDestroyedContextsAndCrossKindHandles) {
    const HostSystem sys = seed_pattern(4, 6);
    const isn_system_view v = sys.view();
    for (int r = 0; r < 300; ++r) {
        isn_context* ctx = nullptr;
        ASSERT_EQ(isn_context_create_cpu(1, &ctx), ISN_STATUS_OK);
        isn_agent_set* set = nullptr;
        ASSERT_EQ(isn_agent_set_create(ctx, &v, 1, &set), ISN_STATUS_OK);
        ASSERT_EQ(isn_context_destroy(ctx), ISN_STATUS_OK);
        Context fresh;
        isn_agent_set* fresh_set = nullptr;
        ASSERT_EQ(isn_agent_set_create(fresh.get(), &v, 1, &fresh_set), ISN_STATUS_OK);
        // The outlived set: every call but destroy fails, with the fresh context or the dead one.
        isn_agent_set_info info{};
        EXPECT_EQ(isn_agent_set_get_info(set, &info), ISN_STATUS_INVALID_HANDLE);
        isn_observables obs{};
        EXPECT_EQ(isn_set_observe(fresh.get(), set, nullptr, 1, &obs), ISN_STATUS_INVALID_HANDLE);
        EXPECT_EQ(isn_set_observe(ctx, fresh_set, nullptr, 1, &obs), ISN_STATUS_INVALID_HANDLE);
        // Cross-kind: a context handle as a set, a set handle as a context.
        EXPECT_EQ(isn_agent_set_get_info(reinterpret_cast<isn_agent_set*>(fresh.get()), &info),
                  ISN_STATUS_INVALID_HANDLE);
        int32_t backend = -1;
        EXPECT_EQ(isn_context_backend(reinterpret_cast<isn_context*>(fresh_set), &backend),
                  ISN_STATUS_INVALID_HANDLE);
        ASSERT_EQ(isn_agent_set_destroy(set), ISN_STATUS_OK);  // frees what the dead context left
        expect_set_dead(fresh.get(), set, sys);
        EXPECT_EQ(isn_set_observe(fresh.get(), fresh_set, nullptr, 1, &obs), ISN_STATUS_OK);
        ASSERT_EQ(isn_agent_set_destroy(fresh_set), ISN_STATUS_OK);
    }
}

TEST(Handles, ForgedValuesAreRejected) {
    const HostSystem sys = seed_pattern(4, 7);
    Context live;
    int on_stack = 0;
    std::vector<uintptr_t> forged = {1, 0xdeadbeef, 0xdeadbeefdeadbeefull, reinterpret_cast<uintptr_t>(&on_stack),
                                     reinterpret_cast<uintptr_t>(&sys), reinterpret_cast<uintptr_t>(sys.J.data()),
                                     reinterpret_cast<uintptr_t>(live.get()) + 16,
                                     reinterpret_cast<uintptr_t>(live.get()) ^ (uintptr_t{1} << 63),
                                     ~uintptr_t{0}};
    for (const uintptr_t f : forged) {
        expect_context_dead(reinterpret_cast<isn_context*>(f), sys);
        expect_set_dead(live.get(), reinterpret_cast<isn_agent_set*>(f), sys);
    }
    expect_context_live(live.get(), sys);
    EXPECT_EQ(on_stack, 0);
}
