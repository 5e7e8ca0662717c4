// Handle values of contexts and agent sets. A handle is an opaque 64-bit
// value cast to the header's pointer type: never an allocation, never
// dereferenced, only a key of its registry (api/context.cpp,
// api/agent_set.cpp). Values come from one process-wide counter and are never
// reused, so a destroyed handle stays unknown to the registry for the life of
// the process: a stale, doubly destroyed or forged handle is
// ISN_STATUS_INVALID_HANDLE and can never reach another owner's object (an
// address-keyed registry could not tell a stale token from the new object
// that reuses its address).
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace isn {

// A fresh value (thread-safe). Bits 60..62 are set, so the value is a
// non-canonical address on every 64-bit target (x86-64 and AArch64 use at
// most 57 address bits): no pointer to a real object, stack or heap, can
// equal a handle. The counter advances in steps of 16 below that tag; its
// 2^56 values would last centuries at a million creations a second, and
// exhausting them is reported (ISN_STATUS_OUT_OF_MEMORY), never wrapped.
uint64_t next_handle();

template <class Handle>
Handle* handle_pointer(uint64_t value) {
    static_assert(sizeof(Handle*) == sizeof(uint64_t), "handles need 64-bit pointers");
    return reinterpret_cast<Handle*>(static_cast<uintptr_t>(value));
}

template <class Handle>
uint64_t handle_value(const Handle* handle) {
    return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(handle));
}

// The live objects of one handle type, keyed by handle value (one instance
// per type: contexts in api/context.cpp, agent sets in api/agent_set.cpp).
// Each call takes the registry's own lock only for the map operation, so a
// caller never holds it while it locks an object. Callers word their own
// errors: find and take answer nullptr for a value that is not live.
template <class State>
class HandleRegistry {
public:
    void add(uint64_t handle, std::shared_ptr<State> state) {
        std::lock_guard<std::mutex> lock(mutex_);
        map_.emplace(handle, std::move(state));
    }
    std::shared_ptr<State> find(uint64_t handle) {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = map_.find(handle);
        return it == map_.end() ? nullptr : it->second;
    }
    // Removes the entry and hands back its object; the value is never issued again.
    std::shared_ptr<State> take(uint64_t handle) {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = map_.find(handle);
        if (it == map_.end()) return nullptr;
        std::shared_ptr<State> state = std::move(it->second);
        map_.erase(it);
        return state;
    }

private:
    std::mutex mutex_;
    std::unordered_map<uint64_t, std::shared_ptr<State>> map_;
};

}  // namespace isn
