/* Test-only hooks of the emulated-GPU flavour (CMake ISN_GPU_EMULATION=ON: the
 * GPU backend built against HIP-CPU and run on the host; docs/GPU.md). NOT part
 * of the C API: they are declared here, not in isingnative.h, and only that
 * flavour's GPU plug-in (libisingnative_gpu) exports them (a test finds out
 * whether it has them by looking the symbol up there). They drive the GPU
 * backend's real error paths:
 *
 *   isn_emulated_gpu_set_memory_limit(bytes)
 *       The emulated device has `bytes` of memory: an allocation that would take
 *       the live device allocations (all contexts) past it fails with
 *       hipErrorOutOfMemory. bytes < 0: no limit (the default).
 *   isn_emulated_gpu_fail(fault, skip)
 *       The (skip + 1)-th next operation of that kind fails, once:
 *         ISN_EMULATED_FAULT_ALLOC   hipMalloc returns hipErrorOutOfMemory;
 *         ISN_EMULATED_FAULT_LAUNCH  the kernel does not run and hipGetLastError
 *                                    returns hipErrorLaunchOutOfResources;
 *         ISN_EMULATED_FAULT_KERNEL  the launch succeeds but the kernel "faults":
 *                                    it does not run, the stream's later copies
 *                                    do not happen, and the stream's next
 *                                    synchronisation returns hipErrorIllegalAddress
 *                                    (what a device reports after an illegal
 *                                    access; here it is not sticky).
 *       Returns 0, or -1 for an unknown fault or a negative skip.
 *   isn_emulated_gpu_reset()           no limit, nothing armed, no stream faulted,
 *                                      faults_fired back to 0.
 *   isn_emulated_gpu_allocated_bytes() live device allocations, in bytes.
 *   isn_emulated_gpu_faults_fired()    faults fired since the last reset (limit
 *                                      refusals included).
 *   isn_emulated_gpu_invalid_frees()   hipFree calls on a pointer the device had
 *                                      not allocated or had freed already, since
 *                                      the process started (hipErrorInvalidValue;
 *                                      the pointer is not passed on).
 *
 * The state is process-wide, like a device: tests that arm it must not run
 * concurrently with other GPU work, and must reset it. */
#ifndef ISN_EMULATED_HOOKS_H
#define ISN_EMULATED_HOOKS_H

#include <stdint.h>

#include "../../include/isingnative.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ISN_EMULATED_FAULT_ALLOC 1
#define ISN_EMULATED_FAULT_LAUNCH 2
#define ISN_EMULATED_FAULT_KERNEL 3

ISN_API void isn_emulated_gpu_set_memory_limit(int64_t bytes);
ISN_API int32_t isn_emulated_gpu_fail(int32_t fault, int32_t skip);
ISN_API void isn_emulated_gpu_reset(void);
ISN_API int64_t isn_emulated_gpu_allocated_bytes(void);
ISN_API int64_t isn_emulated_gpu_faults_fired(void);
ISN_API int64_t isn_emulated_gpu_invalid_frees(void);

#ifdef __cplusplus
}
#endif

#endif
