// The operation families over a SystemSet (api/operations.h): the one code
// path behind both the borrowed-view and the agent-set entry points.
#include "operations.h"

#include "../core/quench.h"

namespace isn {

void run_anneals(Backend& b, const SystemSet& systems, const int32_t* members, int32_t count, const uint64_t* seeds,
                 const isn_anneal_options& options, int8_t* spins_out, isn_anneal_stats* stats_out,
                 const isn_run_control* control) {
    std::vector<Job>& jobs = plan_scratch().jobs;
    int64_t offset = 0;
    for_each_tile(count, max_tile(systems, count), control, [&](int64_t begin, int64_t end) {
        jobs.resize(static_cast<size_t>(end - begin));
        for (int64_t k = begin; k < end; ++k) {
            const int32_t m = members != nullptr ? members[k] : static_cast<int32_t>(k);
            jobs[static_cast<size_t>(k - begin)] = Job{m, -1, seeds[k], offset};
            offset += systems.views[m].n;
        }
        JobRange range;
        range.list = jobs.data();
        range.count = static_cast<int32_t>(end - begin);
        b.run_anneal(systems, range, options, nullptr, spins_out, stats_out != nullptr ? stats_out + begin : nullptr,
                     nullptr, nullptr);
    });
}

void run_empathy_pairs(Backend& b, const SystemSet& systems, const isn_pair* pairs, int32_t count,
                       const isn_empathy_options& options, isn_empathy_result* results,
                       const isn_run_control* control) {
    // Pair ranges need an executor copy on a GPU (hip/gpu_backend.hip): a
    // borrowed set's pairs go as a job list, the same jobs.
    std::vector<Job>& jobs = plan_scratch().jobs;
    for_each_tile(count, max_tile(systems, count), control, [&](int64_t begin, int64_t end) {
        JobRange range;
        range.count = static_cast<int32_t>(end - begin);
        if (!is_borrowed(systems)) {
            range.pairs = pairs + begin;
        } else {
            jobs.resize(static_cast<size_t>(end - begin));
            for (int64_t k = begin; k < end; ++k)
                jobs[static_cast<size_t>(k - begin)] = Job{pairs[k].other_index, pairs[k].self_index, pairs[k].seed, 0};
            range.list = jobs.data();
        }
        b.run_anneal(systems, range, options.anneal, &options.weights, nullptr, nullptr, results + begin, nullptr);
    });
}

void run_estimates(Backend& b, const SystemSet& s, const isn_pair* pairs, int32_t count,
                   const isn_estimate_options& o, isn_quick_estimate* results) {
    const int64_t n = s.max_n;
    // Per pair: the similarity's dot (n^2 / 2), plus both energies when not cached.
    const int64_t seed_work = s.energies != nullptr ? n * n / 2 : n * n * 3 / 2;
    if (o.method == ISN_QUICK_SEED) {
        for_members(b, count, count * seed_work, [&](int64_t k) {
            results[k] = core::quick_estimate_from(energy_of(s, pairs[k].self_index), energy_of(s, pairs[k].other_index),
                                                   similarity_of(s, pairs[k]), o.scale);
        });
        return;
    }
    const EstimateRun run = [&](int64_t items, int64_t per_item, const std::function<void(int64_t)>& body) {
        for_members(b, items, items * per_item, body);
    };
    quench_estimates(
        pairs, count, n, o.weights, results,
        [&](int32_t other) {
            const isn_system_view& v = s.views[other];
            return quench_parts_host(v.n, v.couplings, v.fields, v.spins, energy_of(s, other));
        },
        [&](int64_t k) { return similarity_of(s, pairs[k]); }, run);
}

void run_similarities(Backend& b, const SystemSet& s, const isn_pair* pairs, int32_t count, double* results) {
    const int64_t n = s.max_n;
    const int64_t per_pair = s.norms != nullptr ? n * n / 2 : n * n * 3 / 2;
    for_members(b, count, count * per_pair, [&](int64_t k) { results[k] = similarity_of(s, pairs[k]); });
}

}  // namespace isn
