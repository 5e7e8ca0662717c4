// Agent sets: create once (validate, copy, compute per-member constants, make
// the executor copy), run many (no validation of the systems, no re-upload).
// Every entry point checks ALL its arguments before it writes anything; the
// long ones run tiled (api/runs.h) under the caller's isn_run_control.
#include "agent_set.h"

#include <algorithm>
#include <string>

#include "../common/errors.h"
#include "../core/empathy.h"
#include "../core/observables.h"
#include "../core/social.h"
#include "handles.h"
#include "operations.h"
#include "validate.h"

namespace isn {

namespace {

HandleRegistry<AgentSet>& registry() {
    static HandleRegistry<AgentSet> r;
    return r;
}

[[noreturn]] void not_live() {
    fail(ISN_STATUS_INVALID_HANDLE,
         "argument 'set' is not a live agent set (destroyed, destroyed twice, or never created by this library)");
}

std::shared_ptr<AgentSet> find_set(isn_agent_set* set) {
    if (set == nullptr) fail(ISN_STATUS_INVALID_HANDLE, "argument 'set' is null");
    std::shared_ptr<AgentSet> s = registry().find(handle_value(set));
    if (s == nullptr) not_live();
    return s;
}

// A set with its context locked, for one call.
struct SetRef {
    ContextRef context;
    std::shared_ptr<AgentSet> set;
    Backend& backend() const { return context.backend(); }
};

// Calls that name the context: the set must belong to it.
SetRef acquire_set(isn_context* context, isn_agent_set* set) {
    ContextRef ref = acquire(context);
    std::shared_ptr<AgentSet> s = find_set(set);
    if (s->owner.get() != ref.state())
        fail(ISN_STATUS_INVALID_HANDLE, "argument 'set' belongs to another context than argument 'context'");
    if (s->destroyed) fail(ISN_STATUS_INVALID_HANDLE, "argument 'set' was destroyed");
    return SetRef{std::move(ref), std::move(s)};
}

// Calls on the set alone: its own context is locked.
SetRef acquire_set(isn_agent_set* set) {
    std::shared_ptr<AgentSet> s = find_set(set);
    ContextRef ref(s->owner);
    if (ref.state()->backend == nullptr)
        fail(ISN_STATUS_INVALID_HANDLE, "argument 'set' outlived its context (isn_context_destroy was called)");
    if (s->destroyed) fail(ISN_STATUS_INVALID_HANDLE, "argument 'set' was destroyed");
    return SetRef{std::move(ref), std::move(s)};
}

std::string at(const char* name, int64_t k) { return std::string(name) + "[" + std::to_string(k) + "]"; }

// The observables of a valid system with spins, bit for bit core::observe's:
// the one-pass kernel where the CPU has it, else the core.
isn_observables observables_of(const isn_system_view& v) {
    isn_observables o;
    if (one_pass_observe_available() && observables_if_valid_fast(v, o)) {
        o.emotion = core::emotion_of(v.n, o.energy, o.magnetization, o.frustration);
        return o;
    }
    return core::observe(v.n, v.couplings, v.fields, v.spins);
}

// A member copied from a validated view, with its constants.
void fill_member(Member& m, const isn_system_view& v) {
    const int64_t n = v.n;
    m.n = v.n;
    m.Jh.resize(static_cast<size_t>(n * n + n));
    std::copy(v.couplings, v.couplings + n * n, m.Jh.begin());
    std::copy(v.fields, v.fields + n, m.Jh.begin() + n * n);
    if (v.spins != nullptr)
        m.spins.assign(v.spins, v.spins + n);
    else
        m.spins.clear();
    m.norm = core::coupling_norm(v.n, m.Jh.data());
    m.observables = m.has_spins() ? observables_of(m.view()) : isn_observables{};
}

// Member k's entries of views/norms/energies, and max_n.
void refresh_member(AgentSet& s, int32_t index) {
    const size_t k = static_cast<size_t>(index);
    const Member& m = s.members[k];
    const int32_t old_n = s.views[k].n;
    s.views[k] = m.view();
    s.norms[k] = m.norm;
    s.energies[k] = m.observables.energy;
    if (m.n >= s.max_n) {
        s.max_n = m.n;
    } else if (old_n == s.max_n) {  // the largest may have shrunk: one scan
        s.max_n = 0;
        for (const Member& o : s.members) s.max_n = std::max(s.max_n, o.n);
    }
}

// views/norms/energies/max_n from the members.
void refresh_tables(AgentSet& s) {
    const size_t K = s.members.size();
    s.views.resize(K);
    s.norms.resize(K);
    s.energies.resize(K);
    int32_t max_n = 0;
    for (size_t k = 0; k < K; ++k) {
        const Member& m = s.members[k];
        s.views[k] = m.view();
        s.norms[k] = m.norm;
        s.energies[k] = m.observables.energy;
        max_n = std::max(max_n, m.n);
    }
    s.max_n = max_n;
}

int64_t host_bytes(const AgentSet& s) {
    int64_t bytes = static_cast<int64_t>(sizeof(AgentSet));
    for (const Member& m : s.members)
        bytes += static_cast<int64_t>(sizeof(Member) + m.Jh.capacity() * sizeof(double) + m.spins.capacity());
    bytes += static_cast<int64_t>(s.views.capacity() * sizeof(isn_system_view) +
                                  (s.norms.capacity() + s.energies.capacity()) * sizeof(double));
    return bytes;
}

// An argument naming a member: `name`, or `name[k]suffix` when k >= 0 (the
// text is only built when a check fails: a valid call allocates nothing).
struct ArgName {
    const char* name;
    int64_t k = -1;
    const char* suffix = "";
    std::string text() const { return k < 0 ? std::string(name) : at(name, k) + suffix; }
};

void require_member(const AgentSet& s, int64_t index, const ArgName& arg) {
    if (index < 0 || index >= s.count())
        invalid("argument '" + arg.text() + "' = " + std::to_string(index) + " is outside [0, " +
                std::to_string(s.count()) + ") (members of the set)");
}

void require_spins(const AgentSet& s, int32_t index, const ArgName& arg) {
    if (!s.members[static_cast<size_t>(index)].has_spins())
        invalid("argument '" + arg.text() + "' = " + std::to_string(index) +
                " names a member without spins (spins are required here)");
}

// Pairs or edges of members: indices in range, equal n, spins where needed.
template <class P>
void validate_member_pairs(const AgentSet& s, const P* pairs, int32_t count, const char* name, bool self_spins,
                           bool other_spins) {
    validate_pairs(s.views.data(), s.count(), pairs, count, name,
                   PairCheck{PairWording::members, self_spins, other_spins});
}

void require_count(int64_t count, int64_t hi, const char* name) { require_range(count, 1, hi, name); }

// Member `index` was changed in place (undo() puts the old data back): the
// tables follow, then the executor copy (patched in place when the executor
// can, else made anew). A failure leaves the set as it was: the host data is
// restored, and an executor copy that may be half patched is dropped (the
// next run makes a fresh one from the host data).
template <class Undo>
void commit_member(Backend& b, AgentSet& s, int32_t index, bool spins_only, Undo&& undo) {
    refresh_member(s, index);
    try {
        if (s.resident_valid && s.resident != nullptr) {
            bool patched = false;
            try {
                patched = b.update_resident(*s.resident, s.views.data(), s.count(), index, s.norms.data(),
                                            s.energies.data(), spins_only);
            } catch (...) {
                s.resident_valid = false;
                throw;
            }
            if (!patched) s.resident = b.make_resident(s.views.data(), s.count(), s.norms.data(), s.energies.data());
        }
    } catch (...) {
        undo();
        refresh_member(s, index);
        throw;
    }
}

}  // namespace

SystemSet AgentSet::systems(Backend& b) {
    if (!resident_valid) {
        resident.reset();
        resident = b.make_resident(views.data(), count(), norms.data(), energies.data());
        resident_valid = true;
    }
    SystemSet s = host_tables();
    s.resident = resident.get();
    return s;
}

SystemSet AgentSet::host_tables() const {
    SystemSet s;
    s.views = views.data();
    s.count = count();
    s.max_n = max_n;
    s.norms = norms.data();
    s.energies = energies.data();
    return s;
}

void release_executor_copy(AgentSet& set) {
    set.resident.reset();
    set.resident_valid = false;
}

}  // namespace isn

using namespace isn;

extern "C" {

ISN_API isn_status isn_agent_set_create(isn_context* context, const isn_system_view* systems, int32_t count,
                                        isn_agent_set** out_set) {
    return guard("isn_agent_set_create", [&] {
        const ContextRef ref = acquire(context);
        Backend& b = ref.backend();
        require_not_null(out_set, "out_set");
        require_count(count, ISN_MAX_AGENTS, "count");
        require_not_null(systems, "systems");
        // Validation first, in member order (the first bad member is reported).
        int64_t work = 0;
        for (int32_t k = 0; k < count; ++k) {
            validate_system(systems[k], "systems", k, false);
            work += static_cast<int64_t>(systems[k].n) * systems[k].n;
        }
        auto set = std::make_shared<AgentSet>();
        set->owner = ref.shared_state();
        set->members.resize(static_cast<size_t>(count));
        for_members(b, count, work, [&](int64_t k) { fill_member(set->members[static_cast<size_t>(k)], systems[k]); });
        refresh_tables(*set);
        (void)set->systems(b);  // the executor copy, now (a GPU uploads the set once, here)

        const uint64_t handle = next_handle();
        registry().add(handle, set);
        try {
            ref.state()->sets.insert(set.get());
        } catch (...) {
            (void)registry().take(handle);
            throw;
        }
        *out_set = handle_pointer<isn_agent_set>(handle);
    });
}

ISN_API isn_status isn_agent_set_update(isn_agent_set* set, int32_t index, const isn_system_view* system) {
    return guard("isn_agent_set_update", [&] {
        const SetRef ref = acquire_set(set);
        AgentSet& s = *ref.set;
        require_member(s, index, ArgName{"index"});
        require_not_null(system, "system");
        validate_system(*system, "system", -1, false);
        Member m;
        fill_member(m, *system);
        Member& slot = s.members[static_cast<size_t>(index)];
        std::swap(slot, m);  // m: the old member, until the change is committed
        commit_member(ref.backend(), s, index, false, [&] { std::swap(slot, m); });
    });
}

ISN_API isn_status isn_agent_set_update_spins(isn_agent_set* set, int32_t index, const int8_t* spins) {
    return guard("isn_agent_set_update_spins", [&] {
        const SetRef ref = acquire_set(set);
        AgentSet& s = *ref.set;
        require_member(s, index, ArgName{"index"});
        require_not_null(spins, "spins");
        Member& m = s.members[static_cast<size_t>(index)];
        for (int32_t i = 0; i < m.n; ++i)
            if (spins[i] != 1 && spins[i] != -1)
                invalid("argument 'spins' element [" + std::to_string(i) + "] = " + std::to_string(static_cast<int>(spins[i])) +
                        " is not -1 or +1");
        std::vector<int8_t> new_spins(spins, spins + m.n);
        std::swap(m.spins, new_spins);  // new_spins: the old ones, until committed
        const isn_observables old_observables = m.observables;
        m.observables = observables_of(m.view());
        commit_member(ref.backend(), s, index, true, [&] {
            std::swap(m.spins, new_spins);
            m.observables = old_observables;
        });
    });
}

ISN_API isn_status isn_agent_set_get_info(isn_agent_set* set, isn_agent_set_info* out_info) {
    return guard("isn_agent_set_get_info", [&] {
        const SetRef ref = acquire_set(set);
        require_not_null(out_info, "out_info");
        const AgentSet& s = *ref.set;
        isn_agent_set_info info;
        info.count = s.count();
        info.max_n = s.max_n;
        info.host_bytes = host_bytes(s);
        info.device_bytes = s.resident_valid && s.resident != nullptr ? s.resident->bytes() : 0;
        *out_info = info;
    });
}

ISN_API isn_status isn_agent_set_destroy(isn_agent_set* set) {
    return guard("isn_agent_set_destroy", [&] {
        if (set == nullptr) return;
        std::shared_ptr<AgentSet> s = registry().take(handle_value(set));
        if (s == nullptr) not_live();
        // Waits for a call in progress (it holds the context's lock); the
        // executor copy goes now, while its executor certainly exists.
        std::lock_guard<std::mutex> wait_for_calls(s->owner->mutex);
        s->destroyed = true;
        s->owner->sets.erase(s.get());
        release_executor_copy(*s);
    });
}

ISN_API isn_status isn_set_anneal(isn_context* context, isn_agent_set* set, const int32_t* members, int32_t count,
                                  const uint64_t* seeds, const isn_anneal_options* options, int8_t* spins_out,
                                  isn_anneal_stats* stats_out, const isn_run_control* control) {
    return guard("isn_set_anneal", [&] {
        const TrimScratchOnExit trim_scratch;
        const SetRef ref = acquire_set(context, set);
        AgentSet& s = *ref.set;
        require_count(count, ISN_MAX_BATCH, "count");
        require_not_null(members, "members");
        require_not_null(seeds, "seeds");
        require_not_null(options, "options");
        require_not_null(spins_out, "spins_out");
        validate_anneal_options(*options, "options");
        for (int32_t k = 0; k < count; ++k) require_member(s, members[k], ArgName{"members", k});
        Backend& b = ref.backend();
        run_anneals(b, s.systems(b), members, count, seeds, *options, spins_out, stats_out, control);
    });
}

ISN_API isn_status isn_set_observe(isn_context* context, isn_agent_set* set, const int32_t* members, int32_t count,
                                   isn_observables* results) {
    return guard("isn_set_observe", [&] {
        const SetRef ref = acquire_set(context, set);
        const AgentSet& s = *ref.set;
        require_count(count, ISN_MAX_BATCH, "count");
        require_not_null(results, "results");
        if (members == nullptr) {
            if (count != s.count())
                invalid("argument 'count' = " + std::to_string(count) + " must be the set's size " +
                        std::to_string(s.count()) + " when 'members' is null (every member)");
            for (int32_t k = 0; k < count; ++k)
                if (!s.members[static_cast<size_t>(k)].has_spins())
                    invalid("member " + std::to_string(k) + " has no spins (argument 'members' is null: every "
                            "member is observed, and observing needs spins)");
        } else {
            for (int32_t k = 0; k < count; ++k) {
                require_member(s, members[k], ArgName{"members", k});
                require_spins(s, members[k], ArgName{"members", k});
            }
        }
        for (int32_t k = 0; k < count; ++k)
            results[k] = s.members[static_cast<size_t>(members != nullptr ? members[k] : k)].observables;
    });
}

ISN_API isn_status isn_set_empathy(isn_context* context, isn_agent_set* set, const isn_pair* pairs, int32_t pair_count,
                                   const isn_empathy_options* options, isn_empathy_result* results,
                                   const isn_run_control* control) {
    return guard("isn_set_empathy", [&] {
        const TrimScratchOnExit trim_scratch;
        const SetRef ref = acquire_set(context, set);
        AgentSet& s = *ref.set;
        require_count(pair_count, ISN_MAX_BATCH, "pair_count");
        require_not_null(pairs, "pairs");
        require_not_null(results, "results");
        validate_empathy_options(options);
        validate_member_pairs(s, pairs, pair_count, "pairs", false, true);
        Backend& b = ref.backend();
        run_empathy_pairs(b, s.systems(b), pairs, pair_count, *options, results, control);
    });
}

}  // extern "C"

namespace {

// isn_set_social_attention(_run): validation, then run_social_attention
// (which writes the outputs only once every empathy finished).
void set_social_attention(isn_context* context, isn_agent_set* set, int32_t self_index, const int32_t* others,
                          int32_t count, uint64_t seed_base, const isn_empathy_options* options, double* weights_out,
                          isn_empathy_result* results_out, isn_emotion* collective_out, int32_t* most_empathic_out,
                          const isn_run_control* control) {
    {
        const TrimScratchOnExit trim_scratch;
        const SetRef ref = acquire_set(context, set);
        AgentSet& s = *ref.set;
        require_member(s, self_index, ArgName{"self_index"});
        require_count(count, ISN_MAX_BATCH - 1, "count");
        require_not_null(others, "others");
        require_not_null(weights_out, "weights_out");
        require_not_null(collective_out, "collective_out");
        require_not_null(most_empathic_out, "most_empathic_out");
        validate_empathy_options(options);
        const int32_t n = s.members[static_cast<size_t>(self_index)].n;
        for (int32_t k = 0; k < count; ++k) {
            require_member(s, others[k], ArgName{"others", k});
            require_spins(s, others[k], ArgName{"others", k});
            const int32_t nk = s.members[static_cast<size_t>(others[k])].n;
            if (nk != n)
                invalid("argument '" + at("others", k) + "' = " + std::to_string(others[k]) + " names a member of n = " +
                        std::to_string(nk) + ", but self_index " + std::to_string(self_index) + " has n = " +
                        std::to_string(n));
        }
        Backend& b = ref.backend();
        run_social_attention(
            b, s.systems(b), self_index, [&](int32_t k) { return others[k]; }, count, seed_base, *options,
            [&](int32_t k) { return s.members[static_cast<size_t>(others[k])].observables.emotion; }, weights_out,
            results_out, collective_out, most_empathic_out, control);
    }
}

// isn_set_estimate and the deprecated isn_set_quick_estimate (method seed):
// `entry` names the entry point in messages, `scale_name` the scale.
isn_status set_estimate(const char* entry, isn_context* context, isn_agent_set* set, const isn_pair* pairs,
                        int32_t pair_count, const isn_estimate_options* options, const char* scale_name,
                        isn_quick_estimate* results) {
    return guard(entry, [&] {
        const SetRef ref = acquire_set(context, set);
        AgentSet& s = *ref.set;
        require_count(pair_count, ISN_MAX_BATCH, "pair_count");
        require_not_null(pairs, "pairs");
        require_not_null(results, "results");
        validate_estimate_options(options, scale_name);
        validate_member_pairs(s, pairs, pair_count, "pairs", true, true);
        Backend& b = ref.backend();
        run_estimates(b, s.host_tables(), pairs, pair_count, *options, results);
    });
}

}  // namespace

extern "C" {

ISN_API isn_status isn_set_social_attention(isn_context* context, isn_agent_set* set, int32_t self_index,
                                            const int32_t* others, int32_t count, uint64_t seed_base,
                                            const isn_empathy_options* options, double* weights_out,
                                            isn_empathy_result* results_out, isn_emotion* collective_out,
                                            int32_t* most_empathic_out) {
    return guard("isn_set_social_attention", [&] {
        set_social_attention(context, set, self_index, others, count, seed_base, options, weights_out, results_out,
                             collective_out, most_empathic_out, nullptr);
    });
}

ISN_API isn_status isn_set_social_attention_run(isn_context* context, isn_agent_set* set, int32_t self_index,
                                                const int32_t* others, int32_t count, uint64_t seed_base,
                                                const isn_empathy_options* options, double* weights_out,
                                                isn_empathy_result* results_out, isn_emotion* collective_out,
                                                int32_t* most_empathic_out, const isn_run_control* control) {
    return guard("isn_set_social_attention_run", [&] {
        set_social_attention(context, set, self_index, others, count, seed_base, options, weights_out, results_out,
                             collective_out, most_empathic_out, control);
    });
}

ISN_API isn_status isn_set_empathy_matrix(isn_context* context, isn_agent_set* set, uint64_t seed_base,
                                          const isn_empathy_options* options, double* scores_out,
                                          isn_empathy_result* results_out, const isn_run_control* control) {
    return guard("isn_set_empathy_matrix", [&] {
        const SetRef ref = acquire_set(context, set);
        AgentSet& s = *ref.set;
        require_not_null(scores_out, "scores_out");
        validate_empathy_options(options);
        const int32_t n0 = s.members[0].n;
        for (int32_t k = 0; k < s.count(); ++k) {
            const Member& m = s.members[static_cast<size_t>(k)];
            if (m.n != n0)
                invalid("member " + std::to_string(k) + " has n = " + std::to_string(m.n) + " but member 0 has n = " +
                        std::to_string(n0) + " (the matrix needs one n)");
            if (!m.has_spins())
                invalid("member " + std::to_string(k) + " has no spins (every member is an 'other' of the matrix)");
        }
        Backend& b = ref.backend();
        run_matrix(b, s.systems(b), seed_base, *options, scores_out, results_out, control);
    });
}

ISN_API isn_status isn_set_empathy_edges(isn_context* context, isn_agent_set* set, const isn_edge* edges,
                                         int32_t edge_count, uint64_t seed_base, const isn_empathy_options* options,
                                         double* scores_out, isn_empathy_result* results_out,
                                         const isn_run_control* control) {
    return guard("isn_set_empathy_edges", [&] {
        const SetRef ref = acquire_set(context, set);
        AgentSet& s = *ref.set;
        require_count(edge_count, ISN_MAX_BATCH, "edge_count");
        require_not_null(edges, "edges");
        if (scores_out == nullptr && results_out == nullptr)
            invalid("arguments 'scores_out' and 'results_out' are both null (at least one is needed)");
        validate_empathy_options(options);
        validate_member_pairs(s, edges, edge_count, "edges", false, true);
        Backend& b = ref.backend();
        const SystemSet systems = s.systems(b);
        for_each_tile(edge_count, tile_jobs(s.max_n), control, [&](int64_t begin, int64_t end) {
            JobRange range;
            range.edges = edges + begin;
            range.count = static_cast<int32_t>(end - begin);
            range.K = s.count();
            range.seed_base = seed_base;
            b.run_anneal(systems, range, options->anneal, &options->weights, nullptr, nullptr,
                         results_out != nullptr ? results_out + begin : nullptr,
                         scores_out != nullptr ? scores_out + begin : nullptr);
        });
    });
}

ISN_API isn_status isn_set_quick_estimate(isn_context* context, isn_agent_set* set, const isn_pair* pairs,
                                          int32_t pair_count, double scale, isn_quick_estimate* results) {
    const isn_estimate_options seed = seed_estimate(scale);
    return set_estimate("isn_set_quick_estimate", context, set, pairs, pair_count, &seed, "scale", results);
}

ISN_API isn_status isn_set_estimate(isn_context* context, isn_agent_set* set, const isn_pair* pairs,
                                    int32_t pair_count, const isn_estimate_options* options,
                                    isn_quick_estimate* results) {
    return set_estimate("isn_set_estimate", context, set, pairs, pair_count, options, "options.scale", results);
}

ISN_API isn_status isn_set_coupling_similarity(isn_context* context, isn_agent_set* set, const isn_pair* pairs,
                                               int32_t pair_count, double* results) {
    return guard("isn_set_coupling_similarity", [&] {
        const SetRef ref = acquire_set(context, set);
        AgentSet& s = *ref.set;
        require_count(pair_count, ISN_MAX_BATCH, "pair_count");
        require_not_null(pairs, "pairs");
        require_not_null(results, "results");
        validate_member_pairs(s, pairs, pair_count, "pairs", false, false);
        Backend& b = ref.backend();
        run_similarities(b, s.host_tables(), pairs, pair_count, results);
    });
}

}  // extern "C"
