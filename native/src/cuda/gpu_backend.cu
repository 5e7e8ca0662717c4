// NVIDIA build of the GPU backend: the HIP source compiled by nvcc, with the
// hip* runtime names mapped onto CUDA by gpu/gpu_runtime.h (nvcc --fmad=false).
#include "../hip/gpu_backend.hip"
