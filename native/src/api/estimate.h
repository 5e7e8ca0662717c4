// The host loop of the quench estimate (isn_estimate_batch, isn_set_estimate):
// every backend runs it on the host, so the results are bit-identical everywhere.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "../core/quench.h"

namespace isn {

// Quench scratch (n spins + n fields) of up to this many spins lives on the
// stack (9 KiB); a larger system takes a per-thread heap buffer (kept for the
// thread's next call).
constexpr int32_t kStackQuenchSpins = 1024;

// core::quench_parts with scratch.
inline core::EmpathyParts quench_parts_host(int32_t n, const double* Jo, const double* ho, const int8_t* so,
                                            double Ea) {
    if (n <= kStackQuenchSpins) {
        int8_t pred[kStackQuenchSpins];
        double phi[kStackQuenchSpins];
        return core::quench_parts(n, Jo, ho, so, Ea, pred, phi);
    }
    thread_local std::vector<int8_t> pred;
    thread_local std::vector<double> phi;
    if (pred.size() < static_cast<size_t>(n)) {
        pred.resize(static_cast<size_t>(n));
        phi.resize(static_cast<size_t>(n));
    }
    return core::quench_parts(n, Jo, ho, so, Ea, pred.data(), phi.data());
}

// The loop runner of a call: run(count, work_per_item, body) calls body(k) for
// k in [0, count), on the calling thread or the backend's pool.
using EstimateRun = std::function<void(int64_t, int64_t, const std::function<void(int64_t)>&)>;

// Quench estimates of pairs (other_index names a system for parts_of): the
// quench and its parts once per distinct other (parts_of(other), about 2 n^2
// each), then each pair from its other's parts and similarity_of(k) (n^2 / 2).
// A swarm's K^2 pairs thus quench K times. Results are written only in the
// second pass, after everything that can fail (allocation) has succeeded.
inline void quench_estimates(const isn_pair* pairs, int32_t pair_count, int64_t max_n, const isn_weights& w,
                             isn_quick_estimate* results,
                             const std::function<core::EmpathyParts(int32_t)>& parts_of,
                             const std::function<double(int64_t)>& similarity_of, const EstimateRun& run) {
    // The distinct others, sorted (cost by the pairs, not by the size of the set they index).
    std::vector<int32_t> others(static_cast<size_t>(pair_count));
    for (int32_t k = 0; k < pair_count; ++k) others[static_cast<size_t>(k)] = pairs[k].other_index;
    std::sort(others.begin(), others.end());
    others.erase(std::unique(others.begin(), others.end()), others.end());
    std::vector<core::EmpathyParts> parts(others.size());
    run(static_cast<int64_t>(others.size()), 2 * max_n * max_n,
        [&](int64_t i) { parts[static_cast<size_t>(i)] = parts_of(others[static_cast<size_t>(i)]); });
    run(pair_count, max_n * max_n / 2, [&](int64_t k) {
        const auto at = std::lower_bound(others.begin(), others.end(), pairs[k].other_index);
        results[k] = core::quench_estimate_of(parts[static_cast<size_t>(at - others.begin())], similarity_of(k), w);
    });
}

}  // namespace isn
