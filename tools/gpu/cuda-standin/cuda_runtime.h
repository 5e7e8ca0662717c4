// A stand-in for CUDA's cuda_runtime.h, for tools/gpu/check-cuda-compile.sh
// ONLY (never used by a real build): just the types, runtime functions and
// device intrinsics that native/src/gpu/gpu_runtime.h and the kernels use,
// with the signatures of CUDA 12/13's cuda_runtime_api.h and driver_types.h
// (cudaGetDeviceProperties is the _v2 entry point since CUDA 12). It lets
// clang's CUDA mode compile native/src/cuda/gpu_backend.cu (host pass and
// NVPTX device pass) on a machine without the CUDA toolkit. It is no
// substitute for nvcc: the real check is tools/gpu/measure-nvidia.sh.
#pragma once
#include <stddef.h>
#ifndef __CUDACC__
#define __CUDACC__ 1  // nvcc always defines it; clang only in its own wrapper
#endif
#define __host__ __attribute__((host))
#define __device__ __attribute__((device))
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __constant__ __attribute__((constant))
#include <__clang_cuda_builtin_vars.h>
struct dim3 {
    unsigned x, y, z;
    __host__ __device__ dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {}
};
typedef struct CUstream_st* cudaStream_t;
typedef enum cudaError { cudaSuccess = 0, cudaErrorMemoryAllocation = 2, cudaErrorNoDevice = 100,
                         cudaErrorInvalidDevice = 101 } cudaError_t;
enum cudaMemcpyKind { cudaMemcpyHostToHost = 0, cudaMemcpyHostToDevice = 1, cudaMemcpyDeviceToHost = 2,
                      cudaMemcpyDeviceToDevice = 3, cudaMemcpyDefault = 4 };
struct cudaDeviceProp { char name[256]; size_t totalGlobalMem; int major; int minor; int multiProcessorCount; };
extern "C" {
cudaError_t cudaGetDeviceCount(int* count);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDeviceProperties_v2(cudaDeviceProp* prop, int device);
cudaError_t cudaMalloc(void** devPtr, size_t size);
cudaError_t cudaFree(void* devPtr);
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count, cudaMemcpyKind kind, cudaStream_t stream);
cudaError_t cudaStreamCreate(cudaStream_t* pStream);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamSynchronize(cudaStream_t stream);
cudaError_t cudaGetLastError(void);
const char* cudaGetErrorString(cudaError_t error);
const char* cudaGetErrorName(cudaError_t error);
unsigned __cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim, size_t sharedMem = 0, void* stream = 0);
cudaError_t cudaConfigureCall(dim3 gridDim, dim3 blockDim, size_t sharedMem = 0, cudaStream_t stream = 0);
}
#define cudaGetDeviceProperties cudaGetDeviceProperties_v2
template <class T> inline cudaError_t cudaMalloc(T** devPtr, size_t size) { return cudaMalloc((void**)devPtr, size); }
// Device intrinsics the core uses.
// __syncthreads is a clang CUDA builtin.
__device__ inline double __longlong_as_double(long long x) { return __builtin_bit_cast(double, x); }
__device__ inline long long __double_as_longlong(double x) { return __builtin_bit_cast(long long, x); }
#include <math.h>
__device__ inline double floor(double x) { return __builtin_floor(x); }
__device__ inline double sqrt(double x) { return __builtin_sqrt(x); }
