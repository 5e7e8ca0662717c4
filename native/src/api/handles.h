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

}  // namespace isn
