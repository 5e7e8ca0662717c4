// The operation families of the C API, one path each. An entry point checks
// its own arguments (the messages name them as its caller wrote them), then
// runs the family's code here over a SystemSet: an agent set's tables
// (AgentSet::systems), or the caller's borrowed views seen as a transient set
// (borrowed_set: no copy, no cached constants). Where a set caches a constant
// (norms, energies, observables) a borrowed set has it computed by the same
// core function, so both give the same bits (core/empathy.h score_job).
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "../backend.h"
#include "../core/empathy.h"
#include "../core/social.h"
#include "estimate.h"
#include "runs.h"

namespace isn {

// Below this many coupling elements of work a host loop runs on the calling
// thread alone: waking the pool costs more (the managed backend uses the same
// threshold).
constexpr int64_t kInlineWork = int64_t{1} << 17;

inline void for_members(Backend& b, int64_t count, int64_t work, const std::function<void(int64_t)>& fn) {
    if (work < kInlineWork) {
        for (int64_t k = 0; k < count; ++k) fn(k);
    } else {
        b.host_for(count, fn);
    }
}

// Per-thread planning buffers that keep their capacity between calls, so a
// steady stream of calls allocates nothing (the single-call latency target is
// a few microseconds, and a malloc/free pair per vector is a visible part of it).
struct PlanScratch {
    std::vector<char> need_spins;
    std::vector<Job> jobs;
    std::vector<isn_system_view> systems;
    std::vector<isn_empathy_result> results;
    std::vector<isn_observables> observables;
    std::vector<char> passed;
};

inline PlanScratch& plan_scratch() {
    thread_local PlanScratch scratch;
    return scratch;
}

// Declared first in a call that uses the scratch: on the way out (exceptions
// included) buffers grown past kKeepEntries are released, so one huge batch
// does not pin its planning memory to the thread (its own work dwarfs the
// allocation anyway).
struct TrimScratchOnExit {
    static constexpr size_t kKeepEntries = size_t{1} << 16;
    template <class T>
    static void trim(std::vector<T>& v) {
        if (v.capacity() > kKeepEntries) std::vector<T>().swap(v);
    }
    TrimScratchOnExit() = default;
    TrimScratchOnExit(const TrimScratchOnExit&) = delete;
    TrimScratchOnExit& operator=(const TrimScratchOnExit&) = delete;
    ~TrimScratchOnExit() {
        PlanScratch& s = plan_scratch();
        trim(s.need_spins);
        trim(s.jobs);
        trim(s.systems);
        trim(s.results);
        trim(s.observables);
        trim(s.passed);
    }
};

// The caller's validated views as a transient set: the views themselves (no
// copy), their largest n, no executor copy and no cached constants.
inline SystemSet borrowed_set(const isn_system_view* views, int32_t count) {
    SystemSet s;
    s.views = views;
    s.count = count;
    for (int32_t k = 0; k < count; ++k) s.max_n = std::max(s.max_n, views[k].n);
    return s;
}

// A borrowed set has neither an executor copy nor cached constants; an agent
// set always has its constants (and, on a GPU, its executor copy).
inline bool is_borrowed(const SystemSet& s) { return s.resident == nullptr && s.norms == nullptr; }

// The most jobs of one backend call. A borrowed set runs a call without run
// control in one tile: an executor without its own copy uploads the views at
// every backend call, so tiles would upload them again and again.
inline int64_t max_tile(const SystemSet& s, int64_t count) {
    return is_borrowed(s) ? std::max<int64_t>(count, 1) : tile_jobs(s.max_n);
}

// The energy of system k's spins and the coupling similarity of a pair: cached
// by a set, computed for a borrowed one (the same bits).
inline double energy_of(const SystemSet& s, int32_t k) {
    if (s.energies != nullptr) return s.energies[k];
    const isn_system_view& v = s.views[k];
    return core::energy(v.n, v.couplings, v.fields, v.spins);
}

inline double similarity_of(const SystemSet& s, const isn_pair& p) {
    const isn_system_view& a = s.views[p.self_index];
    const isn_system_view& o = s.views[p.other_index];
    if (s.norms != nullptr)
        return core::coupling_similarity_normed(a.n, a.couplings, o.couplings, s.norms[p.self_index],
                                                s.norms[p.other_index]);
    return core::coupling_similarity(a.n, a.couplings, o.couplings);
}

// The options of the deprecated quick-estimate entry points: method seed with
// `scale` (the weights, which seed does not read, are the defaults: the
// options pass the one check of estimate options).
inline isn_estimate_options seed_estimate(double scale) {
    isn_estimate_options o{};
    o.method = ISN_QUICK_SEED;
    o.scale = scale;
    o.weights = isn_weights{0.4, 0.3, 0.3, 0.0};
    return o;
}

// Anneals of systems members[k] (members null: system k) with seeds[k]; the
// spins of job k follow those of the jobs before it in spins_out.
void run_anneals(Backend& b, const SystemSet& systems, const int32_t* members, int32_t count, const uint64_t* seeds,
                 const isn_anneal_options& options, int8_t* spins_out, isn_anneal_stats* stats_out,
                 const isn_run_control* control);

// The empathy of every pair (validated: indices in range, equal n, other's spins).
void run_empathy_pairs(Backend& b, const SystemSet& systems, const isn_pair* pairs, int32_t count,
                       const isn_empathy_options& options, isn_empathy_result* results,
                       const isn_run_control* control);

// Quick estimates of either method (pairs validated, both systems with spins).
void run_estimates(Backend& b, const SystemSet& systems, const isn_pair* pairs, int32_t count,
                   const isn_estimate_options& options, isn_quick_estimate* results);

// Coupling similarities (pairs validated).
void run_similarities(Backend& b, const SystemSet& systems, const isn_pair* pairs, int32_t count, double* results);

// Social attention of system self_index towards others_of(k), k < count (all
// validated: of self's n, with spins): the empathies run tiled into the
// thread's scratch under `control`, and the outputs are written only once all
// of them finished, so a cancelled call writes nothing (the aggregate of a
// part of the others would be a different, wrong answer, not a partial one).
// emotion_of(k) is other k's emotion (cached by a set, computed for borrowed views).
template <class OthersOf, class EmotionOf>
void run_social_attention(Backend& b, const SystemSet& systems, int32_t self_index, OthersOf&& others_of,
                          int32_t count, uint64_t seed_base, const isn_empathy_options& options,
                          EmotionOf&& emotion_of, double* weights_out, isn_empathy_result* results_out,
                          isn_emotion* collective_out, int32_t* most_empathic_out, const isn_run_control* control) {
    PlanScratch& scratch = plan_scratch();
    std::vector<Job>& jobs = scratch.jobs;
    jobs.resize(static_cast<size_t>(count));
    for (int32_t k = 0; k < count; ++k)
        jobs[static_cast<size_t>(k)] = Job{others_of(k), self_index, seed_base + static_cast<uint64_t>(k), 0};
    std::vector<isn_empathy_result>& results = scratch.results;
    results.resize(static_cast<size_t>(count));
    for_each_tile(count, max_tile(systems, count), control, [&](int64_t begin, int64_t end) {
        JobRange range;
        range.list = jobs.data() + begin;
        range.count = static_cast<int32_t>(end - begin);
        b.run_anneal(systems, range, options.anneal, &options.weights, nullptr, nullptr, results.data() + begin,
                     nullptr);
    });
    // The outputs are written from here on (every check passed, the run finished).
    core::social_attention(count, results.data(), emotion_of, weights_out, *collective_out, *most_empathic_out);
    if (results_out != nullptr) std::copy(results.begin(), results.end(), results_out);
}

}  // namespace isn
