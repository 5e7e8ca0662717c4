// The executor interface: the C API validates and plans, a Backend executes.
// The CPU backend and the GPU backend both run the core in src/core. This is
// the only header api/ and the executors share (besides core/ and common/).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "../include/isingnative.h"
#include "core/platform.h"

namespace isn {

// One anneal: anneal systems[other]'s J and h with `seed`; when scoring, score
// the prediction as self's empathy towards other. spin_offset places the final
// spins in the caller's spins_out (unused when spins are not returned).
struct Job {
    int32_t other;
    int32_t self;  // -1 when not scoring
    uint64_t seed;
    int64_t spin_offset;
};

// The jobs of one run: an explicit list, pairs, edges, or the implicit matrix
// range. Pairs, edges and matrix jobs always score. Job k of the run is
//  - list:     list[k];
//  - pairs:    self = pairs[k].self_index, other = pairs[k].other_index, seed = pairs[k].seed;
//  - edges:    self = edges[k].self_index, other = edges[k].other_index,
//              seed = seed_base + self * K + other (the matrix entry's seed);
//  - implicit: e = first + k, self = e / K, other = e % K, seed = seed_base + e.
// Only lists carry spin offsets (the others never return spins).
struct JobRange {
    const Job* list = nullptr;
    const isn_pair* pairs = nullptr;
    const isn_edge* edges = nullptr;
    int64_t first = 0;
    int32_t count = 0;
    int32_t K = 0;
    uint64_t seed_base = 0;

    // Host and device (the kernels hold a JobRange whose pointers are device copies).
    ISN_HD Job at(int32_t k) const {
        if (list != nullptr) return list[k];
        if (pairs != nullptr) return Job{pairs[k].other_index, pairs[k].self_index, pairs[k].seed, 0};
        if (edges != nullptr) {
            const isn_edge& e = edges[k];
            return Job{e.other_index, e.self_index,
                       seed_base + static_cast<uint64_t>(e.self_index) * static_cast<uint64_t>(K) +
                           static_cast<uint64_t>(e.other_index),
                       0};
        }
        const int64_t e = first + k;
        return Job{static_cast<int32_t>(e % K), static_cast<int32_t>(e / K), seed_base + static_cast<uint64_t>(e), 0};
    }
};

// An executor's own copy of an agent set's systems (device-resident on a GPU).
// Made by the executor that runs it, released before that executor.
class ResidentSet {
public:
    virtual ~ResidentSet() = default;
    virtual int64_t bytes() const = 0;  // executor memory it holds
};

// The systems of one run. views are always valid host views (into an agent
// set's host copy, or the caller's borrowed systems). The optional per-system
// constants are what the scoring would recompute, cached bit for bit:
// norms[k] = core::coupling_norm(n, J), energies[k] = core::energy(n, J, h, spins).
struct SystemSet {
    const isn_system_view* views = nullptr;
    int32_t count = 0;
    int32_t max_n = 0;              // largest n (0: not known; explicit lists only)
    ResidentSet* resident = nullptr;  // the executor's copy, or null: use the views
    const double* norms = nullptr;
    const double* energies = nullptr;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual isn_backend kind() const = 0;
    virtual std::string describe() const = 0;

    // Runs every job (inputs already validated). spins_out, stats, results and
    // scores may each be null (results and scores are indexed by job, the
    // spins by Job::spin_offset, list jobs only); weights is non-null exactly
    // when results or scores is. Scoring writes results[k] and/or scores[k]
    // (= results[k].score).
    virtual void run_anneal(const SystemSet& systems, const JobRange& jobs, const isn_anneal_options& options,
                            const isn_weights* weights, int8_t* spins_out, isn_anneal_stats* stats,
                            isn_empathy_result* results, double* scores) = 0;

    virtual void observe(const isn_system_view* systems, int32_t count, isn_observables* out) = 0;
    // True when observe runs on the host: the API may then validate and
    // observe in one pass itself (host/simd_observe.h), the same bits.
    virtual bool observes_on_host() const { return false; }

    // Host-side data-parallel loop for the cheap operations (similarity, quick
    // estimates): fn(index) for index in [0, count).
    virtual void host_for(int64_t count, const std::function<void(int64_t)>& fn) = 0;

    // An executor copy of the systems (views valid, validated), or null when
    // the executor reads host views directly (CPU). The constants are as in SystemSet.
    virtual std::unique_ptr<ResidentSet> make_resident(const isn_system_view*, int32_t, const double* /*norms*/,
                                                       const double* /*energies*/) {
        return nullptr;
    }
    // Member `index` of `set` changed (views/norms/energies: the whole set
    // after the change). spins_only: only its spins (and energy) changed.
    // Returns false when the executor cannot patch in place (the caller then
    // makes a new resident copy).
    virtual bool update_resident(ResidentSet&, const isn_system_view*, int32_t /*count*/, int32_t /*index*/,
                                 const double* /*norms*/, const double* /*energies*/, bool /*spins_only*/) {
        return false;
    }

    // Device bytes held now and at most so far (0, 0 for host-only backends).
    virtual void memory_stats(int64_t& current_bytes, int64_t& peak_bytes) const {
        current_bytes = 0;
        peak_bytes = 0;
    }
    // Bytes copied host -> device and device -> host so far (0, 0 for host-only backends).
    virtual void transfer_stats(int64_t& host_to_device, int64_t& device_to_host) const {
        host_to_device = 0;
        device_to_host = 0;
    }
};

std::unique_ptr<Backend> make_cpu_backend(int32_t threads);
// Throws isn::Error(ISN_STATUS_DEVICE_UNAVAILABLE) when there is no such GPU or
// the library was built without GPU support.
std::unique_ptr<Backend> make_gpu_backend(int32_t device);
// Usable GPUs; 0 when there are none or no GPU support is compiled in.
int32_t gpu_device_count();

}  // namespace isn
