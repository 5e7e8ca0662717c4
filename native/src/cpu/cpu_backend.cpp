// The CPU executor: its anneal loop (cpu_anneal.h: the core's decisions with
// the host's speed-ups: cached beta schedule, integer bracket table,
// vectorised Philox, AVX2/AVX-512 compilations of the loop), one system per
// task, tasks spread over a ThreadPool. Results do not depend on the thread count.
#include <string>
#include <vector>

#include "../backend.h"
#include "../core/anneal.h"
#include "../core/empathy.h"
#include "../core/observables.h"
#include "cpu_anneal.h"
#include "philox_avx2.h"
#include "../host/simd_checks.h"
#include "thread_pool.h"

namespace isn {

namespace {

struct Scratch {
    std::vector<double> phi_d;
    std::vector<float> phi_f;
    std::vector<int8_t> spins;
    // The beta schedule of the last plan seen: beta_t depends only on (beta0,
    // L, T), and recomputing it (one det_exp per step) per anneal cost about
    // as much as the trials of a small system.
    std::vector<double> betas;
    double beta0 = 0.0, log_ratio = 0.0;
    int32_t steps = 0;

    const double* schedule(const core::AnnealPlan& p) {
        if (p.steps != steps || p.beta0 != beta0 || p.log_ratio != log_ratio || betas.empty()) {
            betas.resize(static_cast<size_t>(p.steps));
            for (int32_t t = 0; t < p.steps; ++t) betas[static_cast<size_t>(t)] = core::beta_at(p, t);
            steps = p.steps;
            beta0 = p.beta0;
            log_ratio = p.log_ratio;
        }
        return betas.data();
    }
};

// The CPU loop (cpu_anneal.h) with the host's proposer, for one instruction
// set (ISN_CPU_ANNEAL_VARIANT): the O(n) field update of an accepted flip,
// independent phi_j, element-wise multiply then add, never fused:
// -ffp-contract=off holds for every target, is what vectorises, and it
// dominates at large n. ts: n Reals of scratch beside phi. Chosen once per
// process from the CPU's features.
#if defined(__x86_64__) && defined(__GNUC__)
ISN_CPU_ANNEAL_VARIANT(anneal_avx2, __attribute__((target("avx2"))), false)
ISN_CPU_ANNEAL_VARIANT(anneal_avx512, __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))), true)
#endif
ISN_CPU_ANNEAL_VARIANT(anneal_generic, , false)

// core::observe, with the frustration counts taken by AVX-512 or AVX2 where
// available (integer counts: the same values in any order).
isn_observables observe_one(const isn_system_view& v) {
#ifdef ISN_HAVE_AVX2_CHECKS
    if (cpu::cpu_has_avx2()) {
        isn_observables o;
        o.energy = core::energy(v.n, v.couplings, v.fields, v.spins);
        o.magnetization = core::magnetization(v.n, v.spins);
        thread_local std::vector<double> spins_as_doubles;  // the kernels' padded scratch
        if (spins_as_doubles.size() < static_cast<size_t>(v.n) + 7) spins_as_doubles.resize(static_cast<size_t>(v.n) + 7);
        int64_t nz = 0, fr = 0;
        if (cpu::cpu_has_avx512())
            cpu::frustration_counts_avx512(v.n, v.couplings, v.spins, spins_as_doubles.data(), nz, fr);
        else
            cpu::frustration_counts_avx2(v.n, v.couplings, v.spins, spins_as_doubles.data(), nz, fr);
        o.frustration = core::frustration_ratio(nz, fr);
        o.emotion = core::emotion_of(v.n, o.energy, o.magnetization, o.frustration);
        return o;
    }
#endif
    return core::observe(v.n, v.couplings, v.fields, v.spins);
}

// Coupling elements per observe batch below which it runs without the pool.
constexpr int64_t kInlineObserveWork = int64_t{1} << 17;
// Trials per anneal batch below which it runs without the pool: such a batch
// takes about as long as waking a worker (docs/PERFORMANCE.md, "Decisions
// behind the native code").
constexpr int64_t kInlineAnnealTrials = int64_t{1} << 13;

enum class Isa { generic, avx2, avx512 };

Isa detect_isa() {
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
        return Isa::avx512;
    if (__builtin_cpu_supports("avx2")) return Isa::avx2;
#endif
    return Isa::generic;
}

template <class Real>
core::AnnealCounts anneal_one(Isa isa, int32_t n, const double* J, const double* h, uint64_t seed,
                              const core::AnnealPlan& p, const double* betas, int8_t* s, Real* phi,
                              const cpu::BlockProposer& proposer) {
    // The loop's other scratch arrays (the spins as Real +-2, the wide loop's
    // dE), per worker thread.
    thread_local std::vector<Real> ts;
    thread_local std::vector<double> E;
    if (ts.size() < static_cast<size_t>(n)) ts.resize(static_cast<size_t>(n));
    if (E.size() < cpu::wide_scratch(n)) E.resize(cpu::wide_scratch(n));
#if defined(__x86_64__) && defined(__GNUC__)
    if (isa == Isa::avx512) return anneal_avx512<Real>(n, J, h, seed, p, betas, s, ts.data(), phi, E.data(), proposer);
    if (isa == Isa::avx2) return anneal_avx2<Real>(n, J, h, seed, p, betas, s, ts.data(), phi, E.data(), proposer);
#endif
    (void)isa;
    return anneal_generic<Real>(n, J, h, seed, p, betas, s, ts.data(), phi, E.data(), proposer);
}

class CpuBackend final : public Backend {
public:
    explicit CpuBackend(int32_t threads) : pool_(threads), scratch_(static_cast<size_t>(threads)) {}

    isn_backend kind() const override { return ISN_BACKEND_CPU; }

    std::string describe() const override {
        return "cpu, " + std::to_string(pool_.size()) + (pool_.size() == 1 ? " thread" : " threads");
    }

    void run_anneal(const SystemSet& systems, const JobRange& jobs, const isn_anneal_options& options,
                    const isn_weights* weights, int8_t* spins_out, isn_anneal_stats* stats,
                    isn_empathy_result* results, double* scores) override {
        const bool scoring = results != nullptr || scores != nullptr;
        const auto one = [&](int64_t k, int32_t worker) {
            const Job job = jobs.at(static_cast<int32_t>(k));
            const isn_system_view& o = systems.views[job.other];
            const int32_t n = o.n;
            Scratch& sc = scratch_[static_cast<size_t>(worker)];
            int8_t* s;
            if (spins_out != nullptr) {
                s = spins_out + job.spin_offset;
            } else {
                if (sc.spins.size() < static_cast<size_t>(n)) sc.spins.resize(static_cast<size_t>(n));
                s = sc.spins.data();
            }
            const core::AnnealPlan plan = core::make_plan(options, n);
            const double* betas = sc.schedule(plan);
            core::AnnealCounts c;
            if (options.precision == ISN_PRECISION_SINGLE) {
                if (sc.phi_f.size() < static_cast<size_t>(n)) sc.phi_f.resize(static_cast<size_t>(n));
                c = anneal_one<float>(isa_, n, o.couplings, o.fields, job.seed, plan, betas, s, sc.phi_f.data(), proposer_);
            } else {
                if (sc.phi_d.size() < static_cast<size_t>(n)) sc.phi_d.resize(static_cast<size_t>(n));
                c = anneal_one<double>(isa_, n, o.couplings, o.fields, job.seed, plan, betas, s, sc.phi_d.data(), proposer_);
            }
            if (stats != nullptr) {
                isn_anneal_stats& st = stats[k];
                st.steps = plan.steps;
                st.reserved0 = 0;
                st.trials = c.trials;
                st.accepted = c.accepted;
                st.energy = core::energy(n, o.couplings, o.fields, s);
            }
            if (scoring) {
                isn_empathy_result r;
                core::score_job(n, o.couplings, o.fields, o.spins, systems.views[job.self].couplings, s, *weights,
                                systems.norms, systems.energies, job.self, job.other, r);
                r.steps = plan.steps;
                r.reserved0 = 0;
                r.trials = c.trials;
                r.accepted = c.accepted;
                if (results != nullptr) results[k] = r;
                if (scores != nullptr) scores[k] = r.score;
            }
        };
        // A few small anneals (social attention over a handful of agents)
        // finish on the calling thread before a woken pool worker would
        // start; the estimate is the first job's trial count times the jobs.
        const int32_t n0 = systems.views[jobs.at(0).other].n;
        const int64_t per_job = static_cast<int64_t>(core::steps_for(options, n0)) * options.trials_per_step;
        if (per_job < kInlineAnnealTrials && per_job * jobs.count < kInlineAnnealTrials) {
            for (int32_t k = 0; k < jobs.count; ++k) one(k, 0);
            return;
        }
        pool_.run(jobs.count, one);
    }

    void observe(const isn_system_view* systems, int32_t count, isn_observables* out) override {
        // A batch of small systems is a few microseconds: on the calling
        // thread it is done before a pool worker would have woken up.
        int64_t work = 0;
        for (int32_t k = 0; k < count; ++k) work += static_cast<int64_t>(systems[k].n) * systems[k].n;
        if (work < kInlineObserveWork) {
            for (int32_t k = 0; k < count; ++k) out[k] = observe_one(systems[k]);
            return;
        }
        pool_.run(count, [&](int64_t k, int32_t) {
            const isn_system_view& v = systems[k];
            out[k] = observe_one(v);
        });
    }

    bool observes_on_host() const override { return true; }

    void host_for(int64_t count, const std::function<void(int64_t)>& fn) override {
        pool_.run(count, [&](int64_t k, int32_t) { fn(k); });
    }

private:
    cpu::ThreadPool pool_;
    std::vector<Scratch> scratch_;
    cpu::BlockProposer proposer_;
    Isa isa_ = detect_isa();
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(int32_t threads) { return std::make_unique<CpuBackend>(threads); }

}  // namespace isn
