// The borrowed-view entry points: each validates its arguments (the views as
// isn_agent_set_create validates members, naming them "systems[k]"), sees the
// views as a transient set (borrowed_set: no copy) and runs the operation's
// one path (api/operations.h), the agent-set entry points' code. Outputs are
// written only after validation passed.
#include <algorithm>
#include <string>
#include <vector>

#include "../core/empathy.h"
#include "../core/observables.h"
#include "../core/sample.h"
#include "../core/social.h"
#include "../common/errors.h"
#include "context.h"
#include "operations.h"
#include "validate.h"

using namespace isn;

namespace {

std::string item(const char* name, int64_t k) { return std::string(name) + "[" + std::to_string(k) + "]"; }

// The shape every pair-batch entry point shares: counts in range, arrays present.
void require_pair_batch(const isn_system_view* systems, int32_t system_count, const isn_pair* pairs,
                        int32_t pair_count, const void* results) {
    require_range(system_count, 1, ISN_MAX_BATCH, "system_count");
    require_range(pair_count, 1, ISN_MAX_BATCH, "pair_count");
    require_not_null(systems, "systems");
    require_not_null(pairs, "pairs");
    require_not_null(results, "results");
}

// Marks the systems whose spins the pairs need (`other`, and `self` when both).
const std::vector<char>& needed_spins(int32_t system_count, const isn_pair* pairs, int32_t pair_count, bool self_too) {
    std::vector<char>& need = plan_scratch().need_spins;
    need.assign(static_cast<size_t>(system_count), 0);
    for (int32_t k = 0; k < pair_count; ++k) {
        need[static_cast<size_t>(pairs[k].other_index)] = 1;
        if (self_too) need[static_cast<size_t>(pairs[k].self_index)] = 1;
    }
    return need;
}

void validate_systems(const isn_system_view* systems, int32_t count, const char* name,
                      const std::vector<char>& need_spins) {
    for (int32_t k = 0; k < count; ++k) validate_system(systems[k], name, k, need_spins[static_cast<size_t>(k)] != 0);
}

// isn_observe_batch on the host with AVX-512: validation and observables in
// one pass per system (host/simd_observe.h) while its J is in cache, into
// scratch, copied out only when every system passed. If any did not, the
// ordinary validation runs in order (and throws the first error, the same
// message the plain route gives); a system that is valid but only symmetric
// within the tolerance gets the backend's exact observe.
void observe_in_one_pass(Backend& b, const isn_system_view* systems, int32_t count, isn_observables* results) {
    PlanScratch& scratch = plan_scratch();
    scratch.observables.resize(static_cast<size_t>(count));
    scratch.passed.assign(static_cast<size_t>(count), 0);
    isn_observables* out = scratch.observables.data();
    char* passed = scratch.passed.data();
    int64_t work = 0;
    // n is not validated yet: count only sizes in range (a sum of squares of
    // garbage n such as INT32_MIN overflows int64; those systems fail below).
    for (int32_t k = 0; k < count; ++k) {
        const int64_t n = systems[k].n;
        if (n >= 1 && n <= ISN_MAX_SPINS) work += n * n;
    }
    if (work < kInlineWork) {
        for (int32_t k = 0; k < count; ++k) passed[k] = observables_if_valid_fast(systems[k], out[k]);
    } else {
        b.host_for(count, [&](int64_t k) { passed[k] = observables_if_valid_fast(systems[k], out[k]); });
    }
    bool all = true;
    for (int32_t k = 0; k < count; ++k) {
        all &= passed[k] != 0;
        isn_observables& o = out[k];
        if (passed[k]) o.emotion = core::emotion_of(systems[k].n, o.energy, o.magnetization, o.frustration);
    }
    if (!all) {
        for (int32_t k = 0; k < count; ++k) validate_system(systems[k], "systems", k, true);
        for (int32_t k = 0; k < count; ++k)
            if (!passed[k]) b.observe(systems + k, 1, out + k);
    }
    for (int32_t k = 0; k < count; ++k) results[k] = out[k];
}

// isn_estimate_batch and the deprecated isn_quick_estimate_batch (method
// seed): `entry` names the entry point in messages, `scale_name` the scale.
isn_status estimate_batch(const char* entry, isn_context* context, const isn_system_view* systems,
                          int32_t system_count, const isn_pair* pairs, int32_t pair_count,
                          const isn_estimate_options* options, const char* scale_name, isn_quick_estimate* results) {
    return guard(entry, [&] {
        const TrimScratchOnExit trim_scratch;
        const ContextRef ref = acquire(context);
        require_pair_batch(systems, system_count, pairs, pair_count, results);
        validate_estimate_options(options, scale_name);
        validate_pairs(systems, system_count, pairs, pair_count, "pairs");
        validate_systems(systems, system_count, "systems", needed_spins(system_count, pairs, pair_count, true));
        run_estimates(ref.backend(), borrowed_set(systems, system_count), pairs, pair_count, *options, results);
    });
}

}  // namespace

extern "C" {

ISN_API isn_status isn_anneal_batch(isn_context* context, const isn_system_view* systems, int32_t count,
                                    const uint64_t* seeds, const isn_anneal_options* options, int8_t* spins_out,
                                    isn_anneal_stats* stats_out) {
    return guard("isn_anneal_batch", [&] {
        const TrimScratchOnExit trim_scratch;
        const ContextRef ref = acquire(context);
        require_range(count, 1, ISN_MAX_BATCH, "count");
        require_not_null(systems, "systems");
        require_not_null(seeds, "seeds");
        require_not_null(options, "options");
        require_not_null(spins_out, "spins_out");
        validate_anneal_options(*options, "options");
        for (int32_t k = 0; k < count; ++k) validate_system(systems[k], "systems", k, false);
        run_anneals(ref.backend(), borrowed_set(systems, count), nullptr, count, seeds, *options, spins_out, stats_out,
                    nullptr);
    });
}

ISN_API isn_status isn_empathy_batch(isn_context* context, const isn_system_view* systems, int32_t system_count,
                                     const isn_pair* pairs, int32_t pair_count, const isn_empathy_options* options,
                                     isn_empathy_result* results) {
    return guard("isn_empathy_batch", [&] {
        const TrimScratchOnExit trim_scratch;
        const ContextRef ref = acquire(context);
        require_pair_batch(systems, system_count, pairs, pair_count, results);
        validate_empathy_options(options);
        validate_pairs(systems, system_count, pairs, pair_count, "pairs");
        validate_systems(systems, system_count, "systems", needed_spins(system_count, pairs, pair_count, false));
        run_empathy_pairs(ref.backend(), borrowed_set(systems, system_count), pairs, pair_count, *options, results,
                          nullptr);
    });
}

ISN_API isn_status isn_social_attention(isn_context* context, const isn_system_view* self_system,
                                        const isn_system_view* others, int32_t count, uint64_t seed_base,
                                        const isn_empathy_options* options, double* weights_out,
                                        isn_empathy_result* results_out, isn_emotion* collective_out,
                                        int32_t* most_empathic_out) {
    return guard("isn_social_attention", [&] {
        const TrimScratchOnExit trim_scratch;
        const ContextRef ref = acquire(context);
        require_not_null(self_system, "self_system");
        require_range(count, 1, ISN_MAX_BATCH - 1, "count");
        require_not_null(others, "others");
        require_not_null(weights_out, "weights_out");
        require_not_null(collective_out, "collective_out");
        require_not_null(most_empathic_out, "most_empathic_out");
        validate_empathy_options(options);
        validate_system(*self_system, "self_system", -1, false);
        for (int32_t k = 0; k < count; ++k) {
            validate_system(others[k], "others", k, true);
            if (others[k].n != self_system->n)
                invalid("argument '" + item("others", k) + ".n' = " + std::to_string(others[k].n) +
                        " differs from self_system.n = " + std::to_string(self_system->n));
        }
        // The transient set: member 0 = self, member k + 1 = others[k] (views only).
        std::vector<isn_system_view>& systems = plan_scratch().systems;
        systems.resize(static_cast<size_t>(count) + 1);
        systems[0] = *self_system;
        std::copy(others, others + count, systems.begin() + 1);
        run_social_attention(
            ref.backend(), borrowed_set(systems.data(), count + 1), 0, [](int32_t k) { return k + 1; }, count,
            seed_base, *options,
            [&](int32_t k) { return core::observe(others[k].n, others[k].couplings, others[k].fields, others[k].spins).emotion; },
            weights_out, results_out, collective_out, most_empathic_out, nullptr);
    });
}

ISN_API isn_status isn_empathy_matrix(isn_context* context, const isn_system_view* agents, int32_t count,
                                      uint64_t seed_base, const isn_empathy_options* options, double* scores_out,
                                      isn_empathy_result* results_out) {
    return guard("isn_empathy_matrix", [&] {
        const ContextRef ref = acquire(context);
        Backend& b = ref.backend();
        require_range(count, 1, ISN_MAX_AGENTS, "count");
        require_not_null(agents, "agents");
        require_not_null(scores_out, "scores_out");
        validate_empathy_options(options);
        for (int32_t k = 0; k < count; ++k) {
            validate_system(agents[k], "agents", k, true);
            if (agents[k].n != agents[0].n)
                invalid("argument '" + item("agents", k) + ".n' = " + std::to_string(agents[k].n) +
                        " differs from agents[0].n = " + std::to_string(agents[0].n));
        }
        // The matrix runs as implicit jobs, which need an executor copy (on a
        // GPU: one upload for the whole matrix, then nothing per tile).
        SystemSet set = borrowed_set(agents, count);
        const std::unique_ptr<ResidentSet> resident = b.make_resident(agents, count, nullptr, nullptr);
        set.resident = resident.get();
        run_matrix(b, set, seed_base, *options, scores_out, results_out, nullptr);
    });
}

ISN_API isn_status isn_observe_batch(isn_context* context, const isn_system_view* systems, int32_t count,
                                     isn_observables* results) {
    return guard("isn_observe_batch", [&] {
        const TrimScratchOnExit trim_scratch;
        const ContextRef ref = acquire(context);
        Backend& b = ref.backend();
        require_range(count, 1, ISN_MAX_BATCH, "count");
        require_not_null(systems, "systems");
        require_not_null(results, "results");
        if (b.observes_on_host() && one_pass_observe_available()) {
            observe_in_one_pass(b, systems, count, results);
            return;
        }
        for (int32_t k = 0; k < count; ++k) validate_system(systems[k], "systems", k, true);
        b.observe(systems, count, results);
    });
}

ISN_API isn_status isn_quick_estimate_batch(isn_context* context, const isn_system_view* systems,
                                            int32_t system_count, const isn_pair* pairs, int32_t pair_count,
                                            double scale, isn_quick_estimate* results) {
    const isn_estimate_options seed = seed_estimate(scale);
    return estimate_batch("isn_quick_estimate_batch", context, systems, system_count, pairs, pair_count, &seed,
                          "scale", results);
}

ISN_API isn_status isn_estimate_batch(isn_context* context, const isn_system_view* systems, int32_t system_count,
                                      const isn_pair* pairs, int32_t pair_count, const isn_estimate_options* options,
                                      isn_quick_estimate* results) {
    return estimate_batch("isn_estimate_batch", context, systems, system_count, pairs, pair_count, options,
                          "options.scale", results);
}

ISN_API isn_status isn_coupling_similarity_batch(isn_context* context, const isn_system_view* systems,
                                                 int32_t system_count, const isn_pair* pairs, int32_t pair_count,
                                                 double* results) {
    return guard("isn_coupling_similarity_batch", [&] {
        const ContextRef ref = acquire(context);
        require_pair_batch(systems, system_count, pairs, pair_count, results);
        validate_pairs(systems, system_count, pairs, pair_count, "pairs");
        for (int32_t k = 0; k < system_count; ++k) validate_system(systems[k], "systems", k, false);
        run_similarities(ref.backend(), borrowed_set(systems, system_count), pairs, pair_count, results);
    });
}

ISN_API isn_status isn_sample(isn_context* context, const isn_system_view* system, double beta, int32_t samples,
                              int32_t thin, int32_t burn_in, uint64_t seed, int32_t acceptance, int8_t* states_out,
                              double* energies_out, isn_sample_stats* stats_out) {
    return guard("isn_sample", [&] {
        const ContextRef ref = acquire(context);  // validates the handle; sampling runs on the host
        require_not_null(system, "system");
        validate_system(*system, "system", -1, false);
        require_beta(beta, "beta");
        require_range(samples, 1, INT32_MAX, "samples");
        require_range(thin, 1, INT32_MAX, "thin");
        require_range(burn_in, 0, INT32_MAX, "burn_in");
        if (acceptance != ISN_ACCEPTANCE_METROPOLIS && acceptance != ISN_ACCEPTANCE_SEED_COMPATIBLE)
            invalid("argument 'acceptance' = " + std::to_string(acceptance) + " is not an isn_acceptance");
        require_not_null(states_out, "states_out");
        require_not_null(energies_out, "energies_out");
        const int64_t n = system->n;
        const int64_t sweeps = static_cast<int64_t>(burn_in) + static_cast<int64_t>(samples) * thin;
        if (sweeps > ISN_MAX_TOTAL_TRIALS / n)
            invalid("arguments 'burn_in' + 'samples' * 'thin' = " + std::to_string(sweeps) + " sweeps of n = " +
                    std::to_string(n) + " exceed " + std::to_string(ISN_MAX_TOTAL_TRIALS) + " trials");
        std::vector<int8_t> s(static_cast<size_t>(n), 1);
        const bool random_start = system->spins == nullptr;
        if (!random_start) s.assign(system->spins, system->spins + n);
        std::vector<double> phi(static_cast<size_t>(n));
        const core::AnnealCounts c =
            core::sample_chain(system->n, system->couplings, system->fields, beta, samples, thin, burn_in, seed,
                               acceptance, random_start, s.data(), phi.data(), states_out, energies_out,
                               core::host_bracket_table());
        if (stats_out != nullptr) {
            stats_out->trials = c.trials;
            stats_out->accepted = c.accepted;
            stats_out->acceptance = static_cast<double>(c.accepted) / static_cast<double>(c.trials);
        }
    });
}

}  // extern "C"
