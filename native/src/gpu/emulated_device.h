// The emulated device: what gpu_runtime.h adds when the GPU backend is built
// against HIP-CPU (the ISN_GPU_EMULATION flavour, a test-only copy of the
// library; docs/GPU.md "Emulated device"). Included only through
// gpu_runtime.h, after HIP-CPU's <hip/hip_runtime.h>.
//
// HIP-CPU runs the kernels on the host. Two things a real runtime does are
// added here so the backend's error paths run too:
//  - faults on demand: the runtime calls the backend makes go through
//    isn::emu wrappers that a test arms with the hooks in emulated_hooks.h
//    (a device-memory limit, or the next allocation, launch or kernel
//    failing); unarmed they forward to HIP-CPU unchanged;
//  - a failed host allocation is reported (HIP-CPU's hipMalloc returns
//    success with a null pointer when malloc fails).
// Nothing here exists in the hipcc or nvcc builds.
#pragma once

#if !defined(__HIP_CPU_RT__)
#  error "emulated_device.h is for HIP-CPU builds only (include gpu_runtime.h)"
#endif

#include <cstddef>
#include <cstring>
#include <tuple>
#include <utility>

#define ISN_GPU_RUNTIME_NAME "hip-cpu"
#define ISN_GPU_IS_EMULATED 1

// Kernel and device-function markers as HIP-CPU defines them for clang (and
// GCC 10): without GCC's `simd` attribute, which only makes SIMD clones that
// its scalar launch never calls, and warns about every kernel's struct arguments.
#if defined(__GNUC__) && !defined(__clang__)
#  undef __global__
#  define __global__ __attribute__((flatten))
#  undef __device__
#  define __device__
#endif

// HIP has __double_as_longlong on the device; HIP-CPU lacks it (it has the
// inverse, __longlong_as_double). The core's device pass uses both.
inline long long __double_as_longlong(double d) noexcept {
    long long r;
    std::memcpy(&r, &d, sizeof r);
    return r;
}

namespace isn::emu {

hipError_t device_malloc(void** ptr, std::size_t bytes);
hipError_t device_free(void* ptr);
hipError_t memcpy_async(void* dst, const void* src, std::size_t bytes, hipMemcpyKind kind, hipStream_t stream);
hipError_t stream_synchronize(hipStream_t stream);
hipError_t stream_destroy(hipStream_t stream);
// False when an armed fault takes this launch: the kernel does not run, and
// either the launch reports an error (hipGetLastError) or the kernel "faults"
// (the stream's later copies do not happen; its synchronisation reports it).
bool admit_launch(hipStream_t stream);
hipError_t last_error();
const char* error_string(hipError_t e);

}  // namespace isn::emu

// The backend's runtime calls, routed through the wrappers (this header is
// included after HIP-CPU's, whose own definitions the wrappers call).
#if !defined(ISN_EMULATED_DEVICE_IMPL)
#  define hipMalloc(ptr, bytes) ::isn::emu::device_malloc(reinterpret_cast<void**>(ptr), (bytes))
#  define hipFree(ptr) ::isn::emu::device_free(ptr)
#  define hipMemcpyAsync(dst, src, bytes, kind, stream) ::isn::emu::memcpy_async((dst), (src), (bytes), (kind), (stream))
#  define hipStreamSynchronize(stream) ::isn::emu::stream_synchronize(stream)
#  define hipStreamDestroy(stream) ::isn::emu::stream_destroy(stream)
#  define hipGetLastError() ::isn::emu::last_error()
#  define hipGetErrorString(e) ::isn::emu::error_string(e)
// HIP-CPU's launch (hip_api.h, commit e112c93: hip::detail::launch with a
// lambda forwarding to the kernel), entered only when no fault takes it.
#  undef hipLaunchKernelGGL
#  define hipLaunchKernelGGL(kernel, grid, block, shmem, stream, ...)                                           \
      if (::isn::emu::admit_launch(stream)) {                                                                  \
          ::hip::detail::launch(                                                                               \
              (grid), (block), (shmem), (stream),                                                              \
              [=](auto&&... xs) noexcept { kernel(std::forward<decltype(xs)>(xs)...); },                      \
              std::make_tuple(__VA_ARGS__));                                                                    \
      } else                                                                                                   \
          ((void)0)
#endif
