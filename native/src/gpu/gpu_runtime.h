// The one place that knows which GPU runtime is in use. The GPU backend is
// written against the HIP runtime API, in three flavours:
//  - AMD (the plug-in's host pass, ISN_GPU_HOST_ONLY): hip_dynamic.h opens
//    libamdhip64 at run time and launches the embedded code objects through
//    the module API;
//  - NVIDIA (nvcc, no HIP installed): each hip* name used maps onto the CUDA
//    runtime equivalent below;
//  - the emulated device (HIP-CPU, test-only): HIP-CPU's runtime plus the
//    fault hooks of emulated_device.h.
// Add a mapping here before using a new hip* name. Launches are written
// ISN_GPU_LAUNCH(module, kernel, grid, block, stream, args...) with a kernel of
// ISN_GPU_KERNELS; the flavours differ in that one macro.
#pragma once
#include <cstdint>
#include <string>

// Every kernel entry point (hip/kernels.h defines them): X(name).
#define ISN_GPU_KERNELS(X)    \
    X(isn_anneal_threads_f64) \
    X(isn_anneal_threads_f32) \
    X(isn_anneal_blocks_f64)  \
    X(isn_anneal_blocks_f32)  \
    X(isn_observe_systems)

#if defined(ISN_GPU_HOST_ONLY)
#  include "hip_dynamic.h"
#elif defined(__CUDACC__) && !defined(__HIP_PLATFORM_AMD__) && !defined(__HIPCC__)
#  include <cuda_runtime.h>
#  define ISN_GPU_RUNTIME_NAME "cuda"
#  define ISN_GPU_IS_CUDA 1
using hipError_t = cudaError_t;
using hipStream_t = cudaStream_t;
using hipDeviceProp_t = cudaDeviceProp;
#  define hipSuccess cudaSuccess
#  define hipErrorNoDevice cudaErrorNoDevice
#  define hipErrorOutOfMemory cudaErrorMemoryAllocation
#  define hipErrorInvalidDevice cudaErrorInvalidDevice
#  define hipGetDeviceCount cudaGetDeviceCount
#  define hipSetDevice cudaSetDevice
#  define hipGetDeviceProperties cudaGetDeviceProperties
#  define hipMalloc cudaMalloc
#  define hipFree cudaFree
#  define hipMemcpyAsync cudaMemcpyAsync
#  define hipMemcpyHostToDevice cudaMemcpyHostToDevice
#  define hipMemcpyDeviceToHost cudaMemcpyDeviceToHost
#  define hipStreamCreate cudaStreamCreate
#  define hipStreamDestroy cudaStreamDestroy
#  define hipStreamSynchronize cudaStreamSynchronize
#  define hipGetLastError cudaGetLastError
#  define hipGetErrorString cudaGetErrorString
#  define hipGetErrorName cudaGetErrorName
// Launches are written hipLaunchKernelGGL(kernel, grid, block, shmem, stream, args...)
// in the one kernel source: hipcc and HIP-CPU define it, nvcc gets the chevrons.
#  define hipLaunchKernelGGL(kernel, grid, block, shmem, stream, ...) \
      kernel<<<(grid), (block), (shmem), (stream)>>>(__VA_ARGS__)
#else
#  include <hip/hip_runtime.h>
#  if defined(__HIP_CPU_RT__)
#    include "emulated_device.h"
#  else
#    define ISN_GPU_RUNTIME_NAME "hip"  // the device pass of hip/kernels.hip
#  endif
#endif

#if defined(ISN_GPU_IS_HIP_MODULE)
namespace isn::gpu {
using KernelModule = hipdyn::KernelModule;
}  // namespace isn::gpu
#  define ISN_GPU_LAUNCH(module, kernel, grid, block, stream, ...) \
      (module).launch(::isn::gpu::Kernel::kernel, (grid), (block), (stream), __VA_ARGS__)
#else
namespace isn::gpu {
// The runtime API finds kernels by symbol: nothing to load.
struct KernelModule {
    KernelModule(int32_t, const std::string&, const std::string&) {}
};
}  // namespace isn::gpu
#  define ISN_GPU_LAUNCH(module, kernel, grid, block, stream, ...)                        \
      do {                                                                               \
          (void)(module);                                                                \
          hipLaunchKernelGGL(::isn::gpu::kernel, (grid), (block), 0, (stream), __VA_ARGS__); \
      } while (0)
#endif

// Name and architecture text of a device: gcnArchName's ISA on AMD, "sm_XY" on
// NVIDIA; the emulated device (HIP-CPU's hipDeviceProp_t has no gcnArchName)
// says so. The backend's description, isn_context_describe and `ising info` show them.
inline hipError_t isn_gpu_identify(int32_t device, std::string* name, std::string* arch) {
#if defined(ISN_GPU_IS_HIP_MODULE)
    return isn::hipdyn::identify(device, name, arch);
#else
    hipDeviceProp_t p;
    const hipError_t e = hipGetDeviceProperties(&p, device);
    if (e != hipSuccess) return e;
    *name = p.name;
#  if defined(ISN_GPU_IS_CUDA)
    *arch = "sm_" + std::to_string(p.major) + std::to_string(p.minor);
#  else
    *arch = "emulated on the host CPU";
#  endif
    return hipSuccess;
#endif
}

// Why the runtime cannot be used at all ("" when it can): the AMD plug-in's
// libamdhip64 may be missing or too old; the others are linked.
inline std::string isn_gpu_runtime_problem() {
#if defined(ISN_GPU_IS_HIP_MODULE)
    return isn::hipdyn::api() == nullptr ? isn::hipdyn::unavailable_reason() : std::string();
#else
    return std::string();
#endif
}

// What the plug-in's kernels were built for: "gfx1151, gfx1100, ..." (the
// embedded bundle), "sm_80, sm_90, PTX for compute_90" (ISN_GPU_CODE_OBJECTS,
// set by CMake) or the emulated device.
inline std::string isn_gpu_code_objects_text() {
#if defined(ISN_GPU_IS_HIP_MODULE)
    return isn::hipdyn::carried_isas_text();
#elif defined(ISN_GPU_CODE_OBJECTS)
    return ISN_GPU_CODE_OBJECTS;
#else
    return "the host CPU";
#endif
}

// The runtime as a device description shows it: "hip: libamdhip64.so.6, code
// objects for gfx1151, ...", "cuda, code objects for sm_80, ..." or "hip-cpu, ...".
inline std::string isn_gpu_runtime_text() {
#if defined(ISN_GPU_IS_HIP_MODULE)
    const std::string runtime = std::string(ISN_GPU_RUNTIME_NAME ": ") + isn::hipdyn::api()->library;
#else
    const std::string runtime = ISN_GPU_RUNTIME_NAME;
#endif
    return runtime + ", code objects for " + isn_gpu_code_objects_text();
}
