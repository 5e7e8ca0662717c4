// GPU faults through the emulated device (built only into the ISN_GPU_EMULATION
// flavour's suite: the hooks of src/gpu/emulated_hooks.h exist only there).
// The real GPU backend's error paths run: a device-memory limit and failed
// allocations give ISN_STATUS_OUT_OF_MEMORY, failed launches and kernel faults
// ISN_STATUS_DEVICE_ERROR, each with the runtime's text in the message; the
// outputs keep their sentinels; the device memory stays accounted for (the
// context's memory stats equal what the device holds, and destroying the
// context returns it all); and the same context then computes the CPU's bits.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "gpu/emulated_hooks.h"
#include "test_helpers.h"

using namespace isn_test;

namespace {

constexpr int8_t kSpinSentinel = 0x5a;
constexpr double kSentinel = -12345.678;

// Small systems (thread regime, one launch) and one large one (block regime,
// a second launch), so a fault can take either launch.
struct Workload {
    std::vector<HostSystem> systems;
    std::vector<isn_system_view> views;
    std::vector<uint64_t> seeds;
    std::vector<isn_pair> pairs;
    int64_t total_spins = 0;

    // smaller: fewer and smaller systems, so that every device buffer of a
    // later full-size call must grow.
    explicit Workload(bool smaller = false) {
        const int small_count = smaller ? 2 : 5;
        for (int k = 0; k < small_count; ++k) systems.push_back(k % 2 ? spin_glass(20, 40 + k) : seed_pattern(20, 40 + k));
        systems.push_back(spin_glass(smaller ? 130 : 160, 3));
        for (size_t k = 0; k < systems.size(); ++k) {
            views.push_back(systems[k].view());
            seeds.push_back(17 * k + 3);
            total_spins += systems[k].n;
        }
        for (int32_t k = 0; k + 1 < small_count; ++k) pairs.push_back(isn_pair{k, k + 1, 300u + static_cast<uint32_t>(k)});
        pairs.push_back(isn_pair{small_count, small_count, 77});
    }
    int32_t count() const { return static_cast<int32_t>(views.size()); }
};

// One call's outputs, filled with sentinels first.
struct Outputs {
    std::vector<int8_t> spins;
    std::vector<isn_anneal_stats> stats;
    std::vector<isn_empathy_result> results;
    std::vector<isn_observables> observables;

    explicit Outputs(const Workload& w)
        : spins(static_cast<size_t>(w.total_spins), kSpinSentinel), stats(w.views.size()),
          results(w.pairs.size()), observables(w.views.size()) {
        for (auto& s : stats) s = isn_anneal_stats{-1, -1, -1, -1, kSentinel};
        for (auto& r : results) {
            std::memset(&r, 0, sizeof r);
            r.score = kSentinel;
            r.trials = -1;
        }
        for (auto& o : observables) {
            std::memset(&o, 0, sizeof o);
            o.energy = kSentinel;
        }
    }

    // Nothing of a failed call reached the caller.
    void expect_untouched(const char* what) const {
        for (size_t i = 0; i < spins.size(); ++i)
            if (spins[i] != kSpinSentinel) {
                ADD_FAILURE() << what << ": spins[" << i << "] was written";
                break;
            }
        for (const auto& s : stats) {
            EXPECT_EQ(bits(s.energy), bits(kSentinel)) << what << ": stats written";
            EXPECT_EQ(s.trials, -1) << what;
        }
        for (const auto& r : results) {
            EXPECT_EQ(bits(r.score), bits(kSentinel)) << what << ": results written";
            EXPECT_EQ(r.trials, -1) << what;
        }
        for (const auto& o : observables) EXPECT_EQ(bits(o.energy), bits(kSentinel)) << what << ": observables written";
    }
};

enum class Op { Anneal, Empathy, Observe };
const char* name(Op op) { return op == Op::Anneal ? "isn_anneal_batch" : op == Op::Empathy ? "isn_empathy_batch" : "isn_observe_batch"; }

isn_status run(isn_context* ctx, const Workload& w, Op op, Outputs& out) {
    isn_anneal_options o = default_anneal();
    o.trials_per_step = 4;  // short anneals: the schedule is not what is tested here
    isn_empathy_options eo = default_empathy();
    eo.anneal = o;
    switch (op) {
        case Op::Anneal:
            return isn_anneal_batch(ctx, w.views.data(), w.count(), w.seeds.data(), &o, out.spins.data(), out.stats.data());
        case Op::Empathy:
            return isn_empathy_batch(ctx, w.views.data(), w.count(), w.pairs.data(), static_cast<int32_t>(w.pairs.size()),
                                     &eo, out.results.data());
        case Op::Observe:
            return isn_observe_batch(ctx, w.views.data(), w.count(), out.observables.data());
    }
    return ISN_STATUS_INTERNAL;
}

// The call's outputs on a CPU context, to compare a recovered GPU call with.
void expect_matches_cpu(const Workload& w, Op op, const Outputs& gpu) {
    Context cpu(1);
    Outputs ref(w);
    ASSERT_EQ(run(cpu.get(), w, op, ref), ISN_STATUS_OK) << isn_last_error_message();
    switch (op) {
        case Op::Anneal:
            EXPECT_EQ(gpu.spins, ref.spins);
            for (size_t k = 0; k < ref.stats.size(); ++k) {
                EXPECT_EQ(bits(gpu.stats[k].energy), bits(ref.stats[k].energy)) << k;
                EXPECT_EQ(gpu.stats[k].accepted, ref.stats[k].accepted) << k;
            }
            break;
        case Op::Empathy:
            for (size_t k = 0; k < ref.results.size(); ++k) expect_same_result(gpu.results[k], ref.results[k]);
            break;
        case Op::Observe:
            for (size_t k = 0; k < ref.observables.size(); ++k) {
                EXPECT_EQ(bits(gpu.observables[k].energy), bits(ref.observables[k].energy)) << k;
                EXPECT_EQ(bits(gpu.observables[k].emotion.valence), bits(ref.observables[k].emotion.valence)) << k;
            }
            break;
    }
}

class EmulatedGpuFaults : public ::testing::Test {
protected:
    void SetUp() override {
        isn_emulated_gpu_reset();
        ASSERT_EQ(isn_emulated_gpu_allocated_bytes(), 0);
        ASSERT_EQ(isn_context_create_gpu(0, &gpu_), ISN_STATUS_OK) << isn_last_error_message();
    }
    void TearDown() override {
        if (gpu_ != nullptr) EXPECT_EQ(isn_context_destroy(gpu_), ISN_STATUS_OK);
        EXPECT_EQ(isn_emulated_gpu_allocated_bytes(), 0) << "device memory leaked";
        EXPECT_EQ(isn_emulated_gpu_invalid_frees(), 0) << "freed memory the device had not allocated (or twice)";
        isn_emulated_gpu_reset();
    }
    // The context's tally is what the device holds (one context alive).
    void expect_accounted(const char* what) const {
        int64_t current = -1, peak = -1;
        ASSERT_EQ(isn_context_memory_stats(gpu_, &current, &peak), ISN_STATUS_OK);
        EXPECT_EQ(current, isn_emulated_gpu_allocated_bytes()) << what;
        EXPECT_GE(peak, current) << what;
    }
    void expect_failure(isn_status got, isn_status want, Op op, const char* text1, const char* text2, const char* what) {
        EXPECT_EQ(got, want) << what;
        const std::string msg = isn_last_error_message();
        EXPECT_EQ(msg.rfind(name(op), 0), 0u) << what << ": " << msg;
        EXPECT_NE(msg.find(text1), std::string::npos) << what << ": " << msg;
        EXPECT_NE(msg.find(text2), std::string::npos) << what << ": " << msg;
    }

    Workload w_;
    isn_context* gpu_ = nullptr;
};

}  // namespace

TEST(EmulatedGpu, SaysItIsEmulated) {
    const std::string version = isn_version_string();
    EXPECT_NE(version.find("+hip-cpu-emulated"), std::string::npos) << version;
    isn_context* gpu = nullptr;
    ASSERT_EQ(isn_context_create_gpu(0, &gpu), ISN_STATUS_OK) << isn_last_error_message();
    char desc[ISN_MESSAGE_CAPACITY];
    ASSERT_EQ(isn_context_describe(gpu, desc, sizeof desc), ISN_STATUS_OK);
    EXPECT_NE(std::string(desc).find("emulated"), std::string::npos) << desc;
    EXPECT_NE(std::string(desc).find("hip-cpu"), std::string::npos) << desc;
    EXPECT_EQ(isn_context_destroy(gpu), ISN_STATUS_OK);
}

TEST(EmulatedGpu, HooksRejectUnknownFaults) {
    EXPECT_EQ(isn_emulated_gpu_fail(0, 0), -1);
    EXPECT_EQ(isn_emulated_gpu_fail(ISN_EMULATED_FAULT_KERNEL + 1, 0), -1);
    EXPECT_EQ(isn_emulated_gpu_fail(ISN_EMULATED_FAULT_ALLOC, -1), -1);
    EXPECT_EQ(isn_emulated_gpu_fail(ISN_EMULATED_FAULT_ALLOC, 0), 0);
    isn_emulated_gpu_reset();
    EXPECT_EQ(isn_emulated_gpu_faults_fired(), 0);
}

TEST_F(EmulatedGpuFaults, DeviceMemoryLimitIsOutOfMemoryAndWritesNothing) {
    isn_emulated_gpu_set_memory_limit(4096);  // less than the workload's couplings (160^2 doubles)
    for (Op op : {Op::Anneal, Op::Empathy, Op::Observe}) {
        Outputs out(w_);
        expect_failure(run(gpu_, w_, op, out), ISN_STATUS_OUT_OF_MEMORY, op, "hipMalloc", "hipErrorOutOfMemory", name(op));
        out.expect_untouched(name(op));
        expect_accounted(name(op));
    }
    EXPECT_GE(isn_emulated_gpu_faults_fired(), 3);
    // Room again: the same context completes every call, bit for bit.
    isn_emulated_gpu_set_memory_limit(-1);
    for (Op op : {Op::Anneal, Op::Empathy, Op::Observe}) {
        Outputs out(w_);
        ASSERT_EQ(run(gpu_, w_, op, out), ISN_STATUS_OK) << isn_last_error_message();
        expect_matches_cpu(w_, op, out);
        expect_accounted(name(op));
    }
}

TEST_F(EmulatedGpuFaults, EveryAllocationCanFailCleanly) {
    // Fail the first, second, ... allocation of a call until the call needs
    // no more: on a fresh context (first allocations), and after a smaller
    // call (every buffer grows: the old one is freed first). Each failing
    // call reports out of memory, writes nothing and keeps its tally right;
    // the context then completes the call, bit for bit.
    const Workload smaller(true);
    for (const bool warm : {false, true}) {
        int32_t failed_calls = 0;
        for (int32_t skip = 0; skip < 64; ++skip) {
            const std::string what = std::string(warm ? "growing" : "first") + " allocation " + std::to_string(skip);
            ASSERT_EQ(isn_context_destroy(gpu_), ISN_STATUS_OK);
            gpu_ = nullptr;
            ASSERT_EQ(isn_emulated_gpu_allocated_bytes(), 0) << what;
            isn_emulated_gpu_reset();  // a fault armed past the last allocation stays armed
            ASSERT_EQ(isn_context_create_gpu(0, &gpu_), ISN_STATUS_OK);
            if (warm) {
                Outputs first(smaller);
                ASSERT_EQ(run(gpu_, smaller, Op::Anneal, first), ISN_STATUS_OK) << isn_last_error_message();
            }
            ASSERT_EQ(isn_emulated_gpu_fail(ISN_EMULATED_FAULT_ALLOC, skip), 0);
            Outputs out(w_);
            const isn_status st = run(gpu_, w_, Op::Anneal, out);
            if (isn_emulated_gpu_faults_fired() == 0) {  // the call allocates fewer than skip + 1 buffers
                ASSERT_EQ(st, ISN_STATUS_OK) << isn_last_error_message();
                expect_matches_cpu(w_, Op::Anneal, out);
                break;
            }
            ++failed_calls;
            expect_failure(st, ISN_STATUS_OUT_OF_MEMORY, Op::Anneal, "hipMalloc", "hipErrorOutOfMemory", what.c_str());
            out.expect_untouched(what.c_str());
            expect_accounted(what.c_str());
            Outputs again(w_);
            ASSERT_EQ(run(gpu_, w_, Op::Anneal, again), ISN_STATUS_OK) << what << ": " << isn_last_error_message();
            expect_matches_cpu(w_, Op::Anneal, again);
            expect_accounted(what.c_str());
            if (HasFailure()) return;
        }
        // Systems (6 buffers), jobs, offsets, ids, work spins, phi and stats at least.
        EXPECT_GE(failed_calls, 10) << (warm ? "growing" : "first");
    }
}

TEST_F(EmulatedGpuFaults, LaunchFailureIsDeviceErrorAndWritesNothing) {
    // Anneal and empathy launch twice (thread regime, then block regime): fail either.
    struct Case { Op op; int32_t skip; const char* kernel; };
    for (const Case c : {Case{Op::Anneal, 0, "anneal_threads"}, Case{Op::Anneal, 1, "anneal_blocks"},
                         Case{Op::Empathy, 0, "anneal_threads"}, Case{Op::Empathy, 1, "anneal_blocks"},
                         Case{Op::Observe, 0, "observe_systems"}}) {
        const std::string what = std::string(name(c.op)) + " launch " + std::to_string(c.skip);
        ASSERT_EQ(isn_emulated_gpu_fail(ISN_EMULATED_FAULT_LAUNCH, c.skip), 0);
        Outputs out(w_);
        expect_failure(run(gpu_, w_, c.op, out), ISN_STATUS_DEVICE_ERROR, c.op, c.kernel, "hipErrorLaunchOutOfResources",
                       what.c_str());
        out.expect_untouched(what.c_str());
        expect_accounted(what.c_str());
        Outputs again(w_);
        ASSERT_EQ(run(gpu_, w_, c.op, again), ISN_STATUS_OK) << what << ": " << isn_last_error_message();
        expect_matches_cpu(w_, c.op, again);
    }
    EXPECT_EQ(isn_emulated_gpu_faults_fired(), 5);
}

TEST_F(EmulatedGpuFaults, KernelFaultIsDeviceErrorAndWritesNothing) {
    for (Op op : {Op::Anneal, Op::Empathy, Op::Observe}) {
        ASSERT_EQ(isn_emulated_gpu_fail(ISN_EMULATED_FAULT_KERNEL, 0), 0);
        Outputs out(w_);
        expect_failure(run(gpu_, w_, op, out), ISN_STATUS_DEVICE_ERROR, op, "hipErrorIllegalAddress", "illegal memory access",
                       name(op));
        out.expect_untouched(name(op));
        expect_accounted(name(op));
        Outputs again(w_);
        ASSERT_EQ(run(gpu_, w_, op, again), ISN_STATUS_OK) << name(op) << ": " << isn_last_error_message();
        expect_matches_cpu(w_, op, again);
    }
    EXPECT_EQ(isn_emulated_gpu_faults_fired(), 3);
}
