// Long runs cut into tiles inside the engine, shared by the borrowed-view and
// the agent-set entry points: one C call, many backend calls, run control
// (progress + cancel) between tiles.
#pragma once
#include <algorithm>
#include <string>

#include "../backend.h"
#include "../common/errors.h"

namespace isn {

// Jobs per tile: 2^16, fewer for big systems so a GPU tile's work buffers
// (spins and phi per job) stay near 2^24 spins however big n is.
inline int64_t tile_jobs(int32_t max_n) {
    constexpr int64_t kTile = int64_t{1} << 16, kSpinsPerTile = int64_t{1} << 24;
    return std::max<int64_t>(64, std::min<int64_t>(kTile, kSpinsPerTile / std::max<int32_t>(max_n, 1)));
}

inline bool cancel_requested(const isn_run_control* control) {
    if (control == nullptr || control->cancel == nullptr) return false;
#if defined(__GNUC__) || defined(__clang__)
    return __atomic_load_n(control->cancel, __ATOMIC_RELAXED) != 0;  // another thread may set it
#else
    return *static_cast<const volatile int32_t*>(control->cancel) != 0;
#endif
}

// run(begin, end) for consecutive tiles of [0, total). Before each tile the
// cancel flag is read (set: ISN_STATUS_CANCELLED, the finished tiles'
// outputs stay written); after each, progress(done, total) is reported.
template <class F>
void for_each_tile(int64_t total, int64_t tile, const isn_run_control* control, F&& run) {
    for (int64_t begin = 0; begin < total; begin += tile) {
        if (cancel_requested(control))
            fail(ISN_STATUS_CANCELLED, "cancelled by the caller's flag after " + std::to_string(begin) + " of " +
                                           std::to_string(total) + " jobs (the outputs of those are written)");
        const int64_t end = std::min(begin + tile, total);
        run(begin, end);
        if (control != nullptr && control->progress != nullptr) control->progress(control->user_data, end, total);
    }
}

// The K x K empathy matrix over `systems` (all of one n, spins present;
// validated): entry e = a*K + b is a's empathy towards b with seed
// seed_base + e, run as implicit jobs (nothing uploaded per tile).
inline void run_matrix(Backend& b, const SystemSet& systems, uint64_t seed_base, const isn_empathy_options& options,
                       double* scores_out, isn_empathy_result* results_out, const isn_run_control* control) {
    const int64_t K = systems.count;
    for_each_tile(K * K, tile_jobs(systems.max_n), control, [&](int64_t begin, int64_t end) {
        JobRange jobs;
        jobs.first = begin;
        jobs.count = static_cast<int32_t>(end - begin);
        jobs.K = systems.count;
        jobs.seed_base = seed_base;
        b.run_anneal(systems, jobs, options.anneal, &options.weights, nullptr, nullptr,
                     results_out != nullptr ? results_out + begin : nullptr,
                     scores_out != nullptr ? scores_out + begin : nullptr);
    });
}

}  // namespace isn
