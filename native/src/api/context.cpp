#include "context.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

#include "../common/errors.h"
#include "agent_set.h"
#include "handles.h"
#include "validate.h"

namespace isn {

uint64_t next_handle() {
    constexpr uint64_t kTag = uint64_t{7} << 60, kLimit = uint64_t{1} << 56;
    static std::atomic<uint64_t> counter{0};
    const uint64_t k = counter.fetch_add(1, std::memory_order_relaxed) + 1;
    if (k >= kLimit) fail(ISN_STATUS_OUT_OF_MEMORY, "no handle values left in this process (2^56 were created)");
    return kTag | (k << 4);
}

namespace {

HandleRegistry<ContextState>& registry() {
    static HandleRegistry<ContextState> r;
    return r;
}

[[noreturn]] void not_live() {
    fail(ISN_STATUS_INVALID_HANDLE,
         "argument 'context' is not a live context (destroyed, destroyed twice, or never created by this library)");
}

void publish(std::unique_ptr<Backend> backend, isn_context** out) {
    auto state = std::make_shared<ContextState>();
    state->backend = std::move(backend);
    const uint64_t handle = next_handle();
    registry().add(handle, std::move(state));
    *out = handle_pointer<isn_context>(handle);
}

}  // namespace

ContextRef acquire(isn_context* context) {
    if (context == nullptr) fail(ISN_STATUS_INVALID_HANDLE, "argument 'context' is null");
    std::shared_ptr<ContextState> state = registry().find(handle_value(context));
    if (state == nullptr) not_live();
    ContextRef ref(std::move(state));  // locks the context outside the registry lock
    // Destroyed between the look-up and the lock: its backend is gone.
    if (ref.state()->backend == nullptr) not_live();
    return ref;
}

}  // namespace isn

using namespace isn;

extern "C" {

ISN_API isn_status isn_context_create_cpu(int32_t threads, isn_context** out_context) {
    return guard("isn_context_create_cpu", [&] {
        require_not_null(out_context, "out_context");
        require_range(threads, 0, 1024, "threads");
        int32_t t = threads;
        if (t == 0) t = static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency()));
        publish(make_cpu_backend(t), out_context);
    });
}

ISN_API isn_status isn_context_create_gpu(int32_t device, isn_context** out_context) {
    return guard("isn_context_create_gpu", [&] {
        require_not_null(out_context, "out_context");
        require_range(device, 0, 1023, "device");
        publish(make_gpu_backend(device), out_context);
    });
}

ISN_API isn_status isn_context_destroy(isn_context* context) {
    return guard("isn_context_destroy", [&] {
        if (context == nullptr) return;
        std::shared_ptr<ContextState> state = registry().take(handle_value(context));
        if (state == nullptr) not_live();
        // The state goes with its last reference (a set may still hold it).
        std::lock_guard<std::mutex> wait_for_calls(state->mutex);
        // Sets still alive answer INVALID_HANDLE from now on; their executor
        // copies go before the executor that made them.
        for (AgentSet* set : state->sets) release_executor_copy(*set);
        state->sets.clear();
        state->backend.reset();
    });
}

ISN_API isn_status isn_context_backend(isn_context* context, int32_t* out_backend) {
    return guard("isn_context_backend", [&] {
        const ContextRef ref = acquire(context);
        require_not_null(out_backend, "out_backend");
        *out_backend = ref.backend().kind();
    });
}

ISN_API isn_status isn_context_describe(isn_context* context, char* buffer, int32_t capacity) {
    return guard("isn_context_describe", [&] {
        const ContextRef ref = acquire(context);
        require_not_null(buffer, "buffer");
        require_range(capacity, 1, INT32_MAX, "capacity");
        const std::string d = ref.backend().describe();
        const size_t len = std::min(d.size(), static_cast<size_t>(capacity) - 1);
        std::memcpy(buffer, d.data(), len);
        buffer[len] = '\0';
    });
}

ISN_API isn_status isn_context_memory_stats(isn_context* context, int64_t* current_bytes, int64_t* peak_bytes) {
    return guard("isn_context_memory_stats", [&] {
        const ContextRef ref = acquire(context);
        int64_t current = 0, peak = 0;
        ref.backend().memory_stats(current, peak);
        if (current_bytes != nullptr) *current_bytes = current;
        if (peak_bytes != nullptr) *peak_bytes = peak;
    });
}

ISN_API isn_status isn_context_transfer_stats(isn_context* context, int64_t* host_to_device_bytes,
                                              int64_t* device_to_host_bytes) {
    return guard("isn_context_transfer_stats", [&] {
        const ContextRef ref = acquire(context);
        int64_t h2d = 0, d2h = 0;
        ref.backend().transfer_stats(h2d, d2h);
        if (host_to_device_bytes != nullptr) *host_to_device_bytes = h2d;
        if (device_to_host_bytes != nullptr) *device_to_host_bytes = d2h;
    });
}

ISN_API isn_status isn_gpu_device_count(int32_t* count) {
    return guard("isn_gpu_device_count", [&] {
        require_not_null(count, "count");
        *count = gpu_device_count();
    });
}

}  // extern "C"
