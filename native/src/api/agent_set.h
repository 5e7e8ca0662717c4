// Agent sets (C API 1.2): K member systems copied into the library once.
// isn_agent_set* is an opaque handle value (api/handles.h) looked up in a
// registry, like contexts (api/context.h); the state behind it belongs to one context and is only
// read or changed with that context locked.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "../backend.h"
#include "context.h"

namespace isn {

// One member: the library's copy of its system and its constants.
struct Member {
    int32_t n = 0;
    std::vector<double> Jh;      // n*n couplings, then n fields
    std::vector<int8_t> spins;   // n spins, or empty: "no spins"
    double norm = 0.0;           // core::coupling_norm(n, J)
    isn_observables observables{};  // of its spins (zero when it has none)

    bool has_spins() const { return !spins.empty(); }
    isn_system_view view() const {
        return isn_system_view{n, 0, Jh.data(), Jh.data() + static_cast<int64_t>(n) * n,
                               spins.empty() ? nullptr : spins.data()};
    }
};

class AgentSet {
public:
    std::shared_ptr<ContextState> owner;
    std::vector<Member> members;
    // Parallel to members: what every run reads (SystemSet).
    std::vector<isn_system_view> views;
    std::vector<double> norms, energies;
    int32_t max_n = 0;
    // The executor's copy (null on executors that read the views). Valid
    // only while resident_valid: a failed in-place patch clears it, and the
    // next run makes a fresh copy from the host data.
    std::unique_ptr<ResidentSet> resident;
    bool resident_valid = false;

    bool destroyed = false;  // by isn_agent_set_destroy (a call that found it before sees this)

    int32_t count() const { return static_cast<int32_t>(members.size()); }
    // The systems of a run, with the executor copy made first if needed.
    SystemSet systems(Backend& b);
    // The same without the executor copy, for the operations that run on the
    // host (estimates, similarities): they never make one.
    SystemSet host_tables() const;
};

// Frees the executor copy (the context is being destroyed: called with it locked).
void release_executor_copy(AgentSet& set);

}  // namespace isn
