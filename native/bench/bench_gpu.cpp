// GPU benchmark of the C API (docs/WORKLOADS.md workloads on a GPU
// context): empathy throughput and latency, fused-anneal trials/s in both
// kernel regimes, observables batches, the 10 000-agent empathy matrix, peak
// device memory per workload, and a GPU-vs-CPU bit-identity spot check that
// makes the program exit 1 on any mismatch.
//
//   isn_bench_gpu [--json] [--quick] [--agents K] [--device D] [--cpu] [--require-gpu]
//
// --json        JSON rows {metric, value, unit, backend, device, library, ...} on stdout (table on stderr)
// --quick       small sizes (a smoke run: seconds, not minutes)
// --agents K    agents of the big empathy matrix (default 10000 = 1e8 pairs)
// --cpu         run every workload on a CPU context instead (checks this program without a GPU)
// --require-gpu exit 2 instead of 0 when no GPU is usable
//
// Every isn_* call is synchronous (results are on the host when it returns),
// so a host steady_clock around a call times the device round trip: upload,
// kernels, download. Warm-up calls come first (module load, buffer growth),
// then the median and spread of repeats. Rows named "-marginal" divide the
// extra trials of a longer schedule by its extra time, which removes the
// per-call fixed costs (upload, init, scoring, launch) and leaves the anneal.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_report.h"
#include "generators.h"
#include "isingnative.h"

using isn_bench::Row;
using isn_bench::Samples;
using isn_bench::time_calls;

namespace {

struct Args {
    bool json = false;
    bool quick = false;
    bool cpu = false;
    bool require_gpu = false;
    int32_t agents = 10000;
    int32_t device = 0;
};

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench_gpu: %s (%s)\n", what.c_str(), isn_last_error_message());
    std::exit(1);
}

void ok(isn_status s, const char* what) {
    if (s != ISN_STATUS_OK) die(std::string(what) + " failed with status " + std::to_string(s));
}

class Ctx {
public:
    Ctx(bool cpu, int32_t device) {
        ok(cpu ? isn_context_create_cpu(0, &c_) : isn_context_create_gpu(device, &c_), "context create");
    }
    ~Ctx() { isn_context_destroy(c_); }
    Ctx(const Ctx&) = delete;
    Ctx& operator=(const Ctx&) = delete;
    isn_context* get() const { return c_; }
    std::string describe() const {
        char buf[ISN_MESSAGE_CAPACITY];
        ok(isn_context_describe(c_, buf, sizeof buf), "isn_context_describe");
        return buf;
    }
    double peak_mb() const {
        int64_t current = 0, peak = 0;
        ok(isn_context_memory_stats(c_, &current, &peak), "isn_context_memory_stats");
        return static_cast<double>(peak) / (1024.0 * 1024.0);
    }

private:
    isn_context* c_ = nullptr;
};

isn_empathy_options empathy_defaults() {
    isn_empathy_options o;
    ok(isn_anneal_options_default(&o.anneal), "isn_anneal_options_default");
    ok(isn_weights_default(&o.weights), "isn_weights_default");
    return o;
}

// A pool of distinct seed-pattern systems (with spins) that batches index.
struct Pool {
    std::vector<isn_test::HostSystem> systems;
    std::vector<isn_system_view> views;
    Pool(int32_t count, int32_t n, uint64_t seed0) {
        systems.reserve(static_cast<size_t>(count));
        for (int32_t k = 0; k < count; ++k) systems.push_back(isn_test::seed_pattern(n, seed0 + static_cast<uint64_t>(k)));
        for (const auto& s : systems) views.push_back(s.view());
    }
    int32_t size() const { return static_cast<int32_t>(views.size()); }
};

// Pairs k = 0..count-1 over a pool: self and other differ, seeds distinct.
std::vector<isn_pair> make_pairs(int32_t count, int32_t pool) {
    std::vector<isn_pair> pairs(static_cast<size_t>(count));
    for (int32_t k = 0; k < count; ++k)
        pairs[static_cast<size_t>(k)] = isn_pair{k % pool, (k / pool + k + 1) % pool, 1000003ull + static_cast<uint64_t>(k)};
    return pairs;
}

// Extra work over extra time of a longer schedule; NaN (JSON null) when the
// longer run was not slower, i.e. the noise exceeds the difference.
double marginal_rate(double extra_work, const Samples& shorter, const Samples& longer) {
    const double dt = longer.median() - shorter.median();
    return dt > 0 ? extra_work / dt : std::nan("");
}

class Bench {
public:
    Bench(const Args& a, const std::string& backend, const std::string& library)
        : args_(a), backend_(backend), library_(library) {}

    std::vector<Row> rows;

    void add(const std::string& metric, double value, const std::string& unit, const Samples* s,
             const std::string& device, const std::string& note = "") {
        Row r{metric, value, unit, backend_, device, library_, 0, 0, 0, 0, note};
        if (s != nullptr) {
            r.median_s = s->median();
            r.min_s = s->min();
            r.max_s = s->max();
            r.repeats = static_cast<int>(s->seconds.size());
        }
        rows.push_back(r);
        if (!args_.json) return;  // the table is printed at the end either way
        std::fprintf(stderr, "  %-38s %.4g %s\n", metric.c_str(), value, unit.c_str());
    }

    // Same batch on a CPU context and the benchmarked context; byte comparison.
    // Both kernel regimes (n = 20 per thread, n = 300 per block), both
    // precisions, anneal and empathy, and observables.
    bool identity_check(const Ctx& ctx) {
        Ctx cpu(true, 0);
        bool same = true;
        Pool small(64, 20, 77), large(3, 300, 91);
        std::vector<isn_system_view> views = small.views;
        views.insert(views.end(), large.views.begin(), large.views.end());
        const int32_t nv = static_cast<int32_t>(views.size());
        int64_t total = 0;
        std::vector<uint64_t> seeds;
        for (int32_t k = 0; k < nv; ++k) {
            total += views[static_cast<size_t>(k)].n;
            seeds.push_back(500 + 3 * static_cast<uint64_t>(k));
        }
        for (int32_t precision : {ISN_PRECISION_DOUBLE, ISN_PRECISION_SINGLE}) {
            isn_anneal_options o = empathy_defaults().anneal;
            o.precision = precision;
            std::vector<int8_t> sg(static_cast<size_t>(total)), sc(static_cast<size_t>(total));
            std::vector<isn_anneal_stats> tg(static_cast<size_t>(nv)), tc(static_cast<size_t>(nv));
            ok(isn_anneal_batch(ctx.get(), views.data(), nv, seeds.data(), &o, sg.data(), tg.data()), "identity anneal");
            ok(isn_anneal_batch(cpu.get(), views.data(), nv, seeds.data(), &o, sc.data(), tc.data()), "identity anneal (cpu)");
            same &= report_diff("anneal spins, precision " + std::to_string(precision), sg.data(), sc.data(), sg.size());
            same &= report_diff("anneal stats, precision " + std::to_string(precision), tg.data(), tc.data(),
                                tg.size() * sizeof(isn_anneal_stats));
        }
        std::vector<isn_pair> pairs = make_pairs(1024, small.size());
        for (int32_t k = 0; k < 3; ++k)
            pairs.push_back(isn_pair{small.size() + k, small.size() + (k + 1) % 3, 77ull + static_cast<uint64_t>(k)});
        const isn_empathy_options eo = empathy_defaults();
        const int32_t np = static_cast<int32_t>(pairs.size());
        std::vector<isn_empathy_result> rg(pairs.size()), rc(pairs.size());
        ok(isn_empathy_batch(ctx.get(), views.data(), nv, pairs.data(), np, &eo, rg.data()), "identity empathy");
        ok(isn_empathy_batch(cpu.get(), views.data(), nv, pairs.data(), np, &eo, rc.data()), "identity empathy (cpu)");
        same &= report_diff("empathy results", rg.data(), rc.data(), rg.size() * sizeof(isn_empathy_result));
        std::vector<isn_observables> og(views.size()), oc(views.size());
        ok(isn_observe_batch(ctx.get(), views.data(), nv, og.data()), "identity observe");
        ok(isn_observe_batch(cpu.get(), views.data(), nv, oc.data()), "identity observe (cpu)");
        same &= report_diff("observables", og.data(), oc.data(), og.size() * sizeof(isn_observables));
        add("gpu-cpu-identity", same ? 1 : 0, "bool", nullptr, ctx.describe(),
            same ? "anneal (2 precisions), 1027 empathies, observables: bytes equal" : "MISMATCH");
        return same;
    }

    void empathy_throughput(const Ctx& ctx) {
        const Pool pool(1024, 20, 1);
        const isn_empathy_options o = empathy_defaults();
        const std::vector<int32_t> sizes = args_.quick ? std::vector<int32_t>{1 << 12} : std::vector<int32_t>{1 << 16, 1 << 18, 1 << 20};
        for (int32_t batch : sizes) {
            const std::vector<isn_pair> pairs = make_pairs(batch, pool.size());
            std::vector<isn_empathy_result> out(pairs.size());
            const Samples s = time_calls(
                [&] { ok(isn_empathy_batch(ctx.get(), pool.views.data(), pool.size(), pairs.data(), batch, &o, out.data()), "empathy batch"); },
                1, 3, 9, 3.0);
            add("empathy-throughput-n20-b" + std::to_string(batch), batch / s.median(), "empathies/s", &s, ctx.describe(),
                "target >= 1e7 on one data-centre GPU");
        }
    }

    void empathy_latency(const Ctx& ctx) {
        const Pool pool(2, 20, 42);
        const isn_empathy_options o = empathy_defaults();
        const isn_pair pair{0, 1, 7};
        isn_empathy_result r;
        const Samples s = time_calls(
            [&] { ok(isn_empathy_batch(ctx.get(), pool.views.data(), 2, &pair, 1, &o, &r), "empathy latency"); }, 10,
            50, args_.quick ? 50 : 500, 2.0);
        add("empathy-latency-n20", 1e6 * s.median(), "us", &s, ctx.describe(), "one pair, one call");
        const Pool others(5, 20, 100);
        std::vector<double> weights(5);
        isn_emotion collective;
        int32_t most = -1;
        const Samples sa = time_calls(
            [&] {
                ok(isn_social_attention(ctx.get(), &pool.views[0], others.views.data(), 5, 7, &o, weights.data(), nullptr,
                                        &collective, &most),
                   "social attention");
            },
            10, 50, args_.quick ? 50 : 500, 2.0);
        add("social-attention-5-n20", 1e6 * sa.median(), "us", &sa, ctx.describe());
    }

    // n = 20, thread per system: isn_anneal_batch of many systems (the pool
    // repeated, so every call also uploads count systems). 2^17 threads fill
    // an H100 (132 SMs x 1024 resident threads at 64 registers) about once.
    void trials_small(const Ctx& ctx) {
        const int32_t count = args_.quick ? 4096 : 1 << 17;
        const int32_t long_steps = args_.quick ? 1000 : 2000;
        const Pool pool(1024, 20, 5);
        std::vector<isn_system_view> views(static_cast<size_t>(count));
        std::vector<uint64_t> seeds(static_cast<size_t>(count));
        for (int32_t k = 0; k < count; ++k) {
            views[static_cast<size_t>(k)] = pool.views[static_cast<size_t>(k % pool.size())];
            seeds[static_cast<size_t>(k)] = 9000 + static_cast<uint64_t>(k);
        }
        std::vector<int8_t> spins(static_cast<size_t>(count) * 20);
        std::vector<isn_anneal_stats> stats(static_cast<size_t>(count));
        // Both sweep orders: the sequential one (ALGORITHM 4.1) lets a warp skip Philox
        // wherever all its lanes' decisions need no uniform (GPU.md, kernel version v3).
        for (const int32_t order : {ISN_SWEEP_RANDOM, ISN_SWEEP_SEQUENTIAL}) {
            isn_anneal_options o = empathy_defaults().anneal;  // 100 steps x 10 trials
            o.sweep_order = order;
            auto run = [&](int32_t steps) {
                o.steps = steps;
                return time_calls([&] { ok(isn_anneal_batch(ctx.get(), views.data(), count, seeds.data(), &o, spins.data(), stats.data()), "anneal batch"); },
                                  1, 3, 9, 3.0);
            };
            const Samples s1 = run(100);
            const Samples s2 = run(long_steps);
            const double t1 = 100.0 * 10 * count, t2 = static_cast<double>(long_steps) * 10 * count;
            const std::string tag = "trials-per-second-n20-x" + std::to_string(count) +
                                    (order == ISN_SWEEP_SEQUENTIAL ? "-sequential" : "");
            add(tag, t1 / s1.median(), "trials/s", &s1, ctx.describe(), "100x10 schedule, end to end (upload included)");
            add(tag + "-marginal", marginal_rate(t2 - t1, s1, s2), "trials/s", &s2, ctx.describe(),
                std::to_string(long_steps) + "x10 minus 100x10 schedule: anneal only");
        }
    }

    // Large n, block per system: isn_empathy_batch over ONE uploaded system
    // (pairs (0,0,seed_k)), so a call uploads J once; 50 sweeps (T = 100,
    // K = n/2) and, for the marginal rate, 200 sweeps.
    void trials_large(const Ctx& ctx, int32_t n, int32_t systems) {
        const Pool pool(1, n, 3);
        std::vector<isn_pair> pairs(static_cast<size_t>(systems));
        for (int32_t k = 0; k < systems; ++k) pairs[static_cast<size_t>(k)] = isn_pair{0, 0, 4242ull + static_cast<uint64_t>(k)};
        std::vector<isn_empathy_result> out(pairs.size());
        isn_empathy_options o = empathy_defaults();
        o.anneal.trials_per_step = n / 2;
        auto run = [&](int32_t steps) {
            o.anneal.steps = steps;
            return time_calls([&] { ok(isn_empathy_batch(ctx.get(), pool.views.data(), 1, pairs.data(), systems, &o, out.data()), "empathy batch (large n)"); },
                              1, 3, 7, 4.0);
        };
        const Samples s1 = run(100);
        const Samples s2 = run(400);
        const double t1 = 100.0 * (n / 2) * systems, t2 = 400.0 * (n / 2) * systems;
        const std::string tag = "trials-per-second-n" + std::to_string(n) + "-x" + std::to_string(systems);
        add(tag, t1 / s1.median(), "trials/s", &s1, ctx.describe(), "50 sweeps, end to end (upload, init, scoring included)");
        add(tag + "-marginal", marginal_rate(t2 - t1, s1, s2), "trials/s", &s2, ctx.describe(),
            "200 minus 50 sweeps: anneal only");
    }

    void observables(const Ctx& ctx, int32_t count) {
        const Pool pool(std::min<int32_t>(count, 1024), 20, 11);
        std::vector<isn_system_view> views(static_cast<size_t>(count));
        for (int32_t k = 0; k < count; ++k) views[static_cast<size_t>(k)] = pool.views[static_cast<size_t>(k % pool.size())];
        std::vector<isn_observables> out(views.size());
        const Samples s = time_calls([&] { ok(isn_observe_batch(ctx.get(), views.data(), count, out.data()), "observe batch"); },
                                     2, 3, count <= 1000 ? 500 : 7, 2.0);
        add("emotion-batch-" + std::to_string(count) + "-n20", 1e6 * s.median(), "us", &s, ctx.describe(),
            count <= 1000 ? "target <= 20 us on CPU, one launch on GPU" : "systems/s = " + std::to_string(count / s.median()));
    }

    // K x K empathy matrix at n = 20 (K = 10 000: 1e8 pairs, target <= 10 s).
    void matrix(const Ctx& ctx, int32_t agents, const std::string& metric, int max_repeats) {
        const Pool pool(agents, 20, 21);
        std::vector<double> scores(static_cast<size_t>(agents) * static_cast<size_t>(agents));
        const isn_empathy_options o = empathy_defaults();
        const Samples s = time_calls(
            [&] { ok(isn_empathy_matrix(ctx.get(), pool.views.data(), agents, 99, &o, scores.data(), nullptr), "empathy matrix"); },
            0, 1, max_repeats, 8.0);
        const double pairs = static_cast<double>(agents) * agents;
        add(metric, pairs / s.median(), "pairs/s", &s, ctx.describe(),
            std::to_string(agents) + " agents: " + std::to_string(s.median()) + " s per matrix");
    }

private:
    bool report_diff(const std::string& what, const void* a, const void* b, size_t bytes) {
        if (std::memcmp(a, b, bytes) == 0) return true;
        const auto* x = static_cast<const unsigned char*>(a);
        const auto* y = static_cast<const unsigned char*>(b);
        size_t i = 0;
        while (x[i] == y[i]) ++i;
        std::fprintf(stderr, "bench_gpu: IDENTITY MISMATCH in %s: first differing byte %zu of %zu\n", what.c_str(), i, bytes);
        return false;
    }

    Args args_;
    std::string backend_;
    std::string library_;
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string s = argv[i];
        auto value = [&]() -> int32_t {
            if (i + 1 >= argc) die("missing value after " + s);
            return static_cast<int32_t>(std::strtol(argv[++i], nullptr, 10));
        };
        if (s == "--json") a.json = true;
        else if (s == "--quick") a.quick = true;
        else if (s == "--cpu") a.cpu = true;
        else if (s == "--require-gpu") a.require_gpu = true;
        else if (s == "--agents") a.agents = value();
        else if (s == "--device") a.device = value();
        else if (s == "--help" || s == "-h") {
            std::printf("usage: isn_bench_gpu [--json] [--quick] [--agents K] [--device D] [--cpu] [--require-gpu]\n");
            std::exit(0);
        } else {
            die("unknown argument " + s);
        }
    }
    if (a.agents < 1) die("--agents must be >= 1");
    return a;
}

}  // namespace

int main(int argc, char** argv) {
    const Args args = parse(argc, argv);
    const std::string version = isn_version_string();
    if (!args.cpu) {
        int32_t count = 0;
        ok(isn_gpu_device_count(&count), "isn_gpu_device_count");
        if (count <= args.device) {
            // The library's reason: no device, or the GPU plug-in (or its runtime) missing.
            isn_context* probe = nullptr;
            const isn_status st = isn_context_create_gpu(args.device, &probe);
            const std::string why = st == ISN_STATUS_OK ? "no usable GPU device" : isn_last_error_message();
            if (probe != nullptr) isn_context_destroy(probe);
            std::fprintf(stderr, "bench_gpu: no GPU: %s (library %s); nothing measured\n", why.c_str(), version.c_str());
            return args.require_gpu ? 2 : 0;
        }
    }
    // backend: the CLI's names (`ising bench` rows); library: the flavour.
    Bench b(args, args.cpu ? "native-cpu" : "gpu", version);
    auto group = [&](const std::string& name, auto&& body) {
        // A fresh context per group: its peak is that workload's footprint.
        Ctx ctx(args.cpu, args.device);
        std::fprintf(stderr, "bench_gpu: %s on %s\n", name.c_str(), ctx.describe().c_str());
        body(ctx);
        b.add(name.empty() ? "peak-gpu-memory" : "peak-gpu-memory-" + name, ctx.peak_mb(), "MB", nullptr,
              ctx.describe(), "device high-water mark of this workload's context");
    };
    auto print = [&] {
        if (args.json) {
            isn_bench::print_table(stderr, b.rows);
            isn_bench::print_json(stdout, b.rows);
        } else {
            isn_bench::print_table(stdout, b.rows);
        }
    };

    // Identity first: timing a GPU that computes something else is pointless.
    bool same = true;
    group("identity", [&](const Ctx& c) { same = b.identity_check(c); });
    if (!same) {
        print();
        std::fprintf(stderr, "bench_gpu: FAILED: GPU results differ from the CPU backend's bytes\n");
        return 1;
    }
    // The WORKLOADS.md small workloads; their peak is the `peak-gpu-memory`
    // metric (target <= 16 MB).
    group("", [&](const Ctx& c) {
        b.empathy_latency(c);
        b.observables(c, 100);
    });
    group("empathy-throughput", [&](const Ctx& c) { b.empathy_throughput(c); });
    group("anneal-n20", [&](const Ctx& c) { b.trials_small(c); });
    group("anneal-large", [&](const Ctx& c) {
        b.trials_large(c, 1000, 1);
        b.trials_large(c, 1000, args.quick ? 8 : 264);
        if (!args.quick) b.trials_large(c, 4096, 132);
    });
    group("observables-large", [&](const Ctx& c) { b.observables(c, args.quick ? 10000 : 1000000); });
    group("swarm", [&](const Ctx& c) {
        const int32_t k = args.quick ? 100 : 1000;
        b.matrix(c, k, "swarm-" + std::to_string(k) + "-n20", 5);
    });
    group("matrix", [&](const Ctx& c) {
        const int32_t k = args.quick ? std::min<int32_t>(args.agents, 300) : args.agents;
        b.matrix(c, k, "empathy-matrix-" + std::to_string(k) + "-n20", 3);
    });

    print();
    return 0;
}
