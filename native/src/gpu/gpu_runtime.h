// The one place that knows which GPU runtime is in use. The GPU backend is
// written against the HIP runtime API; for NVIDIA builds (nvcc, no HIP
// installed) this header maps each hip* name it uses onto the CUDA runtime
// equivalent, so the same kernel and launcher source compiles with hipcc
// (AMD) and nvcc (CUDA). Add a mapping here before using a new hip* name.
#pragma once

#if defined(__CUDACC__) && !defined(__HIP_PLATFORM_AMD__) && !defined(__HIPCC__)
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
#    define ISN_GPU_RUNTIME_NAME "hip"
#  endif
#endif

// Architecture text of a device: gcnArchName on AMD, "sm_XY" on NVIDIA; the
// emulated device (HIP-CPU's hipDeviceProp_t has no gcnArchName) says so, and
// the backend's description, isn_context_describe and `ising info` with it.
#include <string>
inline std::string isn_gpu_arch_name(const hipDeviceProp_t& p) {
#if defined(ISN_GPU_IS_CUDA)
    return "sm_" + std::to_string(p.major) + std::to_string(p.minor);
#elif defined(ISN_GPU_IS_EMULATED)
    (void)p;
    return "emulated on the host CPU";
#else
    return p.gcnArchName;
#endif
}
