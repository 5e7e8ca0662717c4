// Contexts. isn_context* is an opaque handle value (api/handles.h): entry
// points look it up in a registry of live contexts and never dereference it,
// so null, destroyed, doubly destroyed and forged handles are all reported
// (ISN_STATUS_INVALID_HANDLE), also after many more contexts were created. The state
// behind a token is reference-counted and serialised by a mutex: concurrent
// calls on one context queue up, and destroying a context while another
// thread is inside a call frees it only when that call returns.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "../backend.h"

namespace isn {

class AgentSet;

// Everything below is guarded by `mutex`. isn_context_destroy releases the
// sets' executor copies and then the backend (null from then on: the state
// itself lives on while a set still refers to it).
struct ContextState {
    std::mutex mutex;
    std::unique_ptr<Backend> backend;
    std::unordered_set<AgentSet*> sets;  // live sets created on this context
};

// A live context held for the duration of one call (locked, kept alive).
class ContextRef {
public:
    explicit ContextRef(std::shared_ptr<ContextState> state) : state_(std::move(state)), lock_(state_->mutex) {}
    Backend& backend() const { return *state_->backend; }
    ContextState* state() const { return state_.get(); }
    const std::shared_ptr<ContextState>& shared_state() const { return state_; }

private:
    std::shared_ptr<ContextState> state_;
    std::unique_lock<std::mutex> lock_;
};

// Throws ISN_STATUS_INVALID_HANDLE for null, destroyed or foreign pointers.
ContextRef acquire(isn_context* context);

}  // namespace isn
