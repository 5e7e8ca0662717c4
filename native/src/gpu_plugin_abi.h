// The GPU plug-in's ABI: how the CPU library (libisingnative) and its GPU
// executor (libisingnative_gpu: the hip, cuda or emulated flavour) meet.
//
// The CPU library links no GPU runtime. isn_context_create_gpu and
// isn_gpu_device_count load the plug-ins on first use (plugin/gpu_plugin_loader.cpp;
// dlopen/LoadLibrary: the AMD one, then the NVIDIA one, beside the CPU library,
// or only $ISN_GPU_PLUGIN) and call each one's one exported function, isn_gpu_plugin_entry, which checks the caller's
// ABI version and build id and hands back the table below. Everything else
// stays inside the plug-in (hidden visibility).
//
// Contract of the boundary:
//  - plain C calls only: no C++ exception, std:: type or virtual call crosses
//    it. Each failing call returns its isn_status and leaves the message in
//    the plug-in's per-thread buffer (last_error), which the CPU library turns
//    back into isn::Error, so the C API's messages are the ones a single
//    library gave;
//  - the structs of backend.h (SystemSet, JobRange, Job) and of isingnative.h
//    cross by pointer: both sides must be compiled from the same sources, which
//    the build id (one per build folder, CMake ISN_BUILD_ID) guarantees. A
//    plug-in from another build is refused with a message naming both ids;
//  - SystemSet::resident, across the boundary, is the plug-in's own
//    isn_gpu_resident handle (or null), never the CPU library's wrapper;
//  - the plug-in is never unloaded (a context may live until the process ends).
//
// Bump ISN_GPU_PLUGIN_ABI_VERSION when this table, backend.h's structs or the
// entry's meaning change. The entry's signature itself never changes, so an
// old or new plug-in can always be asked and refused with a clear message.
#pragma once
#include <cstdint>

#include "backend.h"

#define ISN_GPU_PLUGIN_ABI_VERSION 1u
#define ISN_GPU_PLUGIN_ENTRY_NAME "isn_gpu_plugin_entry"
// Where the loader looks when set: the plug-in's file (authoritative: nothing else is tried).
#define ISN_GPU_PLUGIN_ENV "ISN_GPU_PLUGIN"
// The plug-ins beside the library, in the order they are tried: the AMD (or
// the test-only emulated) one, then the NVIDIA one.
#if defined(_WIN32)
#  define ISN_GPU_PLUGIN_FILE "isingnative_gpu.dll"
#  define ISN_GPU_PLUGIN_CUDA_FILE "isingnative_gpu_cuda.dll"
#  define ISN_GPU_PLUGIN_EXPORT __declspec(dllexport)
#elif defined(__APPLE__)
#  define ISN_GPU_PLUGIN_FILE "libisingnative_gpu.dylib"
#  define ISN_GPU_PLUGIN_CUDA_FILE "libisingnative_gpu_cuda.dylib"
#  define ISN_GPU_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#  define ISN_GPU_PLUGIN_FILE "libisingnative_gpu.so"
#  define ISN_GPU_PLUGIN_CUDA_FILE "libisingnative_gpu_cuda.so"
#  define ISN_GPU_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

extern "C" {

typedef struct isn_gpu_backend isn_gpu_backend;    // a plug-in executor (one per GPU context)
typedef struct isn_gpu_resident isn_gpu_resident;  // a plug-in ResidentSet (an agent set on the device)

// Each call means what the Backend member of the same name means (backend.h).
// Calls returning isn_status leave the message in last_error() on failure.
typedef struct isn_gpu_plugin_api {
    uint32_t abi_version;  // ISN_GPU_PLUGIN_ABI_VERSION of the plug-in's build
    uint32_t size;         // sizeof(isn_gpu_plugin_api) of the plug-in's build
    const char* build_id;  // ISN_BUILD_ID of the plug-in's build
    const char* runtime;   // "hip", "cuda" or "hip-cpu" (the emulated device)

    // This thread's message of its latest failed call into the plug-in; never null.
    const char* (*last_error)(void);
    // Usable devices; 0 when none (never fails).
    int32_t (*device_count)(void);

    isn_status (*create)(int32_t device, isn_gpu_backend** out_backend);
    void (*destroy)(isn_gpu_backend* backend);
    // Valid as long as the backend lives.
    const char* (*describe)(const isn_gpu_backend* backend);

    isn_status (*run_anneal)(isn_gpu_backend* backend, const isn::SystemSet* systems, const isn::JobRange* jobs,
                             const isn_anneal_options* options, const isn_weights* weights, int8_t* spins_out,
                             isn_anneal_stats* stats, isn_empathy_result* results, double* scores);
    isn_status (*observe)(isn_gpu_backend* backend, const isn_system_view* systems, int32_t count,
                          isn_observables* out);

    // *out_resident may be null on success (the executor reads the host views).
    isn_status (*make_resident)(isn_gpu_backend* backend, const isn_system_view* views, int32_t count,
                                const double* norms, const double* energies, isn_gpu_resident** out_resident);
    // *out_patched: 1 when patched in place, 0 when the caller must make a new copy.
    isn_status (*update_resident)(isn_gpu_backend* backend, isn_gpu_resident* resident, const isn_system_view* views,
                                  int32_t count, int32_t index, const double* norms, const double* energies,
                                  int32_t spins_only, int32_t* out_patched);
    int64_t (*resident_bytes)(const isn_gpu_resident* resident);
    void (*destroy_resident)(isn_gpu_resident* resident);

    void (*memory_stats)(const isn_gpu_backend* backend, int64_t* current_bytes, int64_t* peak_bytes);
    void (*transfer_stats)(const isn_gpu_backend* backend, int64_t* host_to_device, int64_t* device_to_host);
} isn_gpu_plugin_api;

// The one export: checks abi_version and build_id against the plug-in's own;
// on a match sets *out_api (static, valid while the plug-in is loaded) and
// returns ISN_STATUS_OK; otherwise ISN_STATUS_DEVICE_UNAVAILABLE with the
// reason in message (capacity bytes, NUL-terminated).
typedef isn_status (*isn_gpu_plugin_entry_fn)(uint32_t abi_version, const char* build_id,
                                              const isn_gpu_plugin_api** out_api, char* message, int32_t capacity);

}  // extern "C"
