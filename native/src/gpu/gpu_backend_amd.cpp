// The AMD plug-in's host side: the GPU backend of hip/gpu_backend.hip compiled
// by the host C++ compiler with ISN_GPU_HOST_ONLY (set for the whole plug-in),
// so gpu_runtime.h takes hip_dynamic.h: the runtime opened at run time, the
// kernels launched from the embedded bundle.
#include "../hip/gpu_backend.hip"
