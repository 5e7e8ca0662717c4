// The emulated-device build of the GPU backend (ISN_GPU_EMULATION; a test-only
// copy of the library, never shipped): the one kernel source,
// src/hip/gpu_backend.hip, compiled by the host's C++17 compiler against
// HIP-CPU, whose runtime runs the kernels on the host (__shared__ memory and
// __syncthreads() included). gpu_runtime.h adds the fault hooks.
//
// The kernels run the core's DEVICE pass, as hipcc and nvcc compile them
// (ISN_DEVICE_PASS: one proposal per draw, the sequential order's direct
// draw, four initial-field rows, the device bit casts), not the host pass the
// CPU backend runs. The core's inline functions differ between the passes
// (kDrawBlock sizes DrawBlock), and a linker keeps ONE copy of each inline
// function per library: this translation unit's core is therefore renamed, so
// its device-pass copies can never replace host ones (the CPU backend
// lives in the other library, libisingnative, but any host code of the GPU
// plug-in is still protected; and a core function defined out of line would
// fail to link here, loudly).
// HIP-CPU, TBB and the standard library come first, untouched by the renaming.
#include <hip/hip_runtime.h>
// Before the core: its device pass uses __double_as_longlong, defined there.
#include "emulated_device.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#define ISN_DEVICE_PASS 1
#define core isn_emulated_device_core
#include "../hip/gpu_backend.hip"
