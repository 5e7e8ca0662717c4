// The GPU plug-in's side of gpu_plugin_abi.h: its one export,
// isn_gpu_plugin_entry, and the C table that wraps the GPU executor
// (make_gpu_backend / gpu_device_count of hip/gpu_backend.hip, in whichever
// flavour this plug-in was built). Every call runs under plugin_guard, so no
// exception leaves the plug-in: the status goes back, the message waits in a
// per-thread buffer for the CPU library to pick up.
#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "../common/errors.h"
#include "../gpu_plugin_abi.h"
#include "isn_build_info.h"

namespace {

using isn::Backend;
using isn::ResidentSet;

// Fixed storage: writing a message never allocates (it may report an out-of-memory).
thread_local char t_error[ISN_MESSAGE_CAPACITY];

void set_error(const char* prefix, const char* text) noexcept {
    size_t at = 0;
    for (const char* s : {prefix, text})
        for (; s != nullptr && *s != '\0' && at + 1 < sizeof t_error; ++s) t_error[at++] = *s;
    t_error[at] = '\0';
}

// The same mapping as isn::guard (common/errors.h), minus the function name,
// which the CPU library's guard adds.
template <class F>
isn_status plugin_guard(F&& body) noexcept {
    t_error[0] = '\0';
    try {
        body();
        return ISN_STATUS_OK;
    } catch (const isn::Error& e) {
        set_error("", e.what());
        return e.status();
    } catch (const std::bad_alloc&) {
        set_error("", "out of memory");
        return ISN_STATUS_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        set_error("internal error: ", e.what());
        return ISN_STATUS_INTERNAL;
    } catch (...) {
        set_error("", "internal error: unknown exception");
        return ISN_STATUS_INTERNAL;
    }
}

// A GPU context's executor and its description, kept for describe()'s pointer.
struct HostedBackend {
    std::unique_ptr<Backend> backend;
    std::string description;
};

HostedBackend* from(isn_gpu_backend* b) { return reinterpret_cast<HostedBackend*>(b); }
const HostedBackend* from(const isn_gpu_backend* b) { return reinterpret_cast<const HostedBackend*>(b); }
ResidentSet* from(isn_gpu_resident* r) { return reinterpret_cast<ResidentSet*>(r); }
const ResidentSet* from(const isn_gpu_resident* r) { return reinterpret_cast<const ResidentSet*>(r); }

const char* last_error() { return t_error; }

int32_t device_count() {
    int32_t count = 0;
    if (plugin_guard([&] { count = isn::gpu_device_count(); }) != ISN_STATUS_OK) return 0;
    return count;
}

isn_status create(int32_t device, isn_gpu_backend** out) {
    return plugin_guard([&] {
        *out = nullptr;
        auto p = std::make_unique<HostedBackend>();
        p->backend = isn::make_gpu_backend(device);
        p->description = p->backend->describe();
        *out = reinterpret_cast<isn_gpu_backend*>(p.release());
    });
}

void destroy(isn_gpu_backend* b) { delete from(b); }

const char* describe(const isn_gpu_backend* b) { return from(b)->description.c_str(); }

isn_status run_anneal(isn_gpu_backend* b, const isn::SystemSet* systems, const isn::JobRange* jobs,
                      const isn_anneal_options* options, const isn_weights* weights, int8_t* spins_out,
                      isn_anneal_stats* stats, isn_empathy_result* results, double* scores) {
    return plugin_guard([&] {
        from(b)->backend->run_anneal(*systems, *jobs, *options, weights, spins_out, stats, results, scores);
    });
}

isn_status observe(isn_gpu_backend* b, const isn_system_view* systems, int32_t count, isn_observables* out) {
    return plugin_guard([&] { from(b)->backend->observe(systems, count, out); });
}

isn_status make_resident(isn_gpu_backend* b, const isn_system_view* views, int32_t count, const double* norms,
                         const double* energies, isn_gpu_resident** out) {
    return plugin_guard([&] {
        *out = nullptr;
        *out = reinterpret_cast<isn_gpu_resident*>(from(b)->backend->make_resident(views, count, norms, energies).release());
    });
}

isn_status update_resident(isn_gpu_backend* b, isn_gpu_resident* r, const isn_system_view* views, int32_t count,
                           int32_t index, const double* norms, const double* energies, int32_t spins_only,
                           int32_t* patched) {
    return plugin_guard([&] {
        *patched = 0;
        *patched = from(b)->backend->update_resident(*from(r), views, count, index, norms, energies, spins_only != 0) ? 1 : 0;
    });
}

int64_t resident_bytes(const isn_gpu_resident* r) { return from(r)->bytes(); }

void destroy_resident(isn_gpu_resident* r) { delete from(r); }

void memory_stats(const isn_gpu_backend* b, int64_t* current, int64_t* peak) {
    from(b)->backend->memory_stats(*current, *peak);
}

void transfer_stats(const isn_gpu_backend* b, int64_t* h2d, int64_t* d2h) {
    from(b)->backend->transfer_stats(*h2d, *d2h);
}

const isn_gpu_plugin_api kApi = {
    ISN_GPU_PLUGIN_ABI_VERSION,
    sizeof(isn_gpu_plugin_api),
    ISN_BUILD_ID,
    ISN_GPU_PLUGIN_RUNTIME,
    last_error,
    device_count,
    create,
    destroy,
    describe,
    run_anneal,
    observe,
    make_resident,
    update_resident,
    resident_bytes,
    destroy_resident,
    memory_stats,
    transfer_stats,
};

void write(char* message, int32_t capacity, const char* text) noexcept {
    if (message == nullptr || capacity <= 0) return;
    const size_t len = std::min(std::strlen(text), static_cast<size_t>(capacity) - 1);
    std::memcpy(message, text, len);
    message[len] = '\0';
}

void write(char* message, int32_t capacity, const std::string& text) noexcept { write(message, capacity, text.c_str()); }

}  // namespace

extern "C" ISN_GPU_PLUGIN_EXPORT isn_status isn_gpu_plugin_entry(uint32_t abi_version, const char* build_id,
                                                                 const isn_gpu_plugin_api** out_api, char* message,
                                                                 int32_t capacity) {
    try {
        if (out_api == nullptr) return ISN_STATUS_INVALID_ARGUMENT;
        *out_api = nullptr;
        write(message, capacity, "");
        if (abi_version != ISN_GPU_PLUGIN_ABI_VERSION) {
            write(message, capacity,
                  "the GPU plug-in (" ISN_GPU_PLUGIN_RUNTIME ") speaks plug-in ABI version " +
                      std::to_string(ISN_GPU_PLUGIN_ABI_VERSION) + ", the CPU library " + std::to_string(abi_version));
            return ISN_STATUS_DEVICE_UNAVAILABLE;
        }
        if (build_id == nullptr || std::strcmp(build_id, ISN_BUILD_ID) != 0) {
            write(message, capacity,
                  "the GPU plug-in (" ISN_GPU_PLUGIN_RUNTIME ") is from another build (plug-in build id " ISN_BUILD_ID
                  ", CPU library build id " +
                      std::string(build_id != nullptr ? build_id : "(null)") +
                      "): use the plug-in built with this library");
            return ISN_STATUS_DEVICE_UNAVAILABLE;
        }
        *out_api = &kApi;
        return ISN_STATUS_OK;
    } catch (...) {
        write(message, capacity, "the GPU plug-in's entry ran out of memory");
        return ISN_STATUS_OUT_OF_MEMORY;
    }
}
