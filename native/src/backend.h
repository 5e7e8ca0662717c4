// The executor interface: the C API validates and plans, a Backend executes.
// The CPU backend and the GPU backend both run the core in src/core.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "../include/isingnative.h"

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

class Backend {
public:
    virtual ~Backend() = default;
    virtual isn_backend kind() const = 0;
    virtual std::string describe() const = 0;

    // Runs every job (inputs already validated). spins_out, stats and results
    // may each be null; weights is non-null exactly when results is.
    virtual void run_anneal(const isn_system_view* systems, int32_t system_count, const Job* jobs,
                            int32_t job_count, const isn_anneal_options& options, const isn_weights* weights,
                            int8_t* spins_out, isn_anneal_stats* stats, isn_empathy_result* results) = 0;

    virtual void observe(const isn_system_view* systems, int32_t count, isn_observables* out) = 0;

    // Host-side data-parallel loop for the cheap operations (similarity, quick
    // estimates): fn(index) for index in [0, count).
    virtual void host_for(int64_t count, const std::function<void(int64_t)>& fn) = 0;

    // Device bytes held now and at most so far (0, 0 for host-only backends).
    virtual void memory_stats(int64_t& current_bytes, int64_t& peak_bytes) const {
        current_bytes = 0;
        peak_bytes = 0;
    }
};

std::unique_ptr<Backend> make_cpu_backend(int32_t threads);
// Throws isn::Error(ISN_STATUS_DEVICE_UNAVAILABLE) when there is no such GPU or
// the library was built without GPU support.
std::unique_ptr<Backend> make_gpu_backend(int32_t device);
// Usable GPUs; 0 when there are none or no GPU support is compiled in.
int32_t gpu_device_count();

}  // namespace isn
