// The AMD plug-in's view of the HIP runtime: libamdhip64 opened at run time
// (.so.7, .so.6 or .so.5, whichever the machine has), never linked, so one
// plug-in serves ROCm 5, 6 and 7; the kernels come from the code-object
// bundle embedded in the plug-in (hip_code_objects.S) through the module API,
// where the runtime picks the device's ISA. Included only through
// gpu_runtime.h, by the plug-in's host pass (ISN_GPU_HOST_ONLY), which sees no
// HIP header: the few types and values below are HIP's C ABI, the same in
// every ROCm release since 5.0.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#define ISN_GPU_RUNTIME_NAME "hip"
#define ISN_GPU_IS_HIP_MODULE 1

enum hipError_t : int {
    hipSuccess = 0,
    hipErrorOutOfMemory = 2,
    hipErrorNotInitialized = 3,
    hipErrorNoDevice = 100,
    hipErrorInvalidDevice = 101,
    hipErrorInvalidImage = 200,
    hipErrorNoBinaryForGpu = 209,
    hipErrorNotFound = 500,
};
enum hipMemcpyKind : int { hipMemcpyHostToDevice = 1, hipMemcpyDeviceToHost = 2 };
using hipStream_t = struct ihipStream_t*;
using hipModule_t = struct ihipModule_t*;
using hipFunction_t = struct ihipModuleSymbol_t*;

struct dim3 {
    uint32_t x, y, z;
    constexpr dim3(uint32_t x_ = 1, uint32_t y_ = 1, uint32_t z_ = 1) : x(x_), y(y_), z(z_) {}
};

namespace isn::gpu {
#define ISN_GPU_KERNEL_ENUM(name) name,
enum class Kernel : int { ISN_GPU_KERNELS(ISN_GPU_KERNEL_ENUM) count };
#undef ISN_GPU_KERNEL_ENUM
}  // namespace isn::gpu

namespace isn::hipdyn {

// The entry points the plug-in calls, bound by name from libamdhip64.
struct Api {
    const char* library;  // the file opened, e.g. "libamdhip64.so.6"
    hipError_t (*GetDeviceCount)(int*);
    hipError_t (*SetDevice)(int);
    // hipGetDevicePropertiesR0600 (ROCm >= 6) or the legacy hipGetDeviceProperties
    // (ROCm 5), whose structs differ; props_arch_offset is gcnArchName's place in it.
    hipError_t (*GetDeviceProperties)(void*, int);
    size_t props_arch_offset;
    hipError_t (*Malloc)(void**, size_t);
    hipError_t (*Free)(void*);
    hipError_t (*MemcpyAsync)(void*, const void*, size_t, hipMemcpyKind, hipStream_t);
    hipError_t (*StreamCreate)(hipStream_t*);
    hipError_t (*StreamDestroy)(hipStream_t);
    hipError_t (*StreamSynchronize)(hipStream_t);
    hipError_t (*GetLastError)();
    const char* (*GetErrorName)(hipError_t);
    const char* (*GetErrorString)(hipError_t);
    hipError_t (*ModuleLoadData)(hipModule_t*, const void*);
    hipError_t (*ModuleGetFunction)(hipFunction_t*, hipModule_t, const char*);
    hipError_t (*ModuleLaunchKernel)(hipFunction_t, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                                     unsigned, hipStream_t, void**, void**);
    hipError_t (*ModuleUnload)(hipModule_t);
};

// The runtime, opened once per process; null when none usable is installed
// (unavailable_reason() says what was tried and what to do).
const Api* api();
const std::string& unavailable_reason();

// The ISAs of the embedded bundle ("gfx1151", ...), in bundle order.
const std::vector<std::string>& carried_isas();
std::string carried_isas_text();  // "gfx1151, gfx1100, ..."

// Name and ISA (gcnArchName without its feature suffixes) of a device.
hipError_t identify(int device, std::string* name, std::string* isa);

// A launch failure of the module API, reported by the next hipGetLastError.
hipError_t take_launch_error();

// The embedded kernels on one device: loaded at context creation, unloaded
// with the context. Refuses (ISN_STATUS_DEVICE_UNAVAILABLE) a device whose
// ISA the bundle does not carry, naming both and the command that builds for it.
class KernelModule {
public:
    KernelModule(int32_t device, const std::string& device_name, const std::string& isa);
    ~KernelModule();
    KernelModule(const KernelModule&) = delete;
    KernelModule& operator=(const KernelModule&) = delete;

    template <class... Args>
    void launch(gpu::Kernel kernel, dim3 grid, dim3 block, hipStream_t stream, Args... args) {
        void* params[] = {static_cast<void*>(&args)...};
        launch_params(kernel, grid, block, stream, params);
    }

private:
    void launch_params(gpu::Kernel kernel, dim3 grid, dim3 block, hipStream_t stream, void** params);

    hipModule_t module_ = nullptr;
    hipFunction_t functions_[static_cast<int>(gpu::Kernel::count)] = {};
};

}  // namespace isn::hipdyn

// The hip* names the GPU backend uses, forwarded to the opened runtime.
inline hipError_t hipGetDeviceCount(int* count) {
    const isn::hipdyn::Api* a = isn::hipdyn::api();
    if (a == nullptr) {
        *count = 0;
        return hipErrorNoDevice;
    }
    return a->GetDeviceCount(count);
}
inline hipError_t hipSetDevice(int device) { return isn::hipdyn::api()->SetDevice(device); }
inline hipError_t hipMalloc(void** ptr, size_t bytes) { return isn::hipdyn::api()->Malloc(ptr, bytes); }
inline hipError_t hipFree(void* ptr) { return isn::hipdyn::api()->Free(ptr); }
inline hipError_t hipMemcpyAsync(void* dst, const void* src, size_t bytes, hipMemcpyKind kind, hipStream_t stream) {
    return isn::hipdyn::api()->MemcpyAsync(dst, src, bytes, kind, stream);
}
inline hipError_t hipStreamCreate(hipStream_t* stream) { return isn::hipdyn::api()->StreamCreate(stream); }
inline hipError_t hipStreamDestroy(hipStream_t stream) { return isn::hipdyn::api()->StreamDestroy(stream); }
inline hipError_t hipStreamSynchronize(hipStream_t stream) { return isn::hipdyn::api()->StreamSynchronize(stream); }
inline hipError_t hipGetLastError() {
    const hipError_t launch = isn::hipdyn::take_launch_error();
    const isn::hipdyn::Api* a = isn::hipdyn::api();
    const hipError_t runtime = a != nullptr ? a->GetLastError() : hipSuccess;
    return launch != hipSuccess ? launch : runtime;
}
inline const char* hipGetErrorName(hipError_t e) {
    const isn::hipdyn::Api* a = isn::hipdyn::api();
    return a != nullptr ? a->GetErrorName(e) : "hipErrorNotInitialized";
}
inline const char* hipGetErrorString(hipError_t e) {
    const isn::hipdyn::Api* a = isn::hipdyn::api();
    return a != nullptr ? a->GetErrorString(e) : "the HIP runtime is not loaded";
}
