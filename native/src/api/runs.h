// Long runs cut into tiles inside the engine, shared by the borrowed-view and
// the agent-set entry points: one C call, many backend calls, run control
// (progress + cancel) between tiles.
#pragma once
#include <algorithm>
#include <chrono>
#include <string>

#include "../backend.h"
#include "../common/errors.h"

namespace isn {

// The most jobs one tile may hold: 2^16, fewer for big systems so a GPU tile's
// work buffers (spins and phi per job) stay near 2^24 spins however big n is.
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

// Tiles are sized by time, not by count, so a cancel or a progress report
// comes within about kTileTarget however long a job takes (a fixed job count
// can make a tile last most of a second on a small CPU: docs/PERFORMANCE.md,
// "Decisions behind the native code"). The first tile is kFirstTileJobs;
// each next one aims at kTileTarget from the rate the last one measured
// (growing at most 4x a step, so one slow tile cannot follow a burst of fast
// ones with a huge one), capped at max_tile. Every job carries its own seed (a matrix entry's is
// seed_base + its index), so where the tiles are cut never changes a result.
constexpr int64_t kFirstTileJobs = 64;
constexpr std::chrono::nanoseconds kTileTarget = std::chrono::milliseconds(30);

inline int64_t next_tile_jobs(int64_t jobs, std::chrono::nanoseconds took, int64_t max_tile) {
    const int64_t grown = jobs * 4;
    int64_t next = grown;
    if (took.count() > 0) {
        const double aim = static_cast<double>(jobs) * static_cast<double>(kTileTarget.count()) /
                           static_cast<double>(took.count());
        next = aim < static_cast<double>(grown) ? static_cast<int64_t>(aim) : grown;
    }
    return std::clamp<int64_t>(next, 1, max_tile);
}

// run(begin, end) for consecutive tiles of [0, total) (each at most max_tile
// jobs, sized as above). Before each tile the cancel flag is read (set:
// ISN_STATUS_CANCELLED, the finished tiles' outputs stay written); after each,
// progress(done, total) is reported. A call without controls has nobody to
// answer, so its tiles are max_tile from the start (fewer backend calls).
template <class F>
void for_each_tile(int64_t total, int64_t max_tile, const isn_run_control* control, F&& run) {
    const bool timed = control != nullptr;
    int64_t tile = timed ? std::min(kFirstTileJobs, max_tile) : max_tile;
    for (int64_t begin = 0; begin < total;) {
        if (cancel_requested(control))
            fail(ISN_STATUS_CANCELLED, "cancelled by the caller's flag after " + std::to_string(begin) + " of " +
                                           std::to_string(total) + " jobs (the outputs of those are written)");
        const int64_t end = std::min(begin + tile, total);
        // Only a controlled call reads the clock: an uncontrolled one is often
        // a single small tile, whose latency the clock reads would show.
        const auto start = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
        run(begin, end);
        if (timed) tile = next_tile_jobs(end - begin, std::chrono::steady_clock::now() - start, max_tile);
        begin = end;
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
