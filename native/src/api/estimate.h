// The host loop of the quick estimates (isn_estimate_batch, isn_set_estimate):
// both methods, every backend, so the results are bit-identical everywhere.
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include "../backend.h"
#include "../core/quench.h"

namespace isn {

// Quench scratch (n spins + n fields) of up to this many spins lives on the
// stack (9 KiB); a larger system takes a per-thread heap buffer, which can
// fail for lack of memory, so such batches compute into a buffer first and
// copy out only when every pair is done (nothing is written on failure).
constexpr int32_t kStackQuenchSpins = 1024;

// The quench estimate of one pair (core::quench_estimate_from with scratch).
inline isn_quick_estimate quench_estimate_host(int32_t n, const double* Jo, const double* ho, const int8_t* so,
                                               double Ea, double c, const isn_weights& w) {
    if (n <= kStackQuenchSpins) {
        int8_t pred[kStackQuenchSpins];
        double phi[kStackQuenchSpins];
        return core::quench_estimate_from(n, Jo, ho, so, Ea, c, w, pred, phi);
    }
    thread_local std::vector<int8_t> pred;
    thread_local std::vector<double> phi;
    if (pred.size() < static_cast<size_t>(n)) {
        pred.resize(static_cast<size_t>(n));
        phi.resize(static_cast<size_t>(n));
    }
    return core::quench_estimate_from(n, Jo, ho, so, Ea, c, w, pred.data(), phi.data());
}

// results[k] = fn(k) for k in [0, count) through run(count, body) (the
// caller's parallel loop); when max_n needs heap scratch, into a buffer first.
inline void estimate_pairs(int64_t count, int32_t max_n, isn_quick_estimate* results,
                           const std::function<isn_quick_estimate(int64_t)>& fn,
                           const std::function<void(int64_t, const std::function<void(int64_t)>&)>& run) {
    if (max_n <= kStackQuenchSpins) {
        run(count, [&](int64_t k) { results[k] = fn(k); });
        return;
    }
    std::vector<isn_quick_estimate> staged(static_cast<size_t>(count));
    run(count, [&](int64_t k) { staged[static_cast<size_t>(k)] = fn(k); });
    for (int64_t k = 0; k < count; ++k) results[k] = staged[static_cast<size_t>(k)];
}

}  // namespace isn
