// The GPU kernels: thin drivers around the core (src/core), which holds the
// algorithm. Two anneal regimes, bit-identical by construction:
//  - anneal_threads: one system per thread, many systems per launch (small n);
//  - anneal_blocks: one system per block (large n); every thread computes the
//    same proposal and decision from the same memory, and the O(n) phi update
//    of an accepted flip is spread over the block (each phi_j is independent).
// Both run the whole schedule of every job of the batch in one launch.
// The entry points are extern "C" with fixed names (ISN_GPU_KERNELS in
// gpu_runtime.h), so the AMD plug-in finds them in its code-object bundle by
// name (hipModuleGetFunction); its host pass (ISN_GPU_HOST_ONLY) sees only the
// launch structs.
#pragma once
#include "../backend.h"
#include "../core/anneal.h"
#include "../core/empathy.h"
#include "../core/observables.h"
#include "../gpu/gpu_runtime.h"

namespace isn::gpu {

// The systems of a call, concatenated on the device.
struct DevSystems {
    const double* J;          // all couplings
    const double* h;          // all fields
    const int8_t* spins;      // all actual spins (0 where a system has none)
    const int64_t* j_offset;  // per system: start in J
    const int64_t* v_offset;  // per system: start in h and spins
    const int32_t* n;         // per system
    const double* norm;       // per system core::coupling_norm, or null (computed per job)
    const double* energy;     // per system energy of its actual spins, or null (computed per job)
};

// Per-call constants of a launch.
struct DevJobs {
    JobRange range;              // the jobs of the call; its list/edges point to device copies
    const int64_t* work_offset;  // per job: start of its spins and phi in the work buffers, or
    int64_t slot_n;              //   null: job k's start is k * slot_n
    const int32_t* ids;          // the jobs this launch runs, or null: every job of the range
    int32_t count;               //   whose n is in this launch's regime (see split)
    int32_t split;               // n < split: thread regime, else block regime (when ids is null)
    int32_t score;               // 1: fill results/scores (empathy), 0: fill stats (anneal)
    isn_anneal_options options;
    isn_weights weights;
    int8_t* spins;               // work buffer: final spins of every job
    isn_anneal_stats* stats;
    isn_empathy_result* results;  // or null
    double* scores;               // or null (results[k].score only)
};

#if !defined(ISN_GPU_HOST_ONLY)

__device__ inline int64_t work_offset_of(const DevJobs& dj, int32_t k) {
    return dj.work_offset != nullptr ? dj.work_offset[k] : static_cast<int64_t>(k) * dj.slot_n;
}

// Energy and (when scoring) the empathy result of a finished job.
__device__ inline void finish_job(const DevSystems& sys, const DevJobs& dj, int32_t k, const Job& job,
                                  const int8_t* s, int32_t steps, core::AnnealCounts c) {
    const int32_t n = sys.n[job.other];
    const double* J = sys.J + sys.j_offset[job.other];
    const double* h = sys.h + sys.v_offset[job.other];
    if (dj.score) {
        isn_empathy_result r;
        core::score_job(n, J, h, sys.spins + sys.v_offset[job.other], sys.J + sys.j_offset[job.self], s, dj.weights,
                        sys.norm, sys.energy, job.self, job.other, r);
        r.steps = steps;
        r.reserved0 = 0;
        r.trials = c.trials;
        r.accepted = c.accepted;
        if (dj.results != nullptr) dj.results[k] = r;
        if (dj.scores != nullptr) dj.scores[k] = r.score;
    } else {
        isn_anneal_stats st;
        st.steps = steps;
        st.reserved0 = 0;
        st.trials = c.trials;
        st.accepted = c.accepted;
        st.energy = core::energy(n, J, h, s);
        dj.stats[k] = st;
    }
}

template <class Real>
__device__ void anneal_threads(DevSystems sys, DevJobs dj, Real* phi) {
    const int32_t idx = static_cast<int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
    if (idx >= dj.count) return;
    const int32_t k = dj.ids != nullptr ? dj.ids[idx] : idx;
    const Job job = dj.range.at(k);
    const int32_t n = sys.n[job.other];
    if (dj.ids == nullptr && n >= dj.split) return;  // the block regime's job
    const int64_t off = work_offset_of(dj, k);
    const core::AnnealPlan plan = core::make_plan(dj.options, n);
    // The CPU backend's loop itself: betas computed per step (no table to
    // keep per thread), no bracket table (det_exp decides: same decisions),
    // the core's scalar Philox (one draw per block on the device).
    const core::AnnealCounts c = core::anneal_system_dispatch<Real>(
        n, sys.J + sys.j_offset[job.other], sys.h + sys.v_offset[job.other], job.seed, plan,
        core::ComputedBetas{plan}, nullptr, dj.spins + off, phi + off, core::CoreProposer{});
    finish_job(sys, dj, k, job, dj.spins + off, plan.steps, c);
}

template <class Real>
__device__ void anneal_blocks(DevSystems sys, DevJobs dj, Real* phi) {
    const int32_t k = dj.ids != nullptr ? dj.ids[blockIdx.x] : static_cast<int32_t>(blockIdx.x);
    const Job job = dj.range.at(k);
    const int32_t n = sys.n[job.other];
    if (dj.ids == nullptr && n < dj.split) return;  // the thread regime's job (uniform across the block)
    const int64_t off = work_offset_of(dj, k);
    const double* J = sys.J + sys.j_offset[job.other];
    const double* h = sys.h + sys.v_offset[job.other];
    int8_t* s = dj.spins + off;
    Real* ph = phi + off;
    const int32_t tid = static_cast<int32_t>(threadIdx.x), nt = static_cast<int32_t>(blockDim.x);

    core::init_spins(n, job.seed, s, tid, nt);
    __syncthreads();
    for (int32_t i = tid; i < n; i += nt) ph[i] = core::local_field<Real>(i, n, J, h, s);
    __syncthreads();

    const core::AnnealPlan plan = core::make_plan(dj.options, n);
    core::AnnealCounts c{0, 0};
    int64_t run = 0;
    bool stop = false;
    for (int32_t t = 0; t < plan.steps && !stop; ++t) {
        const double beta = core::beta_at(plan, t);
        for (int32_t kk = 0; kk < plan.trials; ++kk) {
            const uint64_t g = static_cast<uint64_t>(t) * static_cast<uint64_t>(plan.trials) + static_cast<uint64_t>(kk);
            const core::Proposal q = core::propose_in_order(plan.order, job.seed, g, core::kDomainAnnealTrial, n);
            // Uniform across the block: same inputs, same arithmetic in every
            // thread; core::accept is core::decide, the sequential loop's decision.
            const bool ok = core::accept<Real>(ph[q.site], s[q.site], beta, q.u, plan.rule);
            ++c.trials;
            if (ok) {
                ++c.accepted;
                const int8_t new_si = static_cast<int8_t>(-s[q.site]);
                __syncthreads();  // every thread has read ph[site] and s[site]
                if (tid == 0) s[q.site] = new_si;
                core::update_fields<Real>(q.site, new_si, n, J, ph, tid, nt);
                __syncthreads();  // the flip is visible before the next decision
            }
            if (core::early_stop(plan, ok, beta, run)) {
                stop = true;
                break;
            }
        }
    }
    __syncthreads();
    if (tid == 0) finish_job(sys, dj, k, job, s, plan.steps, c);
}

extern "C" {
__global__ void isn_anneal_threads_f64(DevSystems sys, DevJobs dj, double* phi) { anneal_threads<double>(sys, dj, phi); }
__global__ void isn_anneal_threads_f32(DevSystems sys, DevJobs dj, float* phi) { anneal_threads<float>(sys, dj, phi); }
__global__ void isn_anneal_blocks_f64(DevSystems sys, DevJobs dj, double* phi) { anneal_blocks<double>(sys, dj, phi); }
__global__ void isn_anneal_blocks_f32(DevSystems sys, DevJobs dj, float* phi) { anneal_blocks<float>(sys, dj, phi); }

// Observables of every system, one thread per system, one launch.
__global__ void isn_observe_systems(DevSystems sys, int32_t count, isn_observables* out) {
    const int32_t k = static_cast<int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
    if (k >= count) return;
    out[k] = core::observe(sys.n[k], sys.J + sys.j_offset[k], sys.h + sys.v_offset[k], sys.spins + sys.v_offset[k]);
}
}  // extern "C"

#endif  // !ISN_GPU_HOST_ONLY

}  // namespace isn::gpu
