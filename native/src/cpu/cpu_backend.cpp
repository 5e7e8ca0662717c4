// The CPU executor: the core's sequential anneal, one system per task, tasks
// spread over a ThreadPool. Results do not depend on the thread count.
#include <string>
#include <vector>

#include "../backend.h"
#include "../core/anneal.h"
#include "../core/empathy.h"
#include "../core/observables.h"
#include "philox_avx2.h"
#include "thread_pool.h"

namespace isn {

namespace {

struct Scratch {
    std::vector<double> phi_d;
    std::vector<float> phi_f;
    std::vector<int8_t> spins;
};

class CpuBackend final : public Backend {
public:
    explicit CpuBackend(int32_t threads) : pool_(threads), scratch_(static_cast<size_t>(threads)) {}

    isn_backend kind() const override { return ISN_BACKEND_CPU; }

    std::string describe() const override {
        return "cpu, " + std::to_string(pool_.size()) + (pool_.size() == 1 ? " thread" : " threads");
    }

    void run_anneal(const isn_system_view* systems, int32_t, const Job* jobs, int32_t job_count,
                    const isn_anneal_options& options, const isn_weights* weights, int8_t* spins_out,
                    isn_anneal_stats* stats, isn_empathy_result* results) override {
        pool_.run(job_count, [&](int64_t k, int32_t worker) {
            const Job& job = jobs[k];
            const isn_system_view& o = systems[job.other];
            const int32_t n = o.n;
            Scratch& sc = scratch_[static_cast<size_t>(worker)];
            int8_t* s;
            if (spins_out != nullptr) {
                s = spins_out + job.spin_offset;
            } else {
                sc.spins.resize(static_cast<size_t>(n));
                s = sc.spins.data();
            }
            const core::AnnealPlan plan = core::make_plan(options, n);
            core::AnnealCounts c;
            if (options.precision == ISN_PRECISION_SINGLE) {
                sc.phi_f.resize(static_cast<size_t>(n));
                c = core::anneal_system<float>(n, o.couplings, o.fields, job.seed, plan, s, sc.phi_f.data(),
                                                  core::host_exp_table(), proposer_);
            } else {
                sc.phi_d.resize(static_cast<size_t>(n));
                c = core::anneal_system<double>(n, o.couplings, o.fields, job.seed, plan, s, sc.phi_d.data(),
                                                   core::host_exp_table(), proposer_);
            }
            if (stats != nullptr) {
                isn_anneal_stats& st = stats[k];
                st.steps = plan.steps;
                st.reserved0 = 0;
                st.trials = c.trials;
                st.accepted = c.accepted;
                st.energy = core::energy(n, o.couplings, o.fields, s);
            }
            if (results != nullptr) {
                isn_empathy_result& r = results[k];
                core::score_empathy(n, o.couplings, o.fields, o.spins, systems[job.self].couplings, s, *weights, r);
                r.steps = plan.steps;
                r.reserved0 = 0;
                r.trials = c.trials;
                r.accepted = c.accepted;
            }
        });
    }

    void observe(const isn_system_view* systems, int32_t count, isn_observables* out) override {
        pool_.run(count, [&](int64_t k, int32_t) {
            const isn_system_view& v = systems[k];
            out[k] = core::observe(v.n, v.couplings, v.fields, v.spins);
        });
    }

    void host_for(int64_t count, const std::function<void(int64_t)>& fn) override {
        pool_.run(count, [&](int64_t k, int32_t) { fn(k); });
    }

private:
    cpu::ThreadPool pool_;
    std::vector<Scratch> scratch_;
    cpu::BlockProposer proposer_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(int32_t threads) { return std::make_unique<CpuBackend>(threads); }

}  // namespace isn
