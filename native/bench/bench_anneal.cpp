// Native benchmarks (WORKLOADS.md workloads): raw Metropolis trials per
// second of the fused anneal on one thread, single-call empathy latency, and
// batch throughput. Run: build/native/native/bench/isn_bench
#include <benchmark/benchmark.h>

#include <vector>

#include "generators.h"
#include "isingnative.h"

namespace {

struct Ctx {
    explicit Ctx(int32_t threads) { isn_context_create_cpu(threads, &c); }
    ~Ctx() { isn_context_destroy(c); }
    isn_context* c = nullptr;
};

isn_empathy_options empathy_defaults() {
    isn_empathy_options o;
    isn_anneal_options_default(&o.anneal);
    isn_weights_default(&o.weights);
    return o;
}

// trials/s at n: a batch of seed-pattern systems, 50 sweeps each
// (T = 100 steps, K = n/2 trials per step; n = 20 is the 100 x 10 baseline),
// in random (the default) or sequential sweep order.
void BM_TrialsPerSecond(benchmark::State& state) {
    const int32_t n = static_cast<int32_t>(state.range(0));
    const int32_t batch = n <= 20 ? 256 : (n <= 100 ? 32 : 2);
    std::vector<isn_test::HostSystem> systems;
    std::vector<isn_system_view> views;
    std::vector<uint64_t> seeds;
    for (int32_t k = 0; k < batch; ++k) systems.push_back(isn_test::seed_pattern(n, 10 + k));
    for (int32_t k = 0; k < batch; ++k) {
        views.push_back(systems[static_cast<size_t>(k)].view());
        seeds.push_back(1000 + k);
    }
    isn_anneal_options o;
    isn_anneal_options_default(&o);
    o.trials_per_step = n / 2;
    o.precision = static_cast<int32_t>(state.range(1));
    o.sweep_order = static_cast<int32_t>(state.range(2));
    std::vector<int8_t> spins(static_cast<size_t>(n) * batch);
    Ctx ctx(1);
    int64_t trials = 0;
    for (auto _ : state) {
        if (isn_anneal_batch(ctx.c, views.data(), batch, seeds.data(), &o, spins.data(), nullptr) != ISN_STATUS_OK)
            state.SkipWithError(isn_last_error_message());
        trials += static_cast<int64_t>(batch) * o.steps * o.trials_per_step;
        for (auto& s : seeds) s += batch;
    }
    state.counters["trials/s"] = benchmark::Counter(static_cast<double>(trials), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrialsPerSecond)->ArgNames({"n", "single", "sequential"})
    ->Args({20, 0, 0})->Args({100, 0, 0})->Args({1000, 0, 0})->Args({1000, 1, 0})
    ->Args({20, 0, 1})->Args({100, 0, 1})->Args({1000, 0, 1})->Unit(benchmark::kMicrosecond);

// One empathy (n = 20, 100 x 10 trials) as a single call on one thread.
void BM_EmpathyLatencyN20(benchmark::State& state) {
    const auto self = isn_test::seed_pattern(20, 1), other = isn_test::seed_pattern(20, 2);
    const isn_system_view views[2] = {self.view(), other.view()};
    const isn_empathy_options o = empathy_defaults();
    isn_pair p{0, 1, 7};
    isn_empathy_result r;
    Ctx ctx(1);
    for (auto _ : state) {
        isn_empathy_batch(ctx.c, views, 2, &p, 1, &o, &r);
        benchmark::DoNotOptimize(r.score);
        ++p.seed;
    }
}
BENCHMARK(BM_EmpathyLatencyN20)->Unit(benchmark::kMicrosecond);

// The same empathy through an agent set of the two systems (isn_set_empathy).
void BM_SetEmpathyLatencyN20(benchmark::State& state) {
    const auto self = isn_test::seed_pattern(20, 1), other = isn_test::seed_pattern(20, 2);
    const isn_system_view views[2] = {self.view(), other.view()};
    const isn_empathy_options o = empathy_defaults();
    isn_pair p{0, 1, 7};
    isn_empathy_result r;
    Ctx ctx(1);
    isn_agent_set* set = nullptr;
    isn_agent_set_create(ctx.c, views, 2, &set);
    for (auto _ : state) {
        isn_set_empathy(ctx.c, set, &p, 1, &o, &r, nullptr);
        benchmark::DoNotOptimize(r.score);
        ++p.seed;
    }
    isn_agent_set_destroy(set);
}
BENCHMARK(BM_SetEmpathyLatencyN20)->Unit(benchmark::kMicrosecond);

// Empathies per second in batches of 4096 pairs (n = 20) on `threads` threads.
void BM_EmpathyThroughputN20(benchmark::State& state) {
    const int32_t agents = 64, pairs_per_call = 4096;
    std::vector<isn_test::HostSystem> systems;
    std::vector<isn_system_view> views;
    for (int32_t k = 0; k < agents; ++k) systems.push_back(isn_test::seed_pattern(20, 50 + k));
    for (auto& s : systems) views.push_back(s.view());
    std::vector<isn_pair> pairs;
    for (int32_t k = 0; k < pairs_per_call; ++k)
        pairs.push_back(isn_pair{k % agents, (k / agents) % agents, static_cast<uint64_t>(k)});
    std::vector<isn_empathy_result> results(pairs.size());
    const isn_empathy_options o = empathy_defaults();
    Ctx ctx(static_cast<int32_t>(state.range(0)));
    for (auto _ : state) {
        isn_empathy_batch(ctx.c, views.data(), agents, pairs.data(), pairs_per_call, &o, results.data());
        for (auto& p : pairs) p.seed += pairs_per_call;
    }
    state.counters["empathies/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * pairs_per_call, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EmpathyThroughputN20)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Social attention of one agent over 5 others (n = 20), one thread.
void BM_SocialAttention5N20(benchmark::State& state) {
    std::vector<isn_test::HostSystem> systems;
    std::vector<isn_system_view> views;
    for (int32_t k = 0; k < 6; ++k) systems.push_back(isn_test::seed_pattern(20, 70 + k));
    for (auto& s : systems) views.push_back(s.view());
    const isn_empathy_options o = empathy_defaults();
    double w[5];
    isn_emotion e;
    int32_t best;
    Ctx ctx(1);
    uint64_t seed = 0;
    for (auto _ : state) isn_social_attention(ctx.c, &views[0], views.data() + 1, 5, seed += 5, &o, w, nullptr, &e, &best);
}
BENCHMARK(BM_SocialAttention5N20)->Unit(benchmark::kMicrosecond);

// Emotion vectors of 100 systems (n = 20), one thread.
void BM_EmotionBatch100N20(benchmark::State& state) {
    std::vector<isn_test::HostSystem> systems;
    std::vector<isn_system_view> views;
    for (int32_t k = 0; k < 100; ++k) systems.push_back(isn_test::seed_pattern(20, 90 + k));
    for (auto& s : systems) views.push_back(s.view());
    std::vector<isn_observables> out(100);
    Ctx ctx(1);
    for (auto _ : state) isn_observe_batch(ctx.c, views.data(), 100, out.data());
}
BENCHMARK(BM_EmotionBatch100N20)->Unit(benchmark::kMicrosecond);

// Quick estimate of one pair (n = 20).
void BM_QuickEstimateN20(benchmark::State& state) {
    const auto a = isn_test::seed_pattern(20, 1), b = isn_test::seed_pattern(20, 2);
    const isn_system_view views[2] = {a.view(), b.view()};
    const isn_pair p{0, 1, 0};
    isn_quick_estimate q;
    Ctx ctx(1);
    for (auto _ : state) isn_quick_estimate_batch(ctx.c, views, 2, &p, 1, 100.0, &q);
}
BENCHMARK(BM_QuickEstimateN20)->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
