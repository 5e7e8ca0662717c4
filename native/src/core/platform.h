// Host/device portability for the core: every core function is ISN_HD inline,
// compiled by the host compiler for the CPU backend and by hipcc/nvcc for the
// GPU kernels, so the algorithm exists exactly once (docs/ALGORITHM.md).
#pragma once
#include <stdint.h>

#if defined(__HIPCC__) || defined(__CUDACC__)
#  if defined(__HIPCC__)
#    include <hip/hip_runtime.h>  // device intrinsics; nvcc pre-includes the CUDA equivalents
#  endif
#  define ISN_HD __host__ __device__
#else
#  define ISN_HD
#endif

// Host and device passes see the same includes (nvcc requires matching
// declarations between its passes); only the function bodies differ.
#include <cmath>
#include <cstring>

// Forced inlining for the anneal's hot pieces: the CPU backend compiles the
// loop inside AVX2/AVX-512 target functions, and only code inlined there is
// vectorised for them (GCC, clang, hipcc and nvcc's host compilers all accept it).
#if defined(__GNUC__) || defined(__clang__)
#  define ISN_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#  define ISN_ALWAYS_INLINE inline
#endif

#if defined(__HIP_DEVICE_COMPILE__) || defined(__CUDA_ARCH__)
#  define ISN_DEVICE_PASS 1
#endif

namespace isn::core {

// Bit casts: memcpy on the host (well-defined C++), the runtime intrinsics on
// the device (both HIP and CUDA provide them).
ISN_HD inline double bits_to_double(uint64_t b) {
#ifdef ISN_DEVICE_PASS
    return __longlong_as_double(static_cast<long long>(b));
#else
    double d;
    std::memcpy(&d, &b, sizeof d);
    return d;
#endif
}

ISN_HD inline uint64_t double_to_bits(double d) {
#ifdef ISN_DEVICE_PASS
    return static_cast<uint64_t>(__double_as_longlong(d));
#else
    uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
#endif
}

// floor and sqrt are exactly specified by IEEE-754, so the libm/device
// versions agree everywhere.
ISN_HD inline double det_floor(double x) {
#ifdef ISN_DEVICE_PASS
    return ::floor(x);
#else
    return std::floor(x);
#endif
}

ISN_HD inline double det_sqrt(double x) {
#ifdef ISN_DEVICE_PASS
    return ::sqrt(x);
#else
    return std::sqrt(x);
#endif
}

ISN_HD inline double abs_d(double x) { return x < 0.0 ? -x : x; }
ISN_HD inline double max_d(double a, double b) { return a > b ? a : b; }
ISN_HD inline double min_d(double a, double b) { return a < b ? a : b; }

}  // namespace isn::core
